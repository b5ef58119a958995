// The public contract of the CPU executor: what goes in, what comes out, how a run is steered.
// Other modules (classic models, NMS, pipelines, SIMD kernels, the UI and the CLI) code against
// this file only.
import type { Model } from '../format';

/**
 * A dense float32 tensor in C order. NeuralNetwork blobs are either in Core ML's rank-5 layout
 * [Seq, Batch, C, H, W] (RANK5_ARRAY_MAPPING networks) or in their rank-N form (EXACT mapping,
 * spec 4 and later).
 */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/**
 * An image input. `pixels` holds either interleaved RGBA bytes (length width*height*4, as a
 * canvas ImageData gives them) or planar float channels (length width*height*channels, channel
 * order R,G,B, or one gray plane), in 0..255 before the model's preprocessing.
 */
export interface ImageValue {
  width: number;
  height: number;
  layout: 'rgba' | 'planar';
  pixels: Uint8Array | Uint8ClampedArray | Float32Array;
}

export type FeatureValue =
  | { kind: 'tensor'; tensor: Tensor }
  | { kind: 'image'; image: ImageValue }
  | { kind: 'string'; value: string }
  | { kind: 'int64'; value: number }
  | { kind: 'double'; value: number }
  | { kind: 'dictionary'; value: Map<string | number, number> }
  | { kind: 'sequence'; value: string[] | number[] };

export interface RunOptions {
  /** Model outputs to produce; all declared outputs when omitted. */
  outputs?: string[];
  /** Intermediate blobs to return: every blob, or these names. */
  blobs?: 'all' | string[];
  /**
   * Return the intermediate blobs (`blobs`, and stopAfter's outputs) as views into the executor's
   * WebAssembly heap instead of copies: "show me every layer" then costs no copy. Such a tensor's
   * `data` stays valid until `RunResult.release()` is called or the result is garbage-collected;
   * read `data` when needed rather than keeping the Float32Array (a later run may grow the heap,
   * which empties arrays taken before), and copy (`data.slice()`) before posting it to another
   * thread (posting a view would copy the whole heap). Model outputs are always copies. Without
   * this option (the default) every returned tensor is an ordinary array, valid forever.
   */
  blobViews?: boolean;
  /** Stop after the layer with this name (its outputs and the requested blobs are returned). */
  stopAfter?: string;
  /** Measure the time spent in each layer. */
  profile?: boolean;
  /** Called after each layer of the top-level network. */
  onProgress?(done: number, total: number): void;
  /** Polled between layers; a run whose signal is aborted throws ExecutorError('cancelled'). */
  signal?: { aborted: boolean };
}

export interface LayerProfile {
  layer: string;
  type: string;
  ms: number;
}

export interface RunResult {
  outputs: Map<string, FeatureValue>;
  blobs: Map<string, Tensor>;
  profile?: LayerProfile[];
  /** Threads the kernels of this run used: 2 with a helper thread over shared memory (see parallel.ts), else 1. */
  threads?: number;
  /** With RunOptions.blobViews: frees the heap memory behind the returned blob views (idempotent). */
  release?(): void;
}

/** runModel's signature, passed to pipelines so they can run their stages. */
export type RunModel = (model: Model, inputs: Map<string, FeatureValue>, options?: RunOptions) => RunResult;

/**
 * A run failed; the message names the layer (when there is one) and the problem:
 * "layer conv1 (convolution): weights hold 10 values, expected 12".
 */
export class ExecutorError extends Error {
  constructor(message: string, readonly layer?: string, readonly layerType?: string) {
    super(layer !== undefined ? `layer ${layer}${layerType ? ` (${layerType})` : ''}: ${message}` : message);
    this.name = 'ExecutorError';
  }
}

/** Helpers to build FeatureValues. */
export const tensorValue = (tensor: Tensor): FeatureValue => ({ kind: 'tensor', tensor });
export const tensor = (shape: number[], data?: Float32Array): Tensor => ({
  shape,
  data: data ?? new Float32Array(shape.reduce((a, b) => a * b, 1)),
});
