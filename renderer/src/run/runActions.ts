// What the Run panel's buttons (and the canvas's "Run up to here") do: build the inputs, run the
// current revision in the executor worker, keep the result; compare the current revision with the
// first revision of the history, another open document or a model file; export a blob as .npy.
import { encodeNpy, inputMismatches, numericForm, type FeatureValue } from '../../../shared/executor';
import { encodeModel, type Model } from '../../../shared/format';
import type { GraphNode } from '../../../shared/graph';
import { openModelContents, serializeModel, type OpenedModel } from '../../../shared/io';
import type { Host } from '../host/host';
import { useDocumentStore, type ModelDocument, type Revision } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';
import { executorClient, RunCancelledError, type Job } from '../worker/executorClient';
import { buildInputs, type InputChoice } from './inputs';
import { parkRun, useRunStore, type CompareTarget, type CompareVersion, type ParkedRun, type RunStatus } from './runStore';
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

/**
 * Waits for a job and hands on its result or how it ended, unless `isCurrent` says another job or
 * another document has taken its place in the meantime (then the outcome is dropped).
 */
async function settle<T>(job: Job<T>, isCurrent: () => boolean, onResult: (r: T) => void, onEnd: (status: RunStatus) => void): Promise<void> {
  try {
    const r = await job.promise;
    if (isCurrent()) onResult(r);
  } catch (e) {
    if (isCurrent()) onEnd(e instanceof RunCancelledError ? { kind: 'cancelled' } : { kind: 'failed', message: (e as Error).message });
  }
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
  await settle(job, () => runJob === job && useRunStore.getState().docId === doc.id, (r) => useRunStore.getState().setResult({
    spec: doc.spec, revisionSeq: doc.revision.seq, inputs, outputs: r.outputs, blobs: r.blobs, profile: r.profile,
    ms: r.ms, decodeMs: r.decodeMs, ...(stopAfter ? { stopAfter } : {}),
  }), (status) => useRunStore.getState().setStatus(status));
  if (runJob === job) runJob = null;
}

export function cancelRun(): void {
  runJob?.cancel();
}

/** The revision the history starts at (the document as opened, unless the history was trimmed). */
export function firstRevision(): Revision | null {
  const past = useDocumentStore.temporal.getState().pastStates;
  return past[0]?.revision ?? useDocumentStore.getState().revision;
}

const fileSizes = new WeakMap<Model, number>();

/** The size of the file a spec is (its bytes as opened) or would be saved as (every file of a package). */
export function fileSizeOf(spec: Model, opened?: OpenedModel): number {
  if (opened?.bytes && opened.spec === spec) return opened.bytes.byteLength;
  let n = fileSizes.get(spec);
  if (n === undefined) {
    const out = opened ? serializeModel(opened, spec) : encodeModel(spec);
    n = out instanceof Uint8Array ? out.byteLength : [...out.files.values()].reduce((sum, f) => sum + f.byteLength, 0);
    fileSizes.set(spec, n);
  }
  return n;
}

/** What a revision adds to a document's name: nothing for the file as opened, else the edit that made it. */
const revisionDetail = (doc: ModelDocument, r: Revision): { detail?: string } => (r.spec === doc.opened.spec ? {} : { detail: r.label });

/** The document being compared (B): its current revision. */
export function currentVersion(doc: ModelDocument): CompareVersion {
  return { label: doc.name, ...revisionDetail(doc, doc.revision), spec: doc.spec, revisionSeq: doc.revision.seq, fileBytes: fileSizeOf(doc.spec, doc.opened) };
}

/** The reference (A) a target stands for, or why there is none. Sizes are measured here, so only at Compare. */
export function referenceVersion(target: CompareTarget, doc: ModelDocument): { version: CompareVersion } | { problem: string } {
  if (target.kind === 'file') return { version: { label: target.name, spec: target.spec, fileBytes: target.fileBytes } };
  if (target.kind === 'tab') {
    const other = target.store.getState().document;
    if (!other) return { problem: 'the document chosen to compare with was closed' };
    return { version: { label: other.name, ...revisionDetail(other, other.revision), spec: other.spec, revisionSeq: other.revision.seq, fileBytes: fileSizeOf(other.spec, other.opened) } };
  }
  const first = firstRevision();
  if (!first) return { problem: 'the document has no history' };
  return { version: { label: doc.name, detail: first.spec === doc.opened.spec ? 'as opened' : first.label, spec: first.spec, revisionSeq: first.seq, fileBytes: fileSizeOf(first.spec, doc.opened) } };
}

/** The spec a target stands for without measuring it (for telling input mismatches as the choice is made). */
export function referenceSpec(target: CompareTarget): Model | undefined {
  if (target.kind === 'file') return target.spec;
  if (target.kind === 'tab') return target.store.getState().document?.spec;
  return firstRevision()?.spec;
}

/** The chosen inputs plus `extra` random sets (seeds 1…N), each built from `spec`'s input descriptions. */
function compareInputSets(spec: Model, choices: ReadonlyMap<string, InputChoice>, extra: number): Map<string, FeatureValue>[] {
  const sets = [buildInputs(spec, choices)];
  for (let seed = 1; seed <= extra; seed++) {
    sets.push(buildInputs(spec, new Map((spec.description?.input ?? []).map((d) => [d.name ?? '', { source: 'random', seed }]))));
  }
  return sets;
}

/**
 * Runs the chosen inputs (and `extraSets` random sets) through the reference (A: the first
 * revision of the history, another open document or a file) and the current revision (B),
 * comparing every output and blob by name. Models whose inputs differ in name, kind, size or shape
 * are refused with the inputs named: the same inputs could not go through both.
 */
export async function startCompare(): Promise<void> {
  const doc = useDocumentStore.getState().document;
  if (!doc) return;
  const run = useRunStore.getState();
  if (run.compareStatus.kind === 'running') return;
  const fail = (message: string) => run.setCompareStatus({ kind: 'failed', message });
  const ref = referenceVersion(run.compareWith, doc);
  if ('problem' in ref) return fail(ref.problem);
  const a = ref.version, b = currentVersion(doc);
  const mismatches = inputMismatches(b.spec, a.spec, { a: b.label, b: a.label });
  if (mismatches.length) return fail(`the same inputs cannot go through both: ${mismatches.join('; ')}`);
  let sets: Map<string, FeatureValue>[];
  try {
    // The Run tab's choices belong to this document; A receives the same values by name.
    sets = compareInputSets(b.spec, run.choices, run.extraSets);
  } catch (e) {
    return fail((e as Error).message);
  }
  const what = 'Comparing';
  run.setCompareStatus({ kind: 'running', what, progress: null });
  const job = executorClient.compare(a.spec, b.spec, sets, (progress) => useRunStore.getState().setCompareStatus({ kind: 'running', what, progress }));
  compareJob = job;
  await settle(job, () => compareJob === job && useRunStore.getState().docId === doc.id,
    (r) => useRunStore.getState().setCompare({ comparison: r.comparison, ms: r.ms, inputSets: sets.length, a, b }),
    (status) => useRunStore.getState().setCompareStatus(status));
  if (compareJob === job) compareJob = null;
}

/** Reads a model file to compare with (not opened as a document: nothing to edit or save). */
export async function chooseCompareFile(file: File): Promise<void> {
  const run = useRunStore.getState();
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { spec } = openModelContents(file.name, bytes);
    run.setCompareWith({ kind: 'file', name: file.name, spec, fileBytes: bytes.byteLength });
    run.setCompareStatus({ kind: 'idle' });
  } catch (e) {
    run.setCompareStatus({ kind: 'failed', message: `${file.name}: ${(e as Error).message}` });
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
