// The request loop the decode and executor workers share, driven through a stand-in for the
// worker global: a keep message prunes what the worker holds, an exception comes back as the
// request's error reply (so the UI thread's promise settles), a rejected asynchronous handler
// too, and requests wait for `ready`.
import { describe, expect, it } from 'vitest';
import { serveRequests, type WorkerScope } from '../../renderer/src/worker/workerPort';

type Request = { readonly type: 'work'; readonly requestId: number; readonly fail?: boolean } | { readonly type: 'keep'; readonly keep: readonly number[] };
type Response = { readonly requestId: number; readonly ok: boolean; readonly reason?: string };

function fakeScope(): WorkerScope<Request, Response> & { sent: Response[]; deliver(m: Request): unknown } {
  const sent: Response[] = [];
  const scope = {
    sent,
    onmessage: null as WorkerScope<Request, Response>['onmessage'],
    postMessage(message: Response) { sent.push(message); },
    deliver(m: Request) { return scope.onmessage!({ data: m } as MessageEvent<Request>); },
  };
  return scope;
}

const handle = (scope: { postMessage(m: Response): void }) => (req: Extract<Request, { type: 'work' }>) => {
  if (req.fail) throw new RangeError(`request ${req.requestId} failed`);
  scope.postMessage({ requestId: req.requestId, ok: true });
};
const failure = (requestId: number, e: unknown): Response => ({ requestId, ok: false, reason: (e as Error).message });

describe('serveRequests', () => {
  it('answers each request, and turns an exception into that request\'s failure reply', () => {
    const scope = fakeScope();
    serveRequests(scope, { handle: handle(scope), failure });
    scope.deliver({ type: 'work', requestId: 1 });
    scope.deliver({ type: 'work', requestId: 2, fail: true });
    scope.deliver({ type: 'work', requestId: 3 });
    expect(scope.sent).toEqual([
      { requestId: 1, ok: true },
      { requestId: 2, ok: false, reason: 'request 2 failed' },
      { requestId: 3, ok: true },
    ]);
  });

  it('a keep message drops every held key it does not list, and is not answered', () => {
    const scope = fakeScope();
    const held = new Map<number, string>([[1, 'a'], [2, 'b'], [3, 'c']]);
    serveRequests(scope, { held, handle: handle(scope), failure });
    scope.deliver({ type: 'keep', keep: [3, 1, 9] });
    expect([...held.keys()]).toEqual([1, 3]);
    expect(scope.sent).toEqual([]);
  });

  it('holds requests until ready settles, then serves them in arrival order', async () => {
    const scope = fakeScope();
    let start!: () => void;
    const ready = new Promise<void>((resolve) => { start = resolve; });
    serveRequests(scope, { handle: handle(scope), failure, ready });
    const served = [scope.deliver({ type: 'work', requestId: 1 }), scope.deliver({ type: 'work', requestId: 2, fail: true })];
    await Promise.resolve();
    expect(scope.sent).toEqual([]);
    start();
    await Promise.all(served);
    expect(scope.sent.map((r) => [r.requestId, r.ok])).toEqual([[1, true], [2, false]]);
  });

  it('an asynchronous handler that rejects comes back as that request\'s failure reply', async () => {
    const scope = fakeScope();
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => { settle = resolve; });
    serveRequests(scope, {
      async handle(req) {
        await Promise.resolve(); // e.g. reading a posted File
        if (req.fail) { setTimeout(settle); throw new RangeError(`request ${req.requestId} could not be read`); }
        scope.postMessage({ requestId: req.requestId, ok: true });
      },
      failure,
    });
    scope.deliver({ type: 'work', requestId: 1 });
    scope.deliver({ type: 'work', requestId: 2, fail: true });
    await settled;
    expect(scope.sent).toEqual([{ requestId: 1, ok: true }, { requestId: 2, ok: false, reason: 'request 2 could not be read' }]);
  });
});
