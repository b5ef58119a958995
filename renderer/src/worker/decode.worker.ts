// Decodes a model and builds its graph off the UI thread. The decoded document stays here too
// (by docId) so that a view option such as constant folding can rebuild the graph without
// sending the spec across again. The decoded spec is also posted to the UI thread with what the
// codec remembers about its bytes (see actions.ts), so the window never decodes.
import { ModelReadError } from '../../../shared/format/model';
import { buildGraph } from '../../../shared/graph/build';
import { inspectModel } from '../../../shared/inspect/inspect';
import { shapesOf, validate } from '../document/analysis';
import { openModelContents, toTransferable, type OpenedModel } from '../../../shared/io/document';
import type { DecodeRequest, DecodeResponse } from './protocol';

const documents = new Map<number, OpenedModel>();
/** The worker global, typed structurally: the project compiles against the DOM library, not WebWorker. */
const scope = self as unknown as {
  postMessage(message: DecodeResponse): void;
  onmessage: ((ev: MessageEvent<DecodeRequest>) => void) | null;
};

function reply(msg: DecodeResponse): void {
  scope.postMessage(msg);
}

function failure(requestId: number, e: unknown): DecodeResponse {
  if (e instanceof ModelReadError) return { type: 'error', requestId, kind: 'read', reason: e.reason };
  const err = e instanceof Error ? e : new Error(String(e));
  return { type: 'error', requestId, kind: 'internal', reason: `${err.name}: ${err.message}` };
}

scope.onmessage = (ev: MessageEvent<DecodeRequest>) => {
  const req = ev.data;
  if (req.type === 'release') {
    for (const id of [...documents.keys()]) if (!req.keep.includes(id)) documents.delete(id);
    return;
  }
  try {
    if (req.type === 'open') {
      const t0 = performance.now();
      const opened = openModelContents(req.name, req.input);
      const t1 = performance.now();
      const graph = buildGraph(opened.spec, { foldConstants: req.foldConstants });
      const t2 = performance.now();
      documents.set(req.docId, opened);
      // The graph goes first: the window adopts the document and lays the graph out while this
      // thread infers shapes, gathers the model panel's facts and validates.
      reply({ type: 'opened', requestId: req.requestId, result: { document: toTransferable(opened, req.input), graph, warnings: opened.warnings, decodeMs: t1 - t0, graphMs: t2 - t1 } });
      const t3 = performance.now();
      const shapes = shapesOf(opened.spec);
      const inspect = inspectModel(opened.spec, opened.format, opened.package);
      const findings = validate(opened.spec, shapes);
      reply({ type: 'analysis', requestId: req.requestId, result: { inspect, ...findings, ...(shapes ? { shapes } : {}), analysisMs: performance.now() - t3 } });
      return;
    }
    const opened = documents.get(req.docId);
    if (!opened) throw new Error(`document ${req.docId} is no longer held by the decode worker`);
    const t0 = performance.now();
    const graph = buildGraph(opened.spec, { foldConstants: req.foldConstants });
    reply({ type: 'graph', requestId: req.requestId, graph, graphMs: performance.now() - t0 });
  } catch (e) {
    reply(failure(req.requestId, e));
  }
};
