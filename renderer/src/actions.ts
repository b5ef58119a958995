// What the toolbar, menus and drops do: open, rebuild the graph with other options, save.
import type { PackageContents } from '../../shared/format/mlpackage';
import type { FilePayload } from '../../shared/host/api';
import { openModelContents, serializeModel } from '../../shared/io/document';
import type { Host } from './host/host';
import { useDocumentStore, withoutHistory } from './store/documentStore';
import { useViewStore } from './store/viewStore';
import { decodeClient, UnreadableModelError } from './worker/decodeClient';

let nextDocId = 1;
let latestOpen = 0;

/**
 * Opens a model. The worker decodes it and builds the graph, so a large model never blocks the
 * window; a file that does not decode is reported and the open document stays as it was.
 *
 * The UI thread then decodes the same bytes once more for the document it keeps. Why not take
 * the worker's spec: structured cloning drops what the codec remembers about each message (its
 * original bytes, kept in a WeakMap), and those are what make a save of an untouched or lightly
 * edited model byte-exact. Decoding is zero-copy for weights (typed-array views of the input)
 * and takes tens of milliseconds for the largest models we test, about what deserialising a
 * cloned spec would cost anyway; the slow parts (graph, inspection, layout) stay in workers.
 */
export async function openPayload(payload: FilePayload): Promise<void> {
  const docId = nextDocId++;
  latestOpen = docId;
  const view = useViewStore.getState();
  const foldConstants = view.foldConstants;
  view.setLoading({ name: payload.name });
  const input: Uint8Array | PackageContents = payload.kind === 'file' ? payload.bytes : payload.contents;
  try {
    const summary = await decodeClient.open(docId, payload.name, input, foldConstants);
    if (latestOpen !== docId) return; // a later open superseded this one
    const opened = openModelContents(payload.name, input);
    withoutHistory(() => useDocumentStore.getState().open({
      id: docId,
      name: payload.name,
      ...(payload.path ? { path: payload.path } : {}),
      format: opened.format,
      opened,
      spec: opened.spec,
      ...(opened.package ? { package: opened.package } : {}),
      inspect: summary.inspect,
      graph: summary.graph,
      foldConstants,
      dirty: false,
    }), true);
    useViewStore.getState().resetForDocument();
    decodeClient.release([docId]);
    for (const w of summary.warnings) useViewStore.getState().report(payload.name, w);
  } catch (e) {
    const reason = e instanceof UnreadableModelError ? e.reason : `could not open: ${(e as Error).message}`;
    useViewStore.getState().report(payload.name, reason);
    const current = useDocumentStore.getState().document;
    decodeClient.release(current ? [current.id] : []);
  } finally {
    if (latestOpen === docId) useViewStore.getState().setLoading(null);
  }
}

export async function setFoldConstants(on: boolean): Promise<void> {
  useViewStore.getState().setFoldConstants(on);
  const doc = useDocumentStore.getState().document;
  if (!doc || doc.foldConstants === on) return;
  try {
    const { graph } = await decodeClient.graph(doc.id, on);
    if (useViewStore.getState().foldConstants !== on) return;
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

export async function saveDocument(host: Host): Promise<void> {
  const doc = useDocumentStore.getState().document;
  if (!doc) return;
  const view = useViewStore.getState();
  try {
    const data = serializeModel(doc.opened, doc.spec);
    let where: string | null;
    if (data instanceof Uint8Array) {
      where = await host.save({ name: doc.name, ...(doc.path ? { path: doc.path } : {}), payload: { kind: 'file', bytes: data } });
    } else if (host.canSavePackages) {
      where = await host.save({ name: doc.name, ...(doc.path ? { path: doc.path } : {}), payload: { kind: 'package', contents: data } });
    } else {
      // Browsers cannot write folders: offer the model specification inside the package. Its
      // weights stay in the package's weight file, which this download does not include.
      const spec = data.files.get(doc.package!.modelPath)!;
      where = await host.save({ name: packageModelFileName(doc.name), payload: { kind: 'file', bytes: spec } });
    }
    if (where) view.setNotice(`Saved ${where}`);
  } catch (e) {
    view.report(doc.name, `could not save: ${(e as Error).message}`);
  }
}
