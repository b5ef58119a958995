// Right-click menus on the canvas: what can be done to a layer, a model input or output, or a
// connection. Every item is a surgery operation (or opens the editor for one).
import { useEffect, useRef } from 'react';
import { actionLabel, type ActionId } from '../../../shared/host';
import type { FeatureDescription } from '../../../shared/format';
import { resolvePath, type GraphNode, type ModelGraph } from '../../../shared/graph';
import { canRename, featureRef, layerRef } from '../document/editTargets';
import { FEATURE_EDITOR_PATH, PREPROCESSING_EDITOR_PATH } from '../inspector/FeatureEditor';
import { actionTestId, shortcutText } from '../actionTable';
import { useHost } from '../hostContext';
import { deleteNode, graphEdgeIds, insertAtSelection, insertOnEdge, runOperation } from '../editing';
import { runUpTo, stopAfterLayer } from '../run/runActions';
import { useDocumentStore, type ModelDocument } from '../store/documentStore';
import { useViewStore, type MenuTarget } from '../store/viewStore';

/** An action of the table on this menu's element: label and keystroke come from the table. */
interface Item {
  readonly id: ActionId;
  /** Names for the label's placeholders ("{blob}"). */
  readonly names?: Readonly<Record<string, string>>;
  readonly run: () => void;
}

type Section = readonly Item[];

const view = () => useViewStore.getState();

function pickLayer(title: string, onPick: (type: string) => void): void {
  view().setDialog({ kind: 'pickLayer', title, onPick });
}

function modelArg(model: readonly (string | number)[]): { model?: readonly (string | number)[] } {
  return model.length ? { model } : {};
}


function layerItems(doc: ModelDocument, n: GraphNode): Section[] {
  const ref = layerRef(n);
  const outputs = new Set((doc.spec.description?.output ?? []).map((f) => f.name));
  const edit: Item[] = [{ id: 'rename', run: () => view().setRenaming(n.id) }];
  if (ref) edit.push({ id: 'delete', run: () => deleteNode(n.id) });
  const structure: Item[] = [];
  if (ref) {
    structure.push({ id: 'insertAfter', run: () => pickLayer(`Insert after ${n.label}`, insertAtSelection) });
    for (const blob of n.outputs) {
      if (ref.model.length === 0 && outputs.has(blob)) continue;
      structure.push({ id: 'expose', names: { blob }, run: () => runOperation('exposeBlob', { ...modelArg(ref.model), blob }) });
    }
  }
  const replace: Item[] = [];
  if (n.type !== 'custom') replace.push({ id: 'replaceCustom', run: () => runOperation('replaceLayer', { layerPath: n.path, type: 'custom' }) });
  replace.push({ id: 'replaceBuiltin', run: () => pickLayer(`Replace ${n.label} with`, (type) => runOperation('replaceLayer', { layerPath: n.path, type })) });
  replace.push({ id: 'layerFp16', run: () => runOperation('convertToFloat16', { under: [n.path] }) });
  const run: Item[] = stopAfterLayer(n) ? [{ id: 'runToHere', run: () => runUpTo(n.label) }] : [];
  return [edit, structure, replace, run];
}

function featureItems(doc: ModelDocument, n: GraphNode): Section[] {
  const f = featureRef(n);
  const items: Item[] = [];
  if (canRename(n)) items.push({ id: 'rename', run: () => view().setRenaming(n.id) });
  if (!f || f.model.length !== 0) return [items];
  const showEditor = (anchor: string) => () => { view().select(n.id); view().focusInspector(anchor); };
  items.push({ id: 'editType', run: showEditor(FEATURE_EDITOR_PATH) });
  const desc = resolvePath(doc.spec, n.path) as FeatureDescription | undefined;
  const isNetwork = !!(doc.spec.neuralNetwork ?? doc.spec.neuralNetworkClassifier ?? doc.spec.neuralNetworkRegressor);
  if (f.kind === 'input') {
    if (desc?.type?.imageType && isNetwork) items.push({ id: 'preprocessing', run: showEditor(PREPROCESSING_EDITOR_PATH) });
    const optional = !!desc?.type?.isOptional;
    items.push({ id: optional ? 'makeRequired' : 'makeOptional', run: () => runOperation('setFeatureType', { name: f.name, optional: !optional }) });
  }
  return [items];
}

function edgeItems(graph: ModelGraph, viewEdgeId: string): Section[] {
  const edge = graph.edges.find((e) => e.id === graphEdgeIds(viewEdgeId)[0]);
  if (!edge) return [];
  const source = graph.nodes.find((n) => n.id === edge.source);
  const ref = source ? layerRef(source) : undefined;
  const model = ref?.model ?? [];
  return [[
    { id: 'insert', run: () => pickLayer(`Insert on ${edge.blob}`, (type) => insertOnEdge(viewEdgeId, type)) },
    { id: 'expose', names: { blob: edge.blob }, run: () => runOperation('exposeBlob', { ...modelArg(model), blob: edge.blob }) },
    { id: 'truncate', names: { blob: edge.blob }, run: () => runOperation('truncateAt', { ...modelArg(model), blob: edge.blob }) },
  ]];
}

function sectionsFor(doc: ModelDocument, target: MenuTarget): Section[] {
  if (target.kind === 'edge') return edgeItems(doc.graph, target.id);
  const n = doc.graph.nodes.find((x) => x.id === target.id);
  if (!n) return [];
  if (n.kind === 'layer') return layerItems(doc, n);
  if (n.kind === 'input' || n.kind === 'output') return featureItems(doc, n);
  return [];
}

export function ContextMenu() {
  const host = useHost();
  const menu = useViewStore((s) => s.contextMenu);
  const doc = useDocumentStore((s) => s.document);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!menu) return;
    const close = (): void => view().openContextMenu(null);
    const onDown = (e: MouseEvent): void => { if (!ref.current?.contains(e.target as Node)) close(); };
    const onKey = (e: KeyboardEvent): void => { if (e.key === 'Escape') { e.stopPropagation(); close(); } };
    window.addEventListener('mousedown', onDown, true);
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('wheel', close, true);
    window.addEventListener('blur', close);
    ref.current?.querySelector<HTMLButtonElement>('button')?.focus();
    return () => {
      window.removeEventListener('mousedown', onDown, true);
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('wheel', close, true);
      window.removeEventListener('blur', close);
    };
  }, [menu]);
  if (!menu || !doc) return null;
  const sections = sectionsFor(doc, menu.target).filter((s) => s.length > 0);
  if (sections.length === 0) return null;
  // Kept inside the window: a menu opened near the right or bottom edge opens leftwards or upwards.
  const left = Math.min(menu.x, window.innerWidth - 300);
  const top = Math.min(menu.y, window.innerHeight - 32 * sections.flat().length - 24);
  return (
    <div ref={ref} className="context-menu" role="menu" data-testid="context-menu" data-target={menu.target.kind} style={{ left, top }}
      onKeyDown={(e) => {
        if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
        e.preventDefault();
        const buttons = [...(ref.current?.querySelectorAll('button') ?? [])];
        const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
        buttons[(i + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length]?.focus();
      }}
    >
      {sections.map((s, i) => (
        <div key={i} className="menu-section">
          {s.map((item, j) => {
            const hint = shortcutText(item.id, host, undefined, false);
            return (
              <button key={j} type="button" role="menuitem" data-testid={`menu-${actionTestId(item.id)}`}
                onClick={() => { view().openContextMenu(null); item.run(); }}>
                <span>{actionLabel(item.id, item.names)}</span>{hint && <kbd>{hint}</kbd>}
              </button>
            );
          })}
        </div>
      ))}
    </div>
  );
}
