// Runs models on the CPU executor off the UI thread: one run (or one comparison of two versions)
// at a time, with progress posted as layers finish. Models arrive as their .mlmodel encoding and
// are decoded here once per key (see shared/executor/worker-protocol.ts for why not a clone);
// the few most recent stay, so running the same revision again decodes nothing and keeps the
// executor's decoded-weight cache warm.
//
// Two threads: where this worker can share memory (the page is crossOriginIsolated, or Electron
// turns SharedArrayBuffer on), it starts a helper worker from shared/executor/parallel.ts's
// source (a Blob URL: no bundler entry, same origin, so COEP lets it load) and the kernels split
// large calls with it; requests wait for that start (or its failure) before the first run, so a
// run reports the threads it really used. Without shared memory nothing is started and runs stay
// on this thread.
import { decodeModel, type Model } from '../../../shared/format';
import {
  ExecutorError, RunComparison, runModel, startKernelThreads, transferableResult, type ExecutorRequest,
  type ExecutorResponse, type ModelRef, type RunOptions, type SpawnHelper,
} from '../../../shared/executor';
import { serveRequests, workerScope } from './workerPort';

const scope = workerScope<ExecutorRequest, ExecutorResponse>();

const spawnHelper: SpawnHelper = (source, onMessage, onError) => {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url, { name: 'executor kernels' });
  const done = () => URL.revokeObjectURL(url);
  worker.onmessage = (ev: MessageEvent) => { done(); onMessage(ev.data); };
  worker.onerror = (ev) => { done(); ev.preventDefault(); onError(ev.message); };
  return { postMessage: (m) => worker.postMessage(m), terminate: () => worker.terminate() };
};

/** Resolves to the kernels' thread count once the helper answered, failed, or took too long (then 1). */
const threadsStarted: Promise<number> = typeof SharedArrayBuffer === 'undefined'
  ? Promise.resolve(1)
  : Promise.race([startKernelThreads(spawnHelper), new Promise<number>((resolve) => setTimeout(() => resolve(1), 5000))]);

/** Models by key, most recently used last; a comparison needs two, an edit session a third. */
const models = new Map<number, Model>();
const KEEP = 4;

class UnknownModel extends Error {}

function modelFor(ref: ModelRef): { model: Model; decodeMs: number } {
  const held = models.get(ref.key);
  if (held) {
    models.delete(ref.key);
    models.set(ref.key, held);
    return { model: held, decodeMs: 0 };
  }
  if (!ref.bytes) throw new UnknownModel();
  const t0 = performance.now();
  const model = decodeModel(ref.bytes);
  const decodeMs = performance.now() - t0;
  models.set(ref.key, model);
  while (models.size > KEEP) models.delete(models.keys().next().value!);
  return { model, decodeMs };
}

/** Progress at most every 30 ms (and the last step), so a 10,000-layer model does not flood the UI thread. */
function progressReporter(requestId: number, step?: string): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const t = performance.now();
    if (done < total && t - last < 30) return;
    last = t;
    scope.postMessage({ type: 'progress', requestId, done, total, ...(step ? { step } : {}) });
  };
}

function signalOf(cancel: Int32Array | undefined): RunOptions['signal'] {
  return cancel ? { get aborted() { return Atomics.load(cancel, 0) === 1; } } : undefined;
}

function failure(requestId: number, e: unknown): ExecutorResponse {
  if (e instanceof UnknownModel) return { type: 'error', requestId, kind: 'unknownModel', message: 'the worker no longer holds the model' };
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof ExecutorError && message === 'cancelled') return { type: 'error', requestId, kind: 'cancelled', message };
  return { type: 'error', requestId, kind: 'failed', message: e instanceof ExecutorError || e instanceof RangeError ? message : `${(e as Error).name ?? 'Error'}: ${message}` };
}

serveRequests(scope, {
  held: models,
  failure,
  ready: threadsStarted,
  handle(req) {
    const signal = signalOf(req.cancel);
    if (req.type === 'run') {
      const { model, decodeMs } = modelFor(req.model);
      const t0 = performance.now();
      const result = runModel(model, req.inputs, {
        ...req.options,
        onProgress: progressReporter(req.requestId),
        ...(signal ? { signal } : {}),
      });
      const ms = performance.now() - t0;
      const { outputs, blobs, transfer } = transferableResult(result);
      scope.postMessage({ type: 'result', requestId: req.requestId, outputs, blobs, profile: result.profile ?? [], ms, decodeMs, threads: result.threads ?? 1 }, transfer);
      return;
    }
    const a = modelFor(req.a).model;
    const b = modelFor(req.b).model;
    const t0 = performance.now();
    const comparison = new RunComparison();
    const sets = req.inputSets.length;
    req.inputSets.forEach((inputs, i) => {
      const label = sets > 1 ? ` (input set ${i + 1} of ${sets})` : '';
      const ra = runModel(a, inputs, { blobs: 'all', onProgress: progressReporter(req.requestId, `A${label}`), ...(signal ? { signal } : {}) });
      const rb = runModel(b, inputs, { blobs: 'all', onProgress: progressReporter(req.requestId, `B${label}`), ...(signal ? { signal } : {}) });
      comparison.add(ra, rb);
    });
    scope.postMessage({ type: 'compared', requestId: req.requestId, comparison: comparison.result(), ms: performance.now() - t0 });
  },
});
