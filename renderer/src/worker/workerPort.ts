// What the decode and executor workers share: the worker global typed for one protocol, and the
// loop that serves its requests. Every request carries the id the UI thread waits on, so an
// exception must still come back as a reply for that id or the caller's promise never settles;
// and each worker holds decoded models by key until the UI thread says which keys it still needs.

/** The worker global, typed structurally: the project compiles against the DOM library, not WebWorker. */
export interface WorkerScope<Request, Response> {
  postMessage(message: Response, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<Request>) => unknown) | null;
}

export const workerScope = <Request, Response>(): WorkerScope<Request, Response> => self as unknown as WorkerScope<Request, Response>;

/** The UI thread's "hold only these keys" message: everything else held may go. */
interface KeepOnly {
  readonly keep: readonly number[];
}

const isKeepOnly = (m: object): m is KeepOnly => 'keep' in m;

export interface Service<Request, Response> {
  /** What the worker holds by key between requests; a keep message drops every key it does not list. */
  readonly held?: Map<number, unknown>;
  /** Answers one request (posting its replies itself); what it throws or rejects with goes back as `failure`. */
  readonly handle: (request: Exclude<Request, KeepOnly>) => void | Promise<void>;
  readonly failure: (requestId: number, e: unknown) => Response;
  /** Requests wait for this before they are served (the executor's kernel threads starting). */
  readonly ready?: Promise<unknown>;
}

export function serveRequests<Request extends { readonly requestId: number } | KeepOnly, Response>(
  scope: WorkerScope<Request, Response>,
  service: Service<Request, Response>,
): void {
  const serve = (message: Request): void => {
    if (isKeepOnly(message)) {
      const { held } = service;
      if (held) for (const key of [...held.keys()]) if (!message.keep.includes(key)) held.delete(key);
      return;
    }
    const request = message as Exclude<Request, KeepOnly> & { readonly requestId: number };
    const fail = (e: unknown): void => scope.postMessage(service.failure(request.requestId, e));
    try {
      const done = service.handle(request);
      if (done) done.catch(fail);
    } catch (e) {
      fail(e);
    }
  };
  const { ready } = service;
  scope.onmessage = ready ? async (ev) => { await ready; serve(ev.data); } : (ev) => serve(ev.data);
}
