// React Flow's node and edge objects for a laid-out view graph. Pure: the hooks decide when they
// are built (once per layout) and patch only the flags that change afterwards.
import type { NodeHandle } from '@xyflow/react';
import type { ModelGraph } from '../../../shared/graph';
import { knownShapesOf } from '../document/analysis';
import { layerRef } from '../document/editTargets';
import type { ModelDocument } from '../store/documentStore';
import { routeKey, type Placements, type Point, type Route } from '../layout/types';
import type { BlobEdgeData, CanvasEdge } from './BlobEdge';
import type { CanvasNode } from './nodeTypes';
import { edgeShapeLabels, type ShapeLabel } from './shapeLabels';
import type { LaidGraph } from './useGraphLayout';
import type { EdgeEnds, ViewEdge, ViewGraph, ViewItem } from './viewGraph';

/** Absolute position of an item's top-left corner (placements are relative to the parent group). */
function absoluteOf(view: ViewGraph, positions: Placements, id: string | undefined): Point {
  let x = 0, y = 0;
  for (let cur = id; cur !== undefined; cur = view.byId.get(cur)?.parent) {
    const p = positions.get(cur);
    if (!p) break;
    x += p.x; y += p.y;
  }
  return { x, y };
}

/**
 * Handle positions before a node is first rendered: with onlyRenderVisibleElements an edge to
 * an off-screen node is drawn from these until the node is measured.
 */
function handlesFor(width: number, height: number): NodeHandle[] {
  return [
    { type: 'target', position: 'top' as NodeHandle['position'], x: width / 2 - 0.5, y: 0, width: 1, height: 1 },
    { type: 'source', position: 'bottom' as NodeHandle['position'], x: width / 2 - 0.5, y: height - 1, width: 1, height: 1 },
  ];
}

/** The React Flow node each view item was last built as (see toNodes). */
const nodeOfItem = new WeakMap<ViewItem, CanvasNode>();

/**
 * React Flow's nodes for a layout. An item that is the same object as before (a node of a layer an
 * edit left alone) at the same place and selection state gets the same node object back, so that
 * React Flow, its minimap and the node's component do nothing for it.
 */
export function toNodes(view: ViewGraph, positions: Placements, selection: string | null): CanvasNode[] {
  const out: CanvasNode[] = [];
  for (const item of view.items) {
    const p = positions.get(item.id);
    if (!p) continue;
    const width = item.kind === 'group' && !item.collapsed ? p.width : item.width;
    const height = item.kind === 'group' && !item.collapsed ? p.height : item.height;
    const parentId = item.parent && positions.has(item.parent) ? item.parent : undefined;
    const selected = item.id === selection;
    const kept = nodeOfItem.get(item);
    if (kept && kept.position.x === p.x && kept.position.y === p.y && kept.width === width && kept.height === height && kept.parentId === parentId && kept.selected === selected) {
      out.push(kept);
      continue;
    }
    const hasHandles = item.kind === 'node' || item.collapsed;
    const node: CanvasNode = {
      id: item.id,
      type: item.kind === 'group' ? 'group' : 'graph',
      position: { x: p.x, y: p.y },
      data: { item },
      width,
      height,
      // The components render at exactly these sizes (nodeSize.ts). Declaring them as measured
      // matters with onlyRenderVisibleElements: React Flow otherwise waits for every node to be
      // measured in the DOM before it fits the view, and off-screen nodes never are.
      measured: { width, height },
      ...(parentId ? { parentId } : {}),
      ...(hasHandles ? { handles: handlesFor(width, height) } : {}),
      ...(item.kind === 'group' && !item.collapsed ? { style: { width, height }, zIndex: -1 } : {}),
      selected,
    };
    nodeOfItem.set(item, node);
    out.push(node);
  }
  return out;
}

/** Equal as data: primitives, arrays and plain objects compared by value (React Flow's nodes and edges). */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/**
 * `next` with every element that equals, as data, the element of `prev` with the same id replaced
 * by that earlier object; `prev` itself when nothing changed. After an edit that keeps the topology
 * almost every node and edge is the same, and React Flow (its store, the minimap, each node's
 * component) only does work for objects that are new.
 */
export function keepUnchanged<T extends { readonly id: string }>(prev: readonly T[], next: readonly T[]): T[] {
  if (!prev.length) return next as T[];
  const before = new Map(prev.map((x) => [x.id, x]));
  let same = prev.length === next.length;
  const out = next.map((x, i) => {
    const p = before.get(x.id);
    if (p && sameData(p, x)) { if (prev[i] !== p) same = false; return p; }
    same = false;
    return x;
  });
  return same ? (prev as T[]) : out;
}

/** An edge's CSS classes: selected, next to the selected node, the palette drag's drop target. */
export function edgeClass(e: EdgeEnds, selection: string | null, edgeSelection: string | null, dropEdge: string | null = null): string {
  const drop = e.id === dropEdge ? ' drop-target' : '';
  if (e.id === edgeSelection) return `blob-edge selected${drop}`;
  return (e.source === selection || e.target === selection ? 'blob-edge adjacent' : 'blob-edge') + drop;
}

const UNKNOWN_SHAPE: ShapeLabel = { short: '?', full: 'shape not known' };

/** The label of the `k`th blob of a canvas edge, from the graph edges it stands for. */
function blobLabel(e: ViewEdge, k: number, graphEdge: (id: string) => ModelGraph['edges'][number] | undefined, labels: ReadonlyMap<string, ShapeLabel>): ShapeLabel {
  // An edge standing for one graph edge carries that edge's blob: no search.
  if (e.edges.length === 1) return labels.get(e.edges[0]) ?? UNKNOWN_SHAPE;
  const b = e.blobs[k];
  for (const id of e.edges) {
    const g = graphEdge(id);
    if (g?.blob === b) return labels.get(g.id) ?? UNKNOWN_SHAPE;
  }
  return UNKNOWN_SHAPE;
}

/** One shape per blob of a canvas edge, from the labels of the graph edges it stands for. */
export function edgeShapes(e: ViewEdge, graphEdges: ReadonlyMap<string, ModelGraph['edges'][number]>, labels: ReadonlyMap<string, ShapeLabel>): { shapes: string[]; shapeTitles: string[] } {
  const found = e.blobs.map((_, k) => blobLabel(e, k, (id) => graphEdges.get(id), labels));
  return { shapes: found.map((l) => l.short), shapeTitles: found.map((l) => l.full) };
}

function sameStrings(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Edges of a layout; an edge spanning rows follows its route, moved by its container's position.
 *
 * `prev` (the edges on screen): an edge whose every field would come out the same is returned as
 * that same object, and `prev` itself when all of them are, so that React Flow and each edge's
 * component do nothing for it. Compared field by field from the inputs, without building the new
 * edge first: after a rename on a model of 800 edges, building them all and comparing them as
 * data cost more than the rest of the canvas's update.
 */
export function toEdges(laid: LaidGraph, positions: Placements, selection: string | null, edgeSelection: string | null, labels: ReadonlyMap<string, ShapeLabel> | null, prev: readonly CanvasEdge[] = []): CanvasEdge[] {
  const { view, layout } = laid;
  let graphEdges: Map<string, ModelGraph['edges'][number]> | undefined;
  const graphEdge = (id: string) => (graphEdges ??= new Map(laid.doc.graph.edges.map((g) => [g.id, g]))).get(id);
  const offsets = new Map<string | undefined, Point>([[undefined, { x: 0, y: 0 }]]);
  const offsetOf = (container: string | undefined): Point => {
    let o = offsets.get(container);
    if (!o) { o = absoluteOf(view, positions, container); offsets.set(container, o); }
    return o;
  };
  let prevById: Map<string, CanvasEdge> | undefined;
  const previous = (i: number, id: string): CanvasEdge | undefined => {
    if (prev[i]?.id === id) return prev[i];
    if (!prev.length) return undefined;
    return (prevById ??= new Map(prev.map((x) => [x.id, x]))).get(id);
  };
  let same = prev.length === view.edges.length;
  const out = new Array<CanvasEdge>(view.edges.length);
  for (let i = 0; i < view.edges.length; i++) {
    const e = view.edges[i];
    const r = layout.routes.get(routeKey(e.source, e.target));
    const o = r ? offsetOf(r.container) : undefined;
    const className = edgeClass(e, selection, edgeSelection);
    // The producer end of an edge into a layer can be dragged onto another node to rewire that input.
    const target = view.byId.get(e.target)?.node;
    const reconnectable = target && layerRef(target) ? 'source' as const : false;
    const old = previous(i, e.id);
    if (old && old.source === e.source && old.target === e.target && old.className === className && old.reconnectable === reconnectable
      && old.data && sameStrings(old.data.blobs, e.blobs) && sameRoute(old.data.route, r, o) && sameLabels(old.data, e, graphEdge, labels)) {
      out[i] = old;
      if (old !== prev[i]) same = false;
      continue;
    }
    same = false;
    let shapes: Pick<BlobEdgeData, 'shapes' | 'shapeTitles'> = {};
    if (labels) {
      const found = e.blobs.map((_, k) => blobLabel(e, k, graphEdge, labels));
      shapes = { shapes: found.map((l) => l.short), shapeTitles: found.map((l) => l.full) };
    }
    const route = r && o ? r.points.map((p) => ({ x: p.x + o.x, y: p.y + o.y })) : undefined;
    out[i] = {
      id: e.id,
      source: e.source,
      target: e.target,
      type: 'blob',
      data: { blobs: e.blobs, ...shapes, ...(route ? { route } : {}) },
      className,
      selectable: false,
      reconnectable,
    };
  }
  return same ? (prev as CanvasEdge[]) : out;
}

/** Whether `drawn` is `r`'s points moved by `o` (both absent: an edge within one row gap). */
function sameRoute(drawn: readonly Point[] | undefined, r: Route | undefined, o: Point | undefined): boolean {
  if (!r || !o) return drawn === undefined;
  if (!drawn || drawn.length !== r.points.length) return false;
  for (let k = 0; k < drawn.length; k++) if (drawn[k].x !== r.points[k].x + o.x || drawn[k].y !== r.points[k].y + o.y) return false;
  return true;
}

/** Whether an edge's drawn shape labels are the ones `labels` gives (none drawn when null). */
function sameLabels(data: BlobEdgeData, e: ViewEdge, graphEdge: (id: string) => ModelGraph['edges'][number] | undefined, labels: ReadonlyMap<string, ShapeLabel> | null): boolean {
  if (!labels) return data.shapes === undefined && data.shapeTitles === undefined;
  const { shapes, shapeTitles } = data;
  if (!shapes || !shapeTitles || shapes.length !== e.blobs.length || shapeTitles.length !== e.blobs.length) return false;
  for (let k = 0; k < e.blobs.length; k++) {
    const l = blobLabel(e, k, graphEdge, labels);
    if (shapes[k] !== l.short || shapeTitles[k] !== l.full) return false;
  }
  return true;
}

const shapeLabelCache = new WeakMap<ModelDocument['graph'], Map<string, ShapeLabel>>();

/**
 * Edge id → inferred shape of its blob, for the document's graph, from the shapes inferred once per
 * revision (document/analysis.ts). Null until they are known: after an open the graph is drawn
 * first and the labels follow with the worker's analysis.
 */
export function shapeLabelsOf(doc: ModelDocument): Map<string, ShapeLabel> | null {
  let labels = shapeLabelCache.get(doc.graph);
  if (!labels) {
    const shapes = knownShapesOf(doc.spec);
    if (!shapes) return null;
    labels = edgeShapeLabels(doc.graph, shapes);
    shapeLabelCache.set(doc.graph, labels);
  }
  return labels;
}
