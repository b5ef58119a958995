// Right-click menus on the canvas: what can be done to a layer, a model input or output, or a
// connection. Every item is a surgery operation (or opens the editor for one).
import { useEffect, useRef } from 'react';
import type { FeatureDescription } from '../../../shared/format/schema/types.generated';
import { resolvePath } from '../../../shared/graph/paths';
import type { GraphNode, ModelGraph } from '../../../shared/graph/types';
import { canRename, featureRef, layerRef } from '../document/editTargets';
import { FEATURE_EDITOR_PATH, PREPROCESSING_EDITOR_PATH } from '../inspector/FeatureEditor';
import { deleteNode, graphEdgeIds, insertAtSelection, insertOnEdge, runOperation } from '../editing';
import { runUpTo, stopAfterLayer } from '../run/runActions';
import { useDocumentStore, type ModelDocument } from '../store/documentStore';
import { useViewStore, type MenuTarget } from '../store/viewStore';

interface Item {
  readonly id: string;
  readonly label: string;
  readonly hint?: string;
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
  const edit: Item[] = [{ id: 'rename', label: 'Rename…', hint: 'F2', run: () => view().setRenaming(n.id) }];
  if (ref) edit.push({ id: 'delete', label: 'Delete', hint: 'Del', run: () => deleteNode(n.id) });
  const structure: Item[] = [];
  if (ref) {
    structure.push({ id: 'insert-after', label: 'Insert layer after…', run: () => pickLayer(`Insert after ${n.label}`, insertAtSelection) });
    for (const blob of n.outputs) {
      if (ref.model.length === 0 && outputs.has(blob)) continue;
      structure.push({ id: 'expose', label: `Expose “${blob}” as a model output`, run: () => runOperation('exposeBlob', { ...modelArg(ref.model), blob }) });
    }
  }
  const replace: Item[] = [];
  if (n.type !== 'custom') replace.push({ id: 'replace-custom', label: 'Replace with a custom layer', run: () => runOperation('replaceLayer', { layerPath: n.path, type: 'custom' }) });
  replace.push({ id: 'replace-builtin', label: 'Replace with a built-in layer…', run: () => pickLayer(`Replace ${n.label} with`, (type) => runOperation('replaceLayer', { layerPath: n.path, type })) });
  replace.push({ id: 'fp16', label: 'Convert this layer’s weights to fp16', run: () => runOperation('convertToFloat16', { under: [n.path] }) });
  const run: Item[] = stopAfterLayer(n) ? [{ id: 'run-to-here', label: 'Run up to here', run: () => runUpTo(n.label) }] : [];
  return [edit, structure, replace, run];
}

function featureItems(doc: ModelDocument, n: GraphNode): Section[] {
  const f = featureRef(n);
  const items: Item[] = [];
  if (canRename(n)) items.push({ id: 'rename', label: 'Rename…', hint: 'F2', run: () => view().setRenaming(n.id) });
  if (!f || f.model.length !== 0) return [items];
  const showEditor = (anchor: string) => () => { view().select(n.id); view().focusInspector(anchor); };
  items.push({ id: 'edit-type', label: 'Edit type and shape…', run: showEditor(FEATURE_EDITOR_PATH) });
  const desc = resolvePath(doc.spec, n.path) as FeatureDescription | undefined;
  const isNetwork = !!(doc.spec.neuralNetwork ?? doc.spec.neuralNetworkClassifier ?? doc.spec.neuralNetworkRegressor);
  if (f.kind === 'input') {
    if (desc?.type?.imageType && isNetwork) items.push({ id: 'preprocessing', label: 'Preprocessing…', run: showEditor(PREPROCESSING_EDITOR_PATH) });
    const optional = !!desc?.type?.isOptional;
    items.push({ id: 'optional', label: optional ? 'Make required' : 'Make optional', run: () => runOperation('setFeatureType', { name: f.name, optional: !optional }) });
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
    { id: 'insert', label: 'Insert layer…', hint: 'Ins', run: () => pickLayer(`Insert on ${edge.blob}`, (type) => insertOnEdge(viewEdgeId, type)) },
    { id: 'expose', label: `Expose “${edge.blob}” as a model output`, run: () => runOperation('exposeBlob', { ...modelArg(model), blob: edge.blob }) },
    { id: 'truncate', label: `Truncate here (“${edge.blob}” becomes the output)`, run: () => runOperation('truncateAt', { ...modelArg(model), blob: edge.blob }) },
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
          {s.map((item) => (
            <button key={item.id} type="button" role="menuitem" data-testid={`menu-${item.id}`}
              onClick={() => { view().openContextMenu(null); item.run(); }}>
              <span>{item.label}</span>{item.hint && <kbd>{item.hint}</kbd>}
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}
