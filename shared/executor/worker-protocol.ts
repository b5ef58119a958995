// Messages between a host thread and an executor worker (the app's Web Worker, a CLI worker
// thread), and what makes a run's result cheap to post back.
//
// The model reaches the worker as its .mlmodel encoding (encodeModel), posted with its buffer
// transferred, and is decoded there once per key. Measured in Node 20 on three real models
// (SqueezeNetFP16 2.5 MB, model_cpm 2.6 MB/757 layers, Mandy 0.6 MB), warm: encoding a spec whose
// messages still have their original bytes costs 0.1–0.3 ms (an edited one re-encodes only the
// changed messages), decoding it in the worker 1–33 ms; a structured clone of the decoded spec
// instead costs 1–200 ms, on the sending (UI) thread, per run.
import type { Comparison } from './compare';
import type { FeatureValue, LayerProfile, RunResult, Tensor } from './types';

/** A model the worker holds by key, or is sent now (bytes: its .mlmodel encoding). */
export interface ModelRef {
  readonly key: number;
  readonly bytes?: Uint8Array;
}

export interface WorkerRunOptions {
  readonly blobs?: 'all' | string[];
  readonly stopAfter?: string;
  readonly profile?: boolean;
}

export type ExecutorRequest =
  | {
    readonly type: 'run'; readonly requestId: number; readonly model: ModelRef;
    readonly inputs: Map<string, FeatureValue>; readonly options: WorkerRunOptions;
    /** An Int32Array(1) over shared memory: set to 1 to cancel (only where the host allows shared memory). */
    readonly cancel?: Int32Array;
  }
  | {
    readonly type: 'compare'; readonly requestId: number; readonly a: ModelRef; readonly b: ModelRef;
    /** Each set runs through A and B; every blob is compared (matched by name). */
    readonly inputSets: Map<string, FeatureValue>[];
    readonly cancel?: Int32Array;
  }
  /** Drop every model but these. */
  | { readonly type: 'forget'; readonly keep: readonly number[] };

export type ExecutorResponse =
  | { readonly type: 'progress'; readonly requestId: number; readonly done: number; readonly total: number; readonly step?: string }
  | {
    readonly type: 'result'; readonly requestId: number;
    readonly outputs: Map<string, FeatureValue>; readonly blobs: Map<string, Tensor>; readonly profile: LayerProfile[];
    /** Wall time of runModel in the worker, and of decoding the model when it was sent. */
    readonly ms: number; readonly decodeMs: number;
    /** Threads the kernels used (RunResult.threads): 2 where the worker could share memory with a helper. */
    readonly threads: number;
  }
  | { readonly type: 'compared'; readonly requestId: number; readonly comparison: Comparison; readonly ms: number }
  | {
    readonly type: 'error'; readonly requestId: number; readonly message: string;
    /** 'cancelled': the caller asked; 'unknownModel': the worker lost the model (send its bytes). */
    readonly kind: 'failed' | 'cancelled' | 'unknownModel';
  };

/**
 * The buffers to transfer with a result, each once. A tensor that is a view into a larger buffer
 * (a wasm heap, another blob's storage) is copied first: transferring would take the whole
 * buffer away from its owner, and a WebAssembly memory cannot be transferred at all.
 */
export function transferableResult(result: Pick<RunResult, 'outputs' | 'blobs'>): { outputs: Map<string, FeatureValue>; blobs: Map<string, Tensor>; transfer: ArrayBuffer[] } {
  const seen = new Set<ArrayBuffer>();
  const transfer: ArrayBuffer[] = [];
  const owned = new Map<Float32Array, Float32Array>();
  const own = (data: Float32Array): Float32Array => {
    const hit = owned.get(data);
    if (hit) return hit;
    let out = data;
    const buf = data.buffer;
    const whole = buf instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buf.byteLength;
    if (!whole || seen.has(buf)) out = data.slice();
    seen.add(out.buffer as ArrayBuffer);
    transfer.push(out.buffer as ArrayBuffer);
    owned.set(data, out);
    return out;
  };
  const blobs = new Map<string, Tensor>();
  for (const [name, t] of result.blobs) blobs.set(name, { shape: t.shape, data: own(t.data) });
  const outputs = new Map<string, FeatureValue>();
  for (const [name, v] of result.outputs) outputs.set(name, v.kind === 'tensor' ? { kind: 'tensor', tensor: { shape: v.tensor.shape, data: own(v.tensor.data) } } : v);
  return { outputs, blobs, transfer };
}
