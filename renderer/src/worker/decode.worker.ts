// Works out what the window shows beside a large model's graph (shapes, the model panel's facts,
// the validation findings) on the worker's own decode of the file, while the window builds the
// graph and draws it (actions.ts; a small model the window analyses itself). Handing one thread's
// decoded spec to the other would cost a structured clone of every message on both sides, more
// than decoding again (bench/ui-profile.ts).
import { ModelReadError, type PackageContents } from '../../../shared/format';
import { inspectModel } from '../../../shared/inspect';
import { openModelContents } from '../../../shared/io';
import { shapesOf, validate } from '../document/analysis';
import { warmUpAnalysis } from '../document/warmUp';
import type { DecodeRequest, DecodeResponse, PostedBytes, PostedInput } from './protocol';
import { serveRequests, workerScope } from './workerPort';

const scope = workerScope<DecodeRequest, DecodeResponse>();

/** A posted File that cannot be read again: the window then posts the bytes it has. */
class SourceUnreadable extends Error {}

function failure(requestId: number, e: unknown): DecodeResponse {
  if (e instanceof ModelReadError) return { type: 'error', requestId, kind: 'read', reason: e.reason };
  if (e instanceof SourceUnreadable) return { type: 'error', requestId, kind: 'source', reason: e.message };
  const err = e instanceof Error ? e : new Error(String(e));
  return { type: 'error', requestId, kind: 'internal', reason: `${err.name}: ${err.message}` };
}

async function bytesOf(b: PostedBytes): Promise<Uint8Array> {
  if (b instanceof Uint8Array) return b;
  try {
    return new Uint8Array(await b.arrayBuffer());
  } catch (e) {
    throw new SourceUnreadable(e instanceof Error ? e.message : String(e));
  }
}

/** The posted input with every file read: a File is read here, off the window's thread. */
async function contentsOf(input: PostedInput): Promise<Uint8Array | PackageContents> {
  if (input instanceof Uint8Array || input instanceof Blob) return bytesOf(input);
  const files = new Map<string, Uint8Array>();
  for (const [path, b] of input.files) files.set(path, await bytesOf(b));
  return { files, directories: input.directories };
}

serveRequests(scope, {
  // Nothing is kept between requests: the window holds the document.
  held: new Map(),
  failure,
  async handle(req) {
    const input = await contentsOf(req.input);
    const t0 = performance.now();
    const opened = openModelContents(req.name, input);
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
