// What the Run panel's buttons (and the canvas's "Run up to here") do: build the inputs, run the
// current revision in the executor worker, keep the result; compare the first revision of the
// history with the current one; export a blob as .npy.
import { encodeNpy } from '../../../shared/executor/npy';
import { numericForm } from '../../../shared/executor/compare';
import type { FeatureValue } from '../../../shared/executor/types';
import type { Model } from '../../../shared/format/schema/types.generated';
import type { GraphNode } from '../../../shared/graph/types';
import type { Host } from '../host/host';
import { useDocumentStore, type Revision } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';
import { executorClient, RunCancelledError, type Job } from '../worker/executorClient';
import { buildInputs, buildValue, type InputChoice } from './inputs';
import { parkRun, useRunStore, type ParkedRun } from './runStore';
import { npyFileName } from './tensorView';

let runJob: Job<unknown> | null = null;
let compareJob: Job<unknown> | null = null;

/**
 * Each document's choices and results, while another tab is shown; keyed by the document's opened
 * model, so a closed tab's blobs are collected with it.
 */
const parked = new WeakMap<object, ParkedRun>();
let shownKey: object | null = null;

/** Another document is shown (a tab switch, an open, a close): park this one's Run panel, bring back that one's. */
useDocumentStore.subscribe((s) => {
  const id = s.document?.id ?? null;
  if (useRunStore.getState().docId === id) return;
  // A run in flight belongs to the document being left; the worker is told to stop.
  runJob?.cancel();
  compareJob?.cancel();
  if (shownKey) parked.set(shownKey, parkRun(useRunStore.getState()));
  shownKey = s.document?.opened ?? null;
  useRunStore.getState().switchTo(id, shownKey ? parked.get(shownKey) : undefined);
});

export function openRunPanel(): void {
  useRunStore.getState().setOpen(true);
}

/** The top-level layer a canvas node stands for, which stopAfter can name. */
export function stopAfterLayer(node: GraphNode | undefined): string | undefined {
  if (!node || node.kind !== 'layer') return undefined;
  // Path [network, 'layers', i]: a layer of the model's own network, not of a pipeline stage or a nested branch.
  return node.path.length === 3 && node.path[1] === 'layers' ? node.label : undefined;
}

function inputsFor(spec: Model): Map<string, FeatureValue> {
  return buildInputs(spec, useRunStore.getState().choices);
}

/** Runs the current revision, keeping every blob; with `stopAfter`, only up to that layer. */
export async function startRun(stopAfter?: string): Promise<void> {
  const doc = useDocumentStore.getState().document;
  if (!doc) return;
  const run = useRunStore.getState();
  if (run.status.kind === 'running') return;
  run.setOpen(true);
  let inputs: Map<string, FeatureValue>;
  try {
    inputs = inputsFor(doc.spec);
  } catch (e) {
    run.setStatus({ kind: 'failed', message: (e as Error).message });
    return;
  }
  const what = stopAfter ? `Running up to ${stopAfter}` : 'Running';
  run.setStatus({ kind: 'running', what, progress: null });
  const job = executorClient.run(doc.spec, inputs, { blobs: 'all', profile: true, ...(stopAfter ? { stopAfter } : {}) },
    (progress) => useRunStore.getState().setStatus({ kind: 'running', what, progress }));
  runJob = job;
  const current = () => runJob === job && useRunStore.getState().docId === doc.id;
  try {
    const r = await job.promise;
    if (!current()) return;
    useRunStore.getState().setResult({
      spec: doc.spec, revisionSeq: doc.revision.seq, inputs, outputs: r.outputs, blobs: r.blobs, profile: r.profile,
      ms: r.ms, decodeMs: r.decodeMs, ...(stopAfter ? { stopAfter } : {}),
    });
  } catch (e) {
    if (!current()) return;
    useRunStore.getState().setStatus(e instanceof RunCancelledError ? { kind: 'cancelled' } : { kind: 'failed', message: (e as Error).message });
  } finally {
    if (runJob === job) runJob = null;
  }
}

export function cancelRun(): void {
  runJob?.cancel();
}

/** The revision the history starts at (the document as opened, unless the history was trimmed). */
export function firstRevision(): Revision | null {
  const past = useDocumentStore.temporal.getState().pastStates;
  return past[0]?.revision ?? useDocumentStore.getState().revision;
}

/**
 * Runs the chosen inputs (and `extraSets` random sets) through the first revision of the
 * history (A) and the current one (B), comparing every output and blob by name.
 */
export async function startCompare(): Promise<void> {
  const doc = useDocumentStore.getState().document;
  const a = firstRevision();
  if (!doc || !a) return;
  const b = doc.revision;
  const run = useRunStore.getState();
  if (run.compareStatus.kind === 'running') return;
  let sets: Map<string, FeatureValue>[];
  try {
    sets = [inputsFor(a.spec)];
    for (let seed = 1; seed <= run.extraSets; seed++) {
      const random = new Map<string, InputChoice>((a.spec.description?.input ?? []).map((d) => [d.name ?? '', { source: 'random', seed }]));
      // A's inputs by A's names; B receives them by name, as `mlsurgeon compare` does.
      const set = new Map<string, FeatureValue>();
      for (const d of a.spec.description?.input ?? []) set.set(d.name ?? '', buildValue(d, random.get(d.name ?? '')!));
      sets.push(set);
    }
  } catch (e) {
    run.setCompareStatus({ kind: 'failed', message: (e as Error).message });
    return;
  }
  const what = 'Comparing';
  run.setCompareStatus({ kind: 'running', what, progress: null });
  const job = executorClient.compare(a.spec, b.spec, sets, (progress) => useRunStore.getState().setCompareStatus({ kind: 'running', what, progress }));
  compareJob = job;
  const current = () => compareJob === job && useRunStore.getState().docId === doc.id;
  try {
    const r = await job.promise;
    if (!current()) return;
    useRunStore.getState().setCompare({
      comparison: r.comparison, ms: r.ms, inputSets: sets.length,
      a: { label: a.label, spec: a.spec, revisionSeq: a.seq },
      b: { label: b.label, spec: b.spec, revisionSeq: b.seq },
    });
  } catch (e) {
    if (!current()) return;
    useRunStore.getState().setCompareStatus(e instanceof RunCancelledError ? { kind: 'cancelled' } : { kind: 'failed', message: (e as Error).message });
  } finally {
    if (compareJob === job) compareJob = null;
  }
}

export function cancelCompare(): void {
  compareJob?.cancel();
}

/** A blob or output of the last run, as a tensor (labels and strings have none). */
export function tensorOfRun(name: string): { shape: number[]; data: Float32Array } | undefined {
  const r = useRunStore.getState().result;
  if (!r) return undefined;
  const blob = r.blobs.get(name);
  if (blob) return blob;
  const v = r.outputs.get(name);
  return v ? numericForm(v) : undefined;
}

/** Writes a blob as a float32 .npy through the host (a download in the browser). */
export async function exportBlob(host: Host, name: string): Promise<void> {
  const t = tensorOfRun(name);
  if (!t) return;
  try {
    const where = await host.exportFile(npyFileName(name), encodeNpy(t));
    if (where) useViewStore.getState().setNotice(`Exported ${name} [${t.shape.join(', ')}] to ${where}.`);
  } catch (e) {
    useViewStore.getState().report(useDocumentStore.getState().document?.name ?? name, `could not export ${name}: ${(e as Error).message}`);
  }
}

/** The canvas's "Run up to here": opens the panel and runs up to that layer. */
export function runUpTo(layerName: string): void {
  useRunStore.getState().setTab('run');
  void startRun(layerName);
}
