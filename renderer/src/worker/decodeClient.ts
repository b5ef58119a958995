// The UI thread's side of the decode worker: one worker for the window, requests as promises.
import type { PackageContents } from '../../../shared/format/mlpackage';
import type { ModelGraph } from '../../../shared/graph/types';
import type { DecodeRequest, DecodeResponse, OpenedAnalysis, OpenedSummary } from './protocol';

/** The worker reported that the input is not a readable model. */
export class UnreadableModelError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UnreadableModelError';
  }
}

type Pending = { resolve: (r: DecodeResponse) => void; reject: (e: Error) => void };

export class DecodeClient {
  private worker: Worker | undefined;
  private nextRequest = 1;
  private readonly pending = new Map<number, Pending>();
  /** Opens whose second reply (the analysis) is still due. */
  private readonly pendingAnalysis = new Map<number, Pending>();

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module', name: 'decode' });
    w.onmessage = (ev: MessageEvent<DecodeResponse>) => {
      const id = ev.data.requestId;
      const waiting = ev.data.type === 'analysis' ? this.pendingAnalysis : this.pending;
      const p = waiting.get(id);
      if (p) { waiting.delete(id); p.resolve(ev.data); }
      // An open that failed sends no analysis.
      if (ev.data.type === 'error') { this.pendingAnalysis.get(id)?.resolve(ev.data); this.pendingAnalysis.delete(id); }
    };
    w.onerror = (ev) => {
      // A worker that fails to load or throws outside a handler: every request fails, and the
      // next request starts a fresh worker.
      const err = new Error(`decode worker failed: ${ev.message || 'could not start'}`);
      for (const p of [...this.pending.values(), ...this.pendingAnalysis.values()]) p.reject(err);
      this.pending.clear();
      this.pendingAnalysis.clear();
      this.worker?.terminate();
      this.worker = undefined;
    };
    this.worker = w;
    return w;
  }

  private request(make: (requestId: number) => DecodeRequest): Promise<DecodeResponse> {
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.ensureWorker().postMessage(make(requestId));
    });
  }

  /** Starts the worker now, so that the first open does not wait for it. */
  warm(): void {
    this.ensureWorker();
  }

  /**
   * Decodes and builds the graph; the input is copied to the worker, the caller keeps its bytes.
   * Resolves with the graph; `analysis` resolves later with the model panel's facts and findings.
   */
  async open(docId: number, name: string, input: Uint8Array | PackageContents, foldConstants: boolean): Promise<OpenedSummary & { analysis: Promise<OpenedAnalysis> }> {
    let analysis!: Promise<DecodeResponse>;
    const r = await this.request((requestId) => {
      analysis = new Promise((resolve, reject) => this.pendingAnalysis.set(requestId, { resolve, reject }));
      return { type: 'open', requestId, docId, name, input, foldConstants };
    });
    if (r.type === 'opened') {
      return {
        ...r.result,
        analysis: analysis.then((a) => {
          if (a.type === 'analysis') return a.result;
          throw new Error(a.type === 'error' ? a.reason : `unexpected reply ${a.type}`);
        }),
      };
    }
    analysis.catch(() => undefined);
    if (r.type === 'error') throw r.kind === 'read' ? new UnreadableModelError(r.reason) : new Error(r.reason);
    throw new Error(`unexpected reply ${r.type}`);
  }

  async graph(docId: number, foldConstants: boolean): Promise<{ graph: ModelGraph; graphMs: number }> {
    const r = await this.request((requestId) => ({ type: 'graph', requestId, docId, foldConstants }));
    if (r.type === 'graph') return r;
    if (r.type === 'error') throw new Error(r.reason);
    throw new Error(`unexpected reply ${r.type}`);
  }

  /** Lets the worker drop every document but these. */
  release(keep: readonly number[]): void {
    this.worker?.postMessage({ type: 'release', keep } satisfies DecodeRequest);
  }
}

export const decodeClient = new DecodeClient();
// Started with the window rather than with the first file: loading and compiling the worker's
// script then overlaps with the user choosing a file instead of adding to the open.
if (typeof Worker !== 'undefined') decodeClient.warm();
