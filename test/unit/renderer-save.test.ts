// Saving from the editor with a stand-in desktop host: the first Save over a file opened from disk
// asks (and Cancel writes nothing), later Saves do not ask again, Save As moves the document to
// the new path, and a save raises the declared specification version when an edit needs it, as
// an undoable history entry. A model with validation errors is saved only once the user says so.
// Edits that would bring in validation errors are refused with the errors listed, and applied
// only through "Apply anyway", which the history records. Toasts and notices go when the revision
// they describe does. The stores and actions are the renderer's own, run in Node.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeModel } from '../../shared/format/model';
import type { SavePayload } from '../../shared/host/api';
import { openModelContents } from '../../shared/io/document';
import { saveDocument } from '../../renderer/src/actions';
import { analyze } from '../../renderer/src/document/analysis';
import { applyOperation } from '../../shared/surgery/operations';
import { insertOnEdge, runOperation, undo } from '../../renderer/src/editing';
import type { Host, SaveRequest } from '../../renderer/src/host/host';
import { historyView, useDocumentStore, withoutHistory } from '../../renderer/src/store/documentStore';
import { useViewStore } from '../../renderer/src/store/viewStore';
import { SHARED, sharedPresent } from '../support/shared-data';

const NAME = 'SqueezeNetFP16.mlmodel';
/** The window asks once per file: each test opens "another" file. */
let PATH = '';

function fakeDesktopHost(): Host & { saved: { how: 'save' | 'saveAs'; request: SaveRequest }[] } {
  const saved: { how: 'save' | 'saveAs'; request: SaveRequest }[] = [];
  return {
    kind: 'electron', canSavePackages: true, saved,
    async save(request) { saved.push({ how: 'save', request }); return request.path ?? null; },
    async saveAs(request) { saved.push({ how: 'saveAs', request }); return '/elsewhere/copy.mlmodel'; },
    async exportFile() { return null; },
    async payloadFromDrop() { return null; },
    onOpenRequest: () => () => undefined,
    onMenuCommand: () => () => undefined,
    setDocumentState: () => undefined,
  };
}

function openSqueezeNet(id: number): void {
  PATH = `/models/${id}/${NAME}`;
  const bytes = new Uint8Array(readFileSync(join(SHARED, 'models', 'tucan9389__ImageClassification-CoreML', NAME)));
  const opened = openModelContents(NAME, bytes);
  withoutHistory(() => useDocumentStore.getState().open({ id, name: NAME, path: PATH, opened, analysis: analyze(opened.spec, 'mlmodel', undefined, true), foldConstants: true }), true);
  useViewStore.getState().resetForDocument();
}

async function dialogOf<K extends string>(kind: K): Promise<Extract<NonNullable<ReturnType<typeof useViewStore.getState>['dialog']>, { kind: K }>> {
  for (let i = 0; i < 50 && useViewStore.getState().dialog?.kind !== kind; i++) await new Promise((r) => setTimeout(r, 1));
  const d = useViewStore.getState().dialog;
  if (d?.kind !== kind) throw new Error(`expected the ${kind} question, got ${d?.kind ?? 'no dialog'}`);
  return d as never;
}

/** Waits for the overwrite question and answers it. */
async function answer(a: 'overwrite' | 'saveAs' | 'cancel'): Promise<void> {
  const d = await dialogOf('overwrite');
  expect(d.path).toBe(PATH);
  d.resolve(a);
}

/** Layer 3 of SqueezeNet reads a blob nothing produces: one validation error. */
const BREAK_LAYER_3 = { path: ['neuralNetworkClassifier', 'layers', 3, 'input', 0], value: 'no_such_blob' } as const;

const bytesOf = (p: SavePayload): Uint8Array => (p.kind === 'file' ? p.bytes : new Uint8Array());
const doc = () => useDocumentStore.getState().document!;
const labels = () => {
  const t = useDocumentStore.temporal.getState();
  return historyView(t.pastStates, useDocumentStore.getState().revision, t.futureStates).entries.map((e) => e.label);
};

describe.skipIf(!sharedPresent)('saving from the editor (desktop host)', () => {
  let id = 1;
  beforeEach(() => openSqueezeNet(id++));

  it('asks before the first overwrite; Cancel writes nothing; later saves do not ask', async () => {
    const host = fakeDesktopHost();
    expect(runOperation('renameFeature', { from: 'image', to: 'photo' })).toBe(true);
    expect(doc().dirty).toBe(true);
    const first = saveDocument(host, 'save');
    await answer('cancel');
    await first;
    expect(host.saved).toEqual([]);
    expect(doc().dirty).toBe(true);

    const second = saveDocument(host, 'save');
    await answer('overwrite');
    await second;
    expect(host.saved.map((s) => [s.how, s.request.path])).toEqual([['save', PATH]]);
    expect(decodeModel(bytesOf(host.saved[0].request.payload)).description!.input![0].name).toBe('photo');
    expect(doc().dirty).toBe(false);

    runOperation('renameFeature', { from: 'photo', to: 'picture' });
    await saveDocument(host, 'save');
    expect(useViewStore.getState().dialog).toBeNull();
    expect(host.saved.map((s) => s.how)).toEqual(['save', 'save']);
    // Undoing back past the saved state makes the document dirty again.
    undo();
    expect(doc().dirty).toBe(true);
  });

  it('Save As writes elsewhere and the document follows it there', async () => {
    const host = fakeDesktopHost();
    runOperation('setMetadata', { author: 'Ada' });
    const save = saveDocument(host, 'save');
    await answer('saveAs');
    await save;
    expect(host.saved.map((s) => s.how)).toEqual(['saveAs']);
    expect(doc().path).toBe('/elsewhere/copy.mlmodel');
    expect(doc().name).toBe('copy.mlmodel');
    expect(doc().dirty).toBe(false);
  });

  it('raises the specification version a gelu layer needs, with the reason', async () => {
    const host = fakeDesktopHost();
    const edge = doc().graph.edges.find((e) => e.target === 'neuralNetworkClassifier.layers[2]')!;
    expect(insertOnEdge(edge.id, 'gelu')).toBe(true);
    expect(doc().diagnostics.map((d) => d.code)).toContain('spec-version-too-low');
    const save = saveDocument(host, 'save');
    await answer('overwrite');
    await save;
    expect(decodeModel(bytesOf(host.saved[0].request.payload)).specificationVersion).toBe(4);
    expect(labels().at(-1)).toBe('Raise specification version 2 → 4 to save');
    expect(useViewStore.getState().notice).toBe(`Saved ${PATH}. Specification version raised from 2 to 4: layer type gelu (an N-d layer).`);
    expect(doc().diagnostics).toEqual([]);
  });
});

describe.skipIf(!sharedPresent)('edits that bring in validation errors (SqueezeNet)', () => {
  let id = 1000;
  beforeEach(() => openSqueezeNet(id++));

  it('are refused with the errors listed; "Apply anyway" commits the edit as forced', () => {
    expect(doc().diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(runOperation('editField', BREAK_LAYER_3)).toBe(false);
    expect(labels()).toEqual([`Open ${NAME}`]);
    expect(doc().dirty).toBe(false);
    const toast = useViewStore.getState().toast!;
    expect(toast.kind).toBe('refused');
    // Titled with the operation's history label (the one "Apply anyway" records, below).
    expect(toast.title).toBe(applyOperation(doc().spec, 'editField', BREAK_LAYER_3).applied.label);
    expect(toast.message).toBe('it would bring in 1 validation error:');
    expect(toast.diagnostics!.map((d) => [d.code, d.path.join('.')])).toEqual([['layer-input-undefined', 'neuralNetworkClassifier.layers.3.input.0']]);
    expect(toast.actions!.map((a) => a.testId)).toEqual(['apply-anyway']);

    toast.actions![0].run();
    expect(labels().at(-1)).toBe(`${toast.title} (applied despite 1 validation error)`);
    expect(doc().spec.neuralNetworkClassifier!.layers![3].input).toEqual(['no_such_blob']);
    expect(doc().diagnostics.map((d) => d.code)).toContain('layer-input-undefined');
  });

  it('an edit that goes in but brings in a warning says so at once (deleting the classifier’s softmax)', () => {
    const layers = doc().spec.neuralNetworkClassifier!.layers!;
    const softmax = layers.length - 1;
    expect(layers[softmax].softmax).toBeDefined();
    expect(runOperation('deleteLayer', { index: softmax })).toBe(true);
    const toast = useViewStore.getState().toast!;
    expect(toast.kind).toBe('done');
    expect(toast.title).toBe(labels().at(-1));
    expect(toast.message).toBe('It brings in 1 warning:');
    expect(toast.diagnostics!.map((d) => d.severity)).toEqual(['warning']);
    expect(doc().diagnostics).toContainEqual(toast.diagnostics![0]);
  });

  it('an edit on a model that already has the error is not refused again for it', () => {
    runOperation('editField', BREAK_LAYER_3);
    useViewStore.getState().toast!.actions![0].run();
    // A second, unrelated edit leaves the error as it was: nothing new, so it goes through.
    expect(runOperation('setMetadata', { author: 'Ada' })).toBe(true);
    expect(labels()).toHaveLength(3);
  });

  it('"Apply anyway" does nothing once the document has moved to another revision', () => {
    expect(runOperation('editField', BREAK_LAYER_3)).toBe(false);
    const applyAnyway = useViewStore.getState().toast!.actions![0];
    expect(runOperation('setMetadata', { author: 'Ada' })).toBe(true);
    applyAnyway.run();
    expect(labels()).toHaveLength(2);
    expect(doc().spec.neuralNetworkClassifier!.layers![3].input).not.toEqual(['no_such_blob']);
  });

  it('saving a model with errors asks first: Cancel writes nothing, Save anyway writes and says so', async () => {
    const host = fakeDesktopHost();
    runOperation('editField', BREAK_LAYER_3);
    useViewStore.getState().toast!.actions![0].run();
    const first = saveDocument(host, 'save');
    const q = await dialogOf('saveWithErrors');
    expect(q.name).toBe(NAME);
    expect(q.errors.map((d) => d.code)).toEqual(['layer-input-undefined']);
    q.resolve('cancel');
    await first;
    expect(host.saved).toEqual([]);
    expect(useViewStore.getState().notice).toBeNull();
    expect(doc().dirty).toBe(true);

    const second = saveDocument(host, 'save');
    (await dialogOf('saveWithErrors')).resolve('save');
    await answer('overwrite');
    await second;
    expect(host.saved).toHaveLength(1);
    expect(decodeModel(bytesOf(host.saved[0].request.payload)).neuralNetworkClassifier!.layers![3].input).toEqual(['no_such_blob']);
    expect(useViewStore.getState().notice).toBe(`Saved ${PATH} with 1 validation error.`);
  });
});

describe.skipIf(!sharedPresent)('toasts, notices and reports are superseded (SqueezeNet)', () => {
  let id = 2000;
  beforeEach(() => openSqueezeNet(id++));

  it('the "Saved" notice goes with the next edit; a refusal toast with undo', async () => {
    const host = fakeDesktopHost();
    runOperation('setMetadata', { author: 'Ada' });
    const save = saveDocument(host, 'save');
    await answer('overwrite');
    await save;
    expect(useViewStore.getState().notice).toBe(`Saved ${PATH}.`);
    runOperation('setMetadata', { author: 'Bea' });
    expect(useViewStore.getState().notice).toBeNull();

    expect(runOperation('renameFeature', { from: 'image', to: 'classLabel' })).toBe(false);
    expect(useViewStore.getState().toast?.kind).toBe('refused');
    undo();
    expect(useViewStore.getState().toast).toBeNull();
  });

  it('a failed save is reported until a save of that file succeeds', async () => {
    let fail = true;
    const host = { ...fakeDesktopHost(), async save(r: SaveRequest) { if (fail) throw new Error('disk full'); return r.path ?? null; } };
    runOperation('setMetadata', { author: 'Ada' });
    const first = saveDocument(host, 'save');
    await answer('overwrite');
    await first;
    expect(useViewStore.getState().problems.map((p) => p.message)).toEqual(['could not save: disk full']);
    fail = false;
    await saveDocument(host, 'save');
    expect(useViewStore.getState().problems).toEqual([]);
    expect(useViewStore.getState().notice).toBe(`Saved ${PATH}.`);
  });
});
