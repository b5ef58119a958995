// The UI thread's side of the executor worker: runs and comparisons as promises, with progress
// and cancel. A spec is sent as its .mlmodel encoding the first time the worker needs it (keyed
// by the spec object: documents are immutable, so a spec is one revision).
//
// Cancel: runModel is synchronous, so the worker cannot read a "cancel" message mid-run. Where the
// page may share memory (crossOriginIsolated), a shared flag is polled between layers and the
// worker survives; otherwise the worker is terminated and the next run starts a fresh one (it
// re-sends the spec: a few milliseconds of decoding).
import { encodeModel, type Model } from '../../../shared/format';
import type {
  Comparison, ExecutorRequest, ExecutorResponse, FeatureValue, LayerProfile, ModelRef, Tensor, WorkerRunOptions,
} from '../../../shared/executor';

export class RunCancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'RunCancelledError';
  }
}

export interface Progress {
  readonly done: number;
  readonly total: number;
  /** Which run of a comparison ("A", "B (input set 2 of 3)"). */
  readonly step?: string;
}

export interface WorkerRunResult {
  readonly outputs: Map<string, FeatureValue>;
  readonly blobs: Map<string, Tensor>;
  readonly profile: LayerProfile[];
  readonly ms: number;
  readonly decodeMs: number;
  /** Threads the executor's kernels used: 2 where the page could share memory with a helper worker. */
  readonly threads: number;
}

export interface Job<T> {
  readonly promise: Promise<T>;
  cancel(): void;
}

type Reply = Exclude<ExecutorResponse, { type: 'progress' }>;

interface Pending {
  resolve(r: Reply): void;
  reject(e: Error): void;
  onProgress?: (p: Progress) => void;
}

const canShareMemory = (): boolean => typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

export class ExecutorClient {
  private worker: Worker | undefined;
  private nextRequest = 1;
  private nextKey = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly keys = new WeakMap<Model, number>();
  /** Keys the current worker was sent. */
  private sent = new Set<number>();
  /** Threads the last run's kernels used (1 until a run reports). */
  threads = 1;

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./executor.worker.ts', import.meta.url), { type: 'module', name: 'executor' });
    w.onmessage = (ev: MessageEvent<ExecutorResponse>) => {
      const msg = ev.data;
      const p = this.pending.get(msg.requestId);
      if (!p) return;
      if (msg.type === 'progress') { p.onProgress?.(msg); return; }
      this.pending.delete(msg.requestId);
      p.resolve(msg);
    };
    w.onerror = (ev) => {
      this.stop(new Error(`executor worker failed: ${ev.message || 'could not start'}`));
    };
    this.worker = w;
    this.sent = new Set();
    return w;
  }

  /** Ends the worker; every pending request fails with `reason`. */
  private stop(reason: Error): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.sent = new Set();
    for (const p of this.pending.values()) p.reject(reason);
    this.pending.clear();
  }

  private keyOf(spec: Model): number {
    let k = this.keys.get(spec);
    if (k === undefined) { k = this.nextKey++; this.keys.set(spec, k); }
    return k;
  }

  private refOf(spec: Model, withBytes: boolean, transfer: Transferable[]): ModelRef {
    const key = this.keyOf(spec);
    if (!withBytes && this.sent.has(key)) return { key };
    // encodeModel writes a new buffer, so transferring it takes nothing from the document.
    const bytes = encodeModel(spec);
    transfer.push(bytes.buffer);
    this.sent.add(key);
    return { key, bytes };
  }

  private job<T>(build: (requestId: number, withBytes: boolean, transfer: Transferable[], cancel: Int32Array | undefined) => ExecutorRequest, onProgress: ((p: Progress) => void) | undefined, unwrap: (r: Reply) => T): Job<T> {
    const requestId = this.nextRequest++;
    const flag = canShareMemory() ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
    let cancelled = false;
    const send = (withBytes: boolean): Promise<Reply> => new Promise<Reply>((resolve, reject) => {
      const transfer: Transferable[] = [];
      const w = this.ensureWorker();
      const req = build(requestId, withBytes, transfer, flag);
      this.pending.set(requestId, { resolve, reject, ...(onProgress ? { onProgress } : {}) });
      w.postMessage(req, transfer);
    });
    const promise = (async () => {
      let r = await send(false);
      // The worker dropped the model (it keeps a few): send it again, once.
      if (r.type === 'error' && r.kind === 'unknownModel') r = await send(true);
      if (r.type === 'error') throw r.kind === 'cancelled' ? new RunCancelledError() : new Error(r.message);
      return unwrap(r);
    })().catch((e: Error) => { throw cancelled ? new RunCancelledError() : e; });
    return {
      promise,
      cancel: () => {
        if (cancelled || !this.pending.has(requestId)) return;
        cancelled = true;
        if (flag) { Atomics.store(flag, 0, 1); return; }
        this.stop(new RunCancelledError());
      },
    };
  }

  /** Runs `spec` on `inputs` (copied to the worker: the caller keeps them). */
  run(spec: Model, inputs: Map<string, FeatureValue>, options: WorkerRunOptions, onProgress?: (p: Progress) => void): Job<WorkerRunResult> {
    return this.job(
      (requestId, withBytes, transfer, cancel) => ({ type: 'run', requestId, model: this.refOf(spec, withBytes, transfer), inputs, options, ...(cancel ? { cancel } : {}) }),
      onProgress,
      (r) => {
        if (r.type !== 'result') throw new Error(`unexpected reply ${r.type}`);
        this.threads = r.threads;
        return { outputs: r.outputs, blobs: r.blobs, profile: r.profile, ms: r.ms, decodeMs: r.decodeMs, threads: r.threads };
      },
    );
  }

  /** Runs every input set through A and B and compares every output and blob by name. */
  compare(a: Model, b: Model, inputSets: Map<string, FeatureValue>[], onProgress?: (p: Progress) => void): Job<{ comparison: Comparison; ms: number }> {
    return this.job(
      (requestId, withBytes, transfer, cancel) => ({
        type: 'compare', requestId, a: this.refOf(a, withBytes, transfer), b: this.refOf(b, withBytes, transfer), inputSets, ...(cancel ? { cancel } : {}),
      }),
      onProgress,
      (r) => {
        if (r.type !== 'compared') throw new Error(`unexpected reply ${r.type}`);
        return { comparison: r.comparison, ms: r.ms };
      },
    );
  }

  /** Lets the worker drop every model but these specs'. */
  keepOnly(specs: readonly Model[]): void {
    if (!this.worker) return;
    const keep = specs.map((s) => this.keys.get(s)).filter((k): k is number => k !== undefined);
    for (const k of [...this.sent]) if (!keep.includes(k)) this.sent.delete(k);
    this.worker.postMessage({ type: 'forget', keep } satisfies ExecutorRequest);
  }
}

export const executorClient = new ExecutorClient();
