// The UI thread's side of the decode worker: one worker for the window, requests as promises.
import type { PackageContents } from '../../../shared/format';
import { sourceOf } from '../host/readFiles';
import type { DecodeRequest, DecodeResponse, OpenedAnalysis, PostedBytes, PostedInput } from './protocol';

/** The worker reported that the input is not a readable model. */
export class UnreadableModelError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UnreadableModelError';
  }
}

/** Each file as its source File when it was read from one (posting a File copies nothing). */
function posted(input: Uint8Array | PackageContents, fromFiles: boolean): PostedInput {
  const one = (bytes: Uint8Array): PostedBytes => (fromFiles ? sourceOf(bytes) : undefined) ?? bytes;
  if (input instanceof Uint8Array) return one(input);
  return { files: new Map([...input.files].map(([path, bytes]) => [path, one(bytes)])), directories: input.directories };
}

type Pending = { resolve: (r: DecodeResponse) => void; reject: (e: Error) => void };

/** What the client needs of a worker (a test hands it a stand-in). */
export type DecodeWorker = Pick<Worker, 'postMessage' | 'terminate' | 'onmessage' | 'onerror'>;

const startDecodeWorker = (): DecodeWorker => new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module', name: 'decode' });

export class DecodeClient {
  private worker: DecodeWorker | undefined;
  private nextRequest = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly startWorker: () => DecodeWorker = startDecodeWorker) {}

  private ensureWorker(): DecodeWorker {
    if (this.worker) return this.worker;
    const w = this.startWorker();
    w.onmessage = (ev: MessageEvent<DecodeResponse>) => {
      const p = this.pending.get(ev.data.requestId);
      if (p) { this.pending.delete(ev.data.requestId); p.resolve(ev.data); }
    };
    w.onerror = (ev) => {
      // A worker that fails to load or throws outside a handler: every request fails, and the
      // next request starts a fresh worker.
      const err = new Error(`decode worker failed: ${ev.message || 'could not start'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker?.terminate();
      this.worker = undefined;
    };
    this.worker = w;
    return w;
  }

  /** Starts the worker now, so that the first open does not wait for it. */
  warm(): void {
    this.ensureWorker();
  }

  /**
   * The model panel's facts, the findings and the shapes of the model in `input`, worked out on
   * the worker's own decode. The caller keeps its bytes: the worker reads its own copy of each
   * file, from the File it came from when there is one, otherwise from bytes postMessage copies.
   */
  async analyze(name: string, input: Uint8Array | PackageContents): Promise<OpenedAnalysis> {
    let r = await this.request(name, posted(input, true));
    // A file changed or removed since this window read it cannot be read again (and must not be:
    // the worker would analyse other bytes than the window shows): the bytes themselves go then.
    if (r.type === 'error' && r.kind === 'source') r = await this.request(name, posted(input, false));
    if (r.type === 'analysis') return r.result;
    throw r.kind === 'read' ? new UnreadableModelError(r.reason) : new Error(r.reason);
  }

  private request(name: string, input: PostedInput): Promise<DecodeResponse> {
    const requestId = this.nextRequest++;
    return new Promise<DecodeResponse>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.ensureWorker().postMessage({ type: 'analyze', requestId, name, input } satisfies DecodeRequest);
    });
  }
}

export const decodeClient = new DecodeClient();
// Started with the window rather than with the first file: loading and compiling the worker's
// script then overlaps with the user choosing a file instead of adding to the open.
if (typeof Worker !== 'undefined') decodeClient.warm();
