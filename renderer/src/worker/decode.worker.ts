// Works out what the window shows beside a model's graph (shapes, the model panel's facts, the
// validation findings) on the worker's own decode of the file, while the window decodes the same
// bytes, builds the graph and draws it (actions.ts). The two decodes run at once on two cores;
// handing one thread's decoded spec to the other would cost a structured clone of every message
// on both sides, more than decoding again (bench/ui-profile.ts).
import { ModelReadError } from '../../../shared/format';
import { inspectModel } from '../../../shared/inspect';
import { openModelContents } from '../../../shared/io';
import { shapesOf, validate } from '../document/analysis';
import { warmUpAnalysis } from '../document/warmUp';
import type { DecodeRequest, DecodeResponse } from './protocol';
import { serveRequests, workerScope } from './workerPort';

const scope = workerScope<DecodeRequest, DecodeResponse>();

function failure(requestId: number, e: unknown): DecodeResponse {
  if (e instanceof ModelReadError) return { type: 'error', requestId, kind: 'read', reason: e.reason };
  const err = e instanceof Error ? e : new Error(String(e));
  return { type: 'error', requestId, kind: 'internal', reason: `${err.name}: ${err.message}` };
}

serveRequests(scope, {
  // Nothing is kept between requests: the window holds the document.
  held: new Map(),
  failure,
  handle(req) {
    const t0 = performance.now();
    const opened = openModelContents(req.name, req.input);
    const t1 = performance.now();
    const shapes = shapesOf(opened.spec);
    const inspect = inspectModel(opened.spec, opened.format, opened.package, shapes ?? null);
    const findings = validate(opened.spec, shapes);
    scope.postMessage({
      type: 'analysis', requestId: req.requestId,
      result: { inspect, ...findings, ...(shapes ? { shapes } : {}), decodeMs: t1 - t0, analysisMs: performance.now() - t1 },
    });
  },
});

// The worker starts with the window: by the time a file is chosen this has run.
warmUpAnalysis();
