// What the toolbar, menus and drops do: open, rebuild the graph with other options, save.
import { forEachMessage, MODEL_TYPE, ModelReadError, type Model, type PackageContents } from '../../shared/format';
import type { FilePayload } from '../../shared/host';
import { buildGraph } from '../../shared/graph';
import { baseName, openModelContents, serializeModel, type OpenedModel } from '../../shared/io';
import { diagnosticsOnSave, specificationVersionForSave } from '../../shared/surgery';
import type { InspectResult } from '../../shared/inspect';
import type { Diagnostic } from '../../shared/validate';
import { adoptShapes, findings } from './document/analysis';
import { warmUpEditing } from './document/warmUp';
import { endRehearsal } from './canvas/Rehearsal';
import type { Host, SaveRequest } from './host/host';
import { documentStoreFor, useDocumentStore, withoutHistory, type Findings } from './store/documentStore';
import { useViewStore } from './store/viewStore';
import { decodeClient, UnreadableModelError } from './worker/decodeClient';
import type { OpenedAnalysis } from './worker/protocol';

let nextDocId = 1;
let latestOpen = 0;

/**
 * What the model panel shows for the moment between the graph's arrival and the worker's analysis
 * (the spinner in the toolbar still says "Opening…"): the model's kind and version, empty lists.
 */
function pendingInspect(spec: Model, format: 'mlmodel' | 'mlpackage'): InspectResult {
  return {
    format, specificationVersion: spec.specificationVersion ?? 0, modelType: null, models: [], isUpdatable: !!spec.isUpdatable,
    inputs: [], outputs: [], trainingInputs: [],
    metadata: { shortDescription: '', author: '', license: '', versionString: '', userDefined: {} },
    preprocessing: [], layers: [], layerCount: 0, layerTypes: {}, weights: { bytes: {}, counts: {} }, warnings: [],
  };
}

/**
 * How long an open waits for the worker's analysis before drawing without it: a few times what
 * decoding and building the graph took here (the worker decodes as well, then analyses).
 */
function waitForAnalysisMs(decodeAndGraphMs: number): number {
  return Math.min(300, Math.max(100, 3 * decodeAndGraphMs));
}

/**
 * A model of fewer messages than this is analysed by the window itself and the worker is not
 * asked at all. Its analysis takes about as long as its decode (SqueezeNet, 67 layers: 10-15 ms),
 * while the worker's answer comes 40-100 ms later (it reads the file, decodes, analyses, and its
 * result is cloned back), and on a two-core machine the worker's work competes with the window's
 * drawing. HandPoseClassifier has about 300 messages, model_cpm (757 layers) about 2,600.
 */
const ANALYSE_HERE_BELOW_MESSAGES = 1500;

/** Whether `spec` has fewer than `limit` messages (counting stops at the limit). */
function fewerMessagesThan(spec: Model, limit: number): boolean {
  let n = 0;
  try {
    forEachMessage(MODEL_TYPE, spec, () => { if (++n >= limit) throw FOUND_ENOUGH; });
  } catch (e) {
    if (e !== FOUND_ENOUGH) throw e;
  }
  return n < limit;
}
const FOUND_ENOUGH = new Error('enough messages counted');

/** The analysis worked out on this thread; undefined when it fails (the worker's answer is then awaited). */
function findingsHere(opened: OpenedModel): Findings | undefined {
  try {
    return findings(opened.spec, opened.format, opened.package);
  } catch (e) {
    console.warn('analysis on the window thread failed; waiting for the worker', e);
    return undefined;
  }
}

/** The promise's value if it resolves within `ms`; undefined if it takes longer or fails. */
function settledWithin<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, () => { clearTimeout(timer); resolve(undefined); });
  });
}

function findingsOf(a: OpenedAnalysis): Findings {
  return { inspect: a.inspect, diagnostics: a.diagnostics, ...(a.validationFailure ? { validationFailure: a.validationFailure } : {}) };
}

/**
 * Opens a model. This thread decodes it and builds the graph, which the canvas lays out and draws;
 * meanwhile the decode worker decodes its own copy of the bytes and infers shapes, gathers the
 * model panel's facts and validates (the slow part, off this thread). When the worker is done soon
 * after, the window is drawn once with all of it; otherwise the graph is drawn first and the rest
 * lands on the same revision without moving anything (the toolbar spinner lasts until then). A
 * file that does not decode is reported and the open documents stay as they were.
 *
 * Decoding here rather than posting the worker's decoded spec across: a structured clone of every
 * message, plus re-attaching what the codec remembers about each one's bytes (which makes a save
 * of an untouched or lightly edited model byte-exact), cost more than the decode itself, and the
 * two decodes run at once. Every edit is applied to this thread's document (documentStore.ts).
 */
export async function openPayload(payload: FilePayload): Promise<void> {
  // Another document opens in a tab of its own (documentStore.ts): nothing open is discarded.
  // The off-screen rehearsal of drawing (canvas/Rehearsal.tsx) gives way to a real file.
  endRehearsal();
  const docId = nextDocId++;
  latestOpen = docId;
  const view = useViewStore.getState();
  const foldConstants = view.foldConstants;
  view.setLoading({ name: payload.name });
  const input: Uint8Array | PackageContents = payload.kind === 'file' ? payload.bytes : payload.contents;
  performance.mark('mlsurgeon:open', { detail: payload.name });
  // The worker's analysis, asked for once: right after this thread's decode for a large model, so
  // that it works while this thread builds the graph; only if this thread's own analysis fails for
  // a small one.
  let asked: Promise<OpenedAnalysis> | undefined;
  const workerAnalysis = (): Promise<OpenedAnalysis> => {
    if (!asked) {
      asked = decodeClient.analyze(payload.name, input);
      asked.catch(() => undefined); // a failure is reported where it is awaited
    }
    return asked;
  };
  try {
    const start = performance.now();
    const opened = openModelContents(payload.name, input);
    const small = fewerMessagesThan(opened.spec, ANALYSE_HERE_BELOW_MESSAGES);
    if (!small) void workerAnalysis();
    const graph = buildGraph(opened.spec, { foldConstants });
    performance.mark('mlsurgeon:graph-built');
    const took = performance.now() - start;
    const here = small ? findingsHere(opened) : undefined;
    // The worker is usually a few tens of milliseconds behind (it decodes too, then analyses):
    // waiting that long draws the window once, complete, instead of drawing it and then drawing
    // the model panel, the canvas's edge labels and badges again when the findings land.
    const early = here ? undefined : await settledWithin(workerAnalysis(), waitForAnalysisMs(took));
    if (early) adoptShapes(opened.spec, early.shapes);
    withoutHistory(() => useDocumentStore.getState().open({
      id: docId,
      name: payload.name,
      ...(payload.path ? { path: payload.path } : {}),
      opened,
      analysis: { graph, ...(here ?? (early ? findingsOf(early) : { inspect: pendingInspect(opened.spec, opened.format), diagnostics: [] })) },
      foldConstants,
    }), true);
    useViewStore.getState().resetForDocument();
    for (const w of opened.warnings) useViewStore.getState().report(payload.name, w);
    if (here) {
      performance.mark('mlsurgeon:analysis-received', { detail: { here: true } });
      if (here.validationFailure) useViewStore.getState().report(payload.name, here.validationFailure);
    } else {
      const found = early ?? await workerAnalysis();
      performance.mark('mlsurgeon:analysis-received', { detail: { decodeMs: found.decodeMs, analysisMs: found.analysisMs, early: !!early } });
      if (!early) {
        adoptShapes(opened.spec, found.shapes);
        // On the document's own tab, shown or not; an edit made meanwhile keeps its own analysis.
        documentStoreFor(docId)?.getState().setFindings(docId, opened.spec, findingsOf(found));
      }
      if (found.validationFailure) useViewStore.getState().report(payload.name, found.validationFailure);
    }
    // Every edit is checked against the findings of the spec it starts from (as it would be saved):
    // worked out now, while the user looks at the model, the first edit does not wait for them.
    requestIdleCallback(() => { if (documentStoreFor(docId)?.getState().document?.spec === opened.spec) diagnosticsOnSave(opened.spec); }, { timeout: 5000 });
    // And the rest of an edit's path, on this document, so that the first edit runs on warm code.
    requestIdleCallback(() => {
      const doc = documentStoreFor(docId)?.getState().document;
      if (doc?.spec !== opened.spec) return;
      const v = useViewStore.getState();
      try { warmUpEditing(doc, v.collapsed, v.positions); } catch (e) { console.warn('warm-up of editing failed', e); }
    }, { timeout: 5000 });
  } catch (e) {
    const reason = e instanceof ModelReadError || e instanceof UnreadableModelError ? e.reason : `could not open: ${(e as Error).message}`;
    useViewStore.getState().report(payload.name, reason);
  } finally {
    if (latestOpen === docId) useViewStore.getState().setLoading(null);
  }
}

export function setFoldConstants(on: boolean): void {
  useViewStore.getState().setFoldConstants(on);
  const doc = useDocumentStore.getState().document;
  if (!doc || doc.foldConstants === on) return;
  try {
    const graph = buildGraph(doc.spec, { foldConstants: on });
    withoutHistory(() => useDocumentStore.getState().setGraph(doc.id, graph, on));
    useViewStore.getState().select(null);
  } catch (e) {
    useViewStore.getState().report(doc.name, `could not rebuild the graph: ${(e as Error).message}`);
  }
}

/** The package's model specification as a single file: what a browser can save of a package. */
export function packageModelFileName(name: string): string {
  return `${name.replace(/\.mlpackage\/?$/i, '')}.mlmodel`;
}

/** Paths whose overwrite the user has confirmed in this window: asked once per file. */
const overwriteConfirmed = new Set<string>();

function askOverwrite(name: string, path: string): Promise<'overwrite' | 'saveAs' | 'cancel'> {
  return new Promise((resolve) => {
    useViewStore.getState().setDialog({
      kind: 'overwrite', name, path,
      resolve: (answer) => { useViewStore.getState().setDialog(null); resolve(answer); },
    });
  });
}

function askSaveWithErrors(name: string, errors: readonly Diagnostic[]): Promise<'save' | 'cancel'> {
  return new Promise((resolve) => {
    useViewStore.getState().setDialog({
      kind: 'saveWithErrors', name, errors,
      resolve: (answer) => { useViewStore.getState().setDialog(null); resolve(answer); },
    });
  });
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * Save (Ctrl/Cmd+S) and Save As. A model with validation errors is saved only when the user says
 * so (the CLI's --force); in the desktop app the first Save of a file opened from disk asks
 * before replacing it; the browser downloads (a package as its model specification only).
 * Before writing, the declared specification version is raised when the model needs a newer one
 * (as its own undoable history entry), and the notice says so and why.
 */
export async function saveDocument(host: Host, mode: 'save' | 'saveAs' = 'save'): Promise<void> {
  let doc = useDocumentStore.getState().document;
  if (!doc) return;
  const view = useViewStore.getState();
  // Core ML refuses to compile or load a model that breaks its rules; such a file is written
  // only on purpose, and the notice afterwards says what it holds.
  const errors = doc.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    if (await askSaveWithErrors(doc.name, errors) === 'cancel') return;
    doc = useDocumentStore.getState().document;
    if (!doc) return;
  }
  if (mode === 'save' && host.kind === 'electron' && doc.path && !overwriteConfirmed.has(doc.path)) {
    const answer = await askOverwrite(doc.name, doc.path);
    if (answer === 'cancel') return;
    if (answer === 'saveAs') mode = 'saveAs';
    else overwriteConfirmed.add(doc.path);
    doc = useDocumentStore.getState().document;
    if (!doc) return;
  }
  let raised = '';
  try {
    const version = specificationVersionForSave(doc.spec);
    if (version.raisedTo !== undefined) {
      useDocumentStore.getState().commit(version.spec, `Raise specification version ${version.declared} → ${version.raisedTo} to save`);
      doc = useDocumentStore.getState().document!;
      const why = version.reasons.filter((r) => r.version > version.declared).map((r) => r.reason);
      raised = ` Specification version raised from ${version.declared} to ${version.raisedTo}: ${why.join('; ')}.`;
    }
    const data = serializeModel(doc.opened, doc.spec);
    const spec = doc.spec;
    let request: SaveRequest;
    if (data instanceof Uint8Array) {
      request = { name: doc.name, ...(doc.path ? { path: doc.path } : {}), payload: { kind: 'file', bytes: data } };
    } else if (host.canSavePackages) {
      request = { name: doc.name, ...(doc.path ? { path: doc.path } : {}), payload: { kind: 'package', contents: data } };
    } else {
      // Browsers cannot write folders: offer the model specification inside the package. Its
      // weights stay in the package's weight file, which this download does not include.
      const bytes = data.files.get(doc.package!.modelPath)!;
      request = { name: packageModelFileName(doc.name), payload: { kind: 'file', bytes } };
    }
    const where = mode === 'saveAs' ? await host.saveAs(request) : await host.save(request);
    if (!where) return;
    const movedTo = mode === 'saveAs' && host.kind === 'electron' ? { name: baseName(where), path: where } : undefined;
    // A browser download of a package's specification is not the package: it stays unsaved.
    if (data instanceof Uint8Array || host.canSavePackages) useDocumentStore.getState().markSaved(doc.id, spec, movedTo);
    if (movedTo) overwriteConfirmed.add(where);
    const written = doc.diagnostics.filter((d) => d.severity === 'error').length;
    view.clearReports(doc.name, 'save');
    view.setNotice(`Saved ${where}${written ? ` with ${plural(written, 'validation error')}` : ''}.${raised}`);
  } catch (e) {
    view.report(doc.name, `could not save: ${(e as Error).message}`, 'save');
  }
}
