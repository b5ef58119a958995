// Saving from the editor with a stand-in desktop host: the first Save over a file opened from disk
// asks (and Cancel writes nothing), later Saves do not ask again, Save As moves the document to
// the new path, and a save raises the declared specification version when an edit needs it, as
// an undoable history entry. The stores and actions are the renderer's own, run in Node.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeModel } from '../../shared/format/model';
import type { SavePayload } from '../../shared/host/api';
import { openModelContents } from '../../shared/io/document';
import { saveDocument } from '../../renderer/src/actions';
import { analyze } from '../../renderer/src/document/analysis';
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

/** Waits for the overwrite question and answers it. */
async function answer(a: 'overwrite' | 'saveAs' | 'cancel'): Promise<void> {
  for (let i = 0; i < 50 && useViewStore.getState().dialog?.kind !== 'overwrite'; i++) await new Promise((r) => setTimeout(r, 1));
  const d = useViewStore.getState().dialog;
  if (d?.kind !== 'overwrite') throw new Error(`expected the overwrite question, got ${d?.kind ?? 'no dialog'}`);
  expect(d.path).toBe(PATH);
  d.resolve(a);
}

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
