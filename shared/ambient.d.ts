// The host APIs shared/ may use. shared/ runs in the renderer, in web workers, in Electron's main
// process and in the CLI, so it compiles against ES2022 alone (shared/tsconfig.json) and declares
// here only what every one of those runtimes provides, typed as narrowly as the code uses it: the
// WHATWG Encoding API, `performance.now`, and the WebAssembly JS API (none of them is in lib ES2022).
// Not part of the root tsconfig, whose DOM and Node types declare the same names in full.

interface TextDecodeOptions {
  stream?: boolean;
}

interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}

/** WHATWG Encoding: bytes to a string in `label`'s encoding ("utf-8", "latin1"). */
interface TextDecoder {
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: ArrayBufferView | ArrayBuffer, options?: TextDecodeOptions): string;
}
declare var TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: TextDecoderOptions): TextDecoder;
};

/** WHATWG Encoding: a string to UTF-8 bytes. */
interface TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare var TextEncoder: {
  prototype: TextEncoder;
  new (): TextEncoder;
};

/** High Resolution Time: absent in some embeddings, hence the `| undefined` (callers fall back to Date.now). */
declare var performance: { now(): number } | undefined;

/** The WebAssembly JS API, as far as shared/executor/wasm uses it (synchronous compile and instantiate). */
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    /** A memory two threads use at once (its buffer is a SharedArrayBuffer; needs `maximum`). */
    shared?: boolean;
  }
  interface Memory {
    /** Typed as ArrayBuffer for the views made on it; a SharedArrayBuffer when the memory is shared. */
    readonly buffer: ArrayBuffer;
    /** Grows by `delta` pages of 64 KiB; returns the previous size in pages. Detaches `buffer`. */
    grow(delta: number): number;
  }
  var Memory: {
    prototype: Memory;
    new (descriptor: MemoryDescriptor): Memory;
  };
  type BufferSource = ArrayBufferView | ArrayBuffer;
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- opaque compiled code, as lib.dom declares WebAssembly.Module
  interface Module {}
  var Module: {
    prototype: Module;
    new (bytes: BufferSource): Module;
  };
  type ImportValue = Memory | ((...args: never[]) => unknown) | number;
  type Imports = Record<string, Record<string, ImportValue>>;
  type Exports = Record<string, unknown>;
  interface Instance {
    readonly exports: Exports;
  }
  var Instance: {
    prototype: Instance;
    new (module: Module, imports?: Imports): Instance;
  };
  function validate(bytes: BufferSource): boolean;
}
