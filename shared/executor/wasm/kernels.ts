/**
 * The SIMD kernels (kernels/assembly, inlined by scripts/build-kernels.mjs) on one KernelHeap.
 *
 * Arguments that already live in the heap (`heap.holds(array)`) are used in place. Any other
 * Float32Array is copied in before the call and the output copied out after it: that costs one
 * pass over input, weights and output per call (memcpy speed, a few GB/s), which is small next to
 * a convolution but not next to a depthwise one, so an executor should adopt weights into the
 * heap once (`heap.adopt`) and allocate its blobs there (`heap.allocF32`).
 *
 * Instantiation is synchronous (`new WebAssembly.Module`): the module is a few KB, the executor
 * runs in a worker, and browsers only restrict synchronous compilation of large modules on the
 * main thread. Two builds are inlined: SIMD with relaxed SIMD (fused multiply-add; Chromium,
 * Electron, Node 22+) is taken when the host validates it, else plain SIMD (Node 20). A host
 * without WebAssembly SIMD gets null from `simdKernels()` and the caller uses the plain
 * TypeScript kernels.
 *
 * Each build is also inlined over a shared memory (`createKernels(variant, { shared: true })`):
 * shared/executor/parallel.ts swaps the process-wide kernels for such an instance when a host can
 * start a second thread, and that thread instantiates the same module over the same memory.
 */
import { KERNELS_RELAXED_SHARED_WASM_BASE64, KERNELS_RELAXED_WASM_BASE64, KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels.generated';
import { KernelHeap } from './heap';

/** The module's exports. gemm and conv2d compute the block [m0, m1) x [n0, n1) of their output (kernels/assembly). */
export interface KernelExports {
  heapBase(): number;
  gemm(
    M: number, N: number, K: number, a: number, b: number, transB: number, c: number, bias: number, biasMode: number, lo: number, hi: number,
    scratch: number, m0: number, m1: number, n0: number, n1: number,
  ): void;
  gemmScratchBytes(K: number): number;
  conv2d(
    inC: number, inH: number, inW: number, outC: number, kH: number, kW: number, sy: number, sx: number, dy: number, dx: number,
    pt: number, pl: number, groups: number, input: number, weights: number, bias: number, hasBias: number,
    output: number, outH: number, outW: number, lo: number, hi: number, scratch: number, m0: number, m1: number, n0: number, n1: number,
  ): void;
  conv2dScratchBytes(inC: number, kH: number, kW: number, groups: number): number;
  depthwise3x3(
    C: number, inH: number, inW: number, stride: number, pt: number, pl: number, input: number, weights: number,
    bias: number, hasBias: number, output: number, outH: number, outW: number, lo: number, hi: number, scratch: number,
  ): void;
  clamp(x: number, out: number, n: number, lo: number, hi: number): void;
  add(a: number, b: number, out: number, n: number): void;
  planeMeans(x: number, out: number, C: number, plane: number): void;
  depthwise3x3ScratchBytes(inH: number, inW: number, stride: number, pt: number, pl: number, outH: number, outW: number): number;
  /** Where this instance keeps its small per-call tiles (kernels/assembly/tiles.ts). */
  setTiles(ptr: number): void;
  tilesBytes(): number;
}

/** A second thread computing part of the large kernel calls (shared/executor/parallel.ts). */
export interface KernelHelper {
  /** True while the helper is started and has not failed. */
  readonly ready: boolean;
}

export const BIAS_NONE = 0;
export const BIAS_PER_ROW = 1;
export const BIAS_PER_COL = 2;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 without atob/Buffer, so the module is the same in every host. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const values = new Uint8Array(128);
  for (let i = 0; i < B64.length; i++) values[B64.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const a = values[clean.charCodeAt(i)];
    const b = values[clean.charCodeAt(i + 1)];
    const c = i + 2 < clean.length ? values[clean.charCodeAt(i + 2)] : 0;
    const d = i + 3 < clean.length ? values[clean.charCodeAt(i + 3)] : 0;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

interface ConstantCopies {
  byRange: Map<string, number>;
  held: { ptrs: number[]; bytes: number };
}

/** A f32 array argument resolved to a heap pointer, with the copy it needed (if any). */
interface Placed {
  ptr: number;
  source: Float32Array;
  copied: boolean;
}

export type KernelVariant = 'relaxed-simd' | 'simd';

export class WasmKernels {
  private scratchPtr = 0;
  private scratchBytes = 0;
  private helperScratchPtr = 0;
  /**
   * The helper thread, on a shared heap once it has started (parallel.ts sets it). It has a scratch
   * block of its own, as large as this thread's.
   */
  helper: KernelHelper | null = null;
  private pending: Placed[] = [];
  /**
   * Heap copies of constant arrays (model weights) outside the heap, by buffer and range, so a
   * network's weights are copied once, not on every run. A copy is released when its buffer is
   * garbage-collected.
   */
  private constants = new WeakMap<ArrayBufferLike, ConstantCopies>();
  private readonly constantsFreed = new FinalizationRegistry<{ ptrs: number[]; bytes: number }>((held) => {
    for (const p of held.ptrs) this.heap.release(p);
    this.constantBytes -= held.bytes;
  });
  private constantBytes = 0;

  constructor(
    readonly exports: KernelExports,
    readonly heap: KernelHeap,
    readonly variant: KernelVariant,
  ) {}

  /**
   * Runs `call` with every array resolved to a heap pointer. Pointers of arrays already in the
   * heap are read before anything is allocated, because an allocation may grow the memory and
   * detach those views (a detached view reports byteOffset 0).
   */
  withArrays(
    arrays: (Float32Array | undefined)[],
    outputIndex: number,
    scratchBytes: number,
    call: (ptrs: number[]) => void,
    /** Indices of arrays the caller promises never change (weights, bias): copied in once. */
    constant: readonly number[] = [],
  ): void {
    const placed: (Placed | null)[] = arrays.map((a) => (a && this.heap.holds(a) ? { ptr: a.byteOffset, source: a, copied: false } : null));
    for (const i of constant) {
      const a = arrays[i];
      if (!a || placed[i]) continue;
      const ptr = this.constants.get(a.buffer)?.byRange.get(`${a.byteOffset}:${a.length}`);
      if (ptr !== undefined) placed[i] = { ptr, source: a, copied: false };
    }
    try {
      for (let i = 0; i < arrays.length; i++) {
        const a = arrays[i];
        if (a && !placed[i]) {
          placed[i] = { ptr: this.heap.alloc(a.byteLength), source: a, copied: true };
          if (constant.includes(i)) this.rememberConstant(a, placed[i]!.ptr);
          else this.pending.push(placed[i]!);
        }
      }
      this.ensureScratch(scratchBytes);
      const buffer = this.heap.memory.buffer;
      for (let i = 0; i < arrays.length; i++) {
        const p = placed[i];
        if (p && p.copied && i !== outputIndex) new Float32Array(buffer, p.ptr, p.source.length).set(p.source);
      }
      call(placed.map((p) => (p ? p.ptr : 0)));
      const out = placed[outputIndex];
      if (out && out.copied) out.source.set(new Float32Array(this.heap.memory.buffer, out.ptr, out.source.length));
    } finally {
      for (const p of this.pending) this.heap.release(p.ptr);
      this.pending = [];
    }
  }

  private rememberConstant(a: Float32Array, ptr: number): void {
    let copies = this.constants.get(a.buffer);
    if (!copies) {
      copies = { byRange: new Map(), held: { ptrs: [], bytes: 0 } };
      this.constants.set(a.buffer, copies);
      // The held value must not reach the buffer, or the buffer could never be collected.
      this.constantsFreed.register(a.buffer, copies.held);
    }
    copies.byRange.set(`${a.byteOffset}:${a.length}`, ptr);
    copies.held.ptrs.push(ptr);
    copies.held.bytes += a.byteLength;
    this.constantBytes += a.byteLength;
  }

  /** Bytes of constant arrays (weights) held in the heap. */
  get constantSize(): number {
    return this.constantBytes;
  }

  /** Pointer of the scratch block the last call used (packed panels, padded planes). */
  get scratch(): number {
    return this.scratchPtr;
  }

  /** Pointer of the helper thread's scratch block (as large as `scratch`; 0 without a helper). */
  get helperScratch(): number {
    return this.helperScratchPtr;
  }

  /** Bytes of scratch kept allocated between calls (the helper's block included). */
  get scratchSize(): number {
    return this.helperScratchPtr ? 2 * this.scratchBytes : this.scratchBytes;
  }

  private ensureScratch(bytes: number): void {
    const helper = !!this.helper?.ready;
    if (bytes <= this.scratchBytes && (!helper || this.helperScratchPtr)) return;
    // The largest request so far, so a network's layers settle on one scratch block.
    const size = Math.max(bytes, this.scratchBytes, 65536);
    if (this.scratchBytes) this.heap.release(this.scratchPtr);
    if (this.helperScratchPtr) this.heap.release(this.helperScratchPtr);
    this.scratchBytes = 0;
    this.helperScratchPtr = 0;
    this.scratchPtr = this.heap.alloc(size);
    if (helper) this.helperScratchPtr = this.heap.alloc(size);
    this.scratchBytes = size;
  }
}

let instance: WasmKernels | null | undefined;

function wasmText(variant: KernelVariant, shared: boolean): string {
  if (variant === 'relaxed-simd') return shared ? KERNELS_RELAXED_SHARED_WASM_BASE64 : KERNELS_RELAXED_WASM_BASE64;
  return shared ? KERNELS_SHARED_WASM_BASE64 : KERNELS_WASM_BASE64;
}

/** A compiled build, kept so a helper thread can be handed the same module (modules can be posted). */
const modules = new Map<string, WebAssembly.Module | null>();

/** The compiled module of one build, or null when this host cannot compile it. */
export function kernelModule(variant: KernelVariant, shared = false): WebAssembly.Module | null {
  const key = `${variant}${shared ? ' shared' : ''}`;
  if (!modules.has(key)) {
    let module: WebAssembly.Module | null = null;
    try {
      const bytes = decodeBase64(wasmText(variant, shared));
      if (WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
    } catch {
      module = null;
    }
    modules.set(key, module);
  }
  return modules.get(key)!;
}

/**
 * A fresh instance of one build on its own heap, or null when this host cannot run it. `shared`:
 * over a shared memory (null where the host has no shared memory: a browser page that is not
 * crossOriginIsolated).
 */
export function createKernels(variant: KernelVariant, options: { shared?: boolean } = {}): WasmKernels | null {
  try {
    if (typeof WebAssembly !== 'object') return null;
    const shared = !!options.shared;
    if (shared && typeof SharedArrayBuffer === 'undefined') return null;
    const module = kernelModule(variant, shared);
    if (!module) return null;
    // heapBase() is only known after instantiation, so instantiate once against a probe memory.
    const probeMemory = new WebAssembly.Memory({ initial: 1, ...(shared ? { maximum: 1, shared } : {}) });
    const probe = new WebAssembly.Instance(module, { env: { memory: probeMemory, abort: () => {} } });
    const base = (probe.exports as unknown as KernelExports).heapBase();
    const heap = new KernelHeap(base, 65536, shared);
    const live = new WebAssembly.Instance(module, { env: { memory: heap.memory, abort: () => {} } });
    const exports = live.exports as unknown as KernelExports;
    exports.setTiles(heap.alloc(exports.tilesBytes()));
    return new WasmKernels(exports, heap, variant);
  } catch {
    return null;
  }
}

/** The process-wide SIMD kernels on their heap (relaxed SIMD when the host has it), or null without WebAssembly SIMD. */
export function simdKernels(): WasmKernels | null {
  if (instance === undefined) instance = createKernels('relaxed-simd') ?? createKernels('simd');
  return instance;
}

/**
 * Makes `kernels` the process-wide instance (parallel.ts: the same build over a shared heap, once
 * its helper thread has started). Only between runs: blobs of a run live in the old heap.
 */
export function useKernels(kernels: WasmKernels): void {
  instance = kernels;
}

/** For tests: turn the SIMD path off (null) or back on (undefined = detect again). */
export function setSimdKernelsForTesting(value: WasmKernels | null | undefined): void {
  instance = value;
}
