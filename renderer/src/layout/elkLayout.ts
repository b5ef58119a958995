// ELK's layered algorithm, top to bottom, in ELK's own Web Worker (elk-worker.min.js loaded as a
// classic worker through elk-api). Cancelling terminates that worker; the next layout starts a
// fresh one. Groups are ELK compound nodes laid out with their contents in one pass
// (hierarchyHandling INCLUDE_CHILDREN), so edges that cross a group's border still shape the layout.
import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk-api';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import { GROUP } from '../canvas/nodeSize';
import type { ViewGraph } from '../canvas/viewGraph';
import type { Placement, Placements } from './types';

export class LayoutCancelled extends Error {
  constructor() {
    super('layout cancelled');
    this.name = 'LayoutCancelled';
  }
}

const ROOT = '__root__';

const LAYOUT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '28',
  'elk.spacing.nodeNode': '18',
  'elk.spacing.edgeNode': '12',
  // Brandes-Köpf, balanced: chains stay straight and centred. Network simplex placement looks
  // similar but took 15 s instead of 0.5 s on the 757-layer pose network (measured with elkjs 0.11).
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
  // Keeps file order where the graph does not decide, so a chain of layers reads like the spec.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
};

/**
 * Edges the layout takes into account. A constant that feeds many operations (yolov8n's
 * `var_19` feeds 83) would otherwise be pulled toward all of them at once: ELK routes every such
 * edge through every layer it spans, and the canvas grows 35,000 px wide. Such a node is placed
 * by its first use only; its other edges are still drawn, they just do not shape the layout.
 */
export function layoutEdges(view: ViewGraph): ViewGraph['edges'] {
  const hasIncoming = new Set(view.edges.map((e) => e.target));
  const placed = new Set<string>();
  return view.edges.filter((e) => {
    const kind = view.byId.get(e.source)?.node?.kind;
    if (hasIncoming.has(e.source) || (kind !== 'operation' && kind !== 'layer')) return true;
    if (placed.has(e.source)) return false;
    placed.add(e.source);
    return true;
  });
}

/** The ELK input: items nested under their visible group, each edge in the lowest common container. */
export function toElkGraph(view: ViewGraph): ElkNode {
  const root: ElkNode = { id: ROOT, layoutOptions: LAYOUT_OPTIONS, children: [], edges: [] };
  const elkNodes = new Map<string, ElkNode>([[ROOT, root]]);
  for (const item of view.items) {
    const expandedGroup = item.kind === 'group' && !item.collapsed;
    const n: ElkNode = expandedGroup
      ? { id: item.id, children: [], edges: [], layoutOptions: { 'elk.padding': `[top=${GROUP.header},left=${GROUP.padding},bottom=${GROUP.padding},right=${GROUP.padding}]` } }
      : { id: item.id, width: item.width, height: item.height };
    elkNodes.set(item.id, n);
    elkNodes.get(item.parent ?? ROOT)!.children!.push(n);
  }
  const chain = (id: string): string[] => {
    const out: string[] = [];
    for (let cur: string | undefined = view.byId.get(id)?.parent; cur !== undefined; cur = view.byId.get(cur)?.parent) out.push(cur);
    out.push(ROOT);
    return out;
  };
  for (const e of layoutEdges(view)) {
    const targetChain = new Set(chain(e.target));
    // The edge's container: the innermost group holding both ends (a group never holds itself).
    const container = chain(e.source).find((c) => targetChain.has(c) && c !== e.source && c !== e.target) ?? ROOT;
    const edge: ElkExtendedEdge = { id: e.id, sources: [e.source], targets: [e.target] };
    elkNodes.get(container)!.edges!.push(edge);
  }
  // ELK rejects empty compound nodes with no size; give them the collapsed size instead.
  for (const n of elkNodes.values()) {
    if (n !== root && n.children && n.children.length === 0) { delete n.children; n.width = GROUP.collapsedWidth; n.height = GROUP.collapsedHeight; }
  }
  return root;
}

function collect(node: ElkNode, out: Map<string, Placement>): void {
  for (const c of node.children ?? []) {
    out.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 });
    collect(c, out);
  }
}

let elk: InstanceType<typeof ELK> | undefined;
let cancelCurrent: (() => void) | undefined;
let failCurrent: ((e: Error) => void) | undefined;

function instance(): InstanceType<typeof ELK> {
  elk ??= new ELK({
    workerUrl: elkWorkerUrl,
    workerFactory: (url) => {
      const w = new Worker(url!, { name: 'elk-layout' });
      // elk-api does not reject pending layouts when its worker dies; do it here.
      w.addEventListener('error', (ev) => failCurrent?.(new Error(`layout worker failed: ${ev.message || 'could not start'}`)));
      return w;
    },
  });
  return elk;
}

/** Lays out; rejects with LayoutCancelled when cancelLayout() is called (or a newer layout starts). */
export function elkLayout(view: ViewGraph): Promise<Placements> {
  cancelLayout();
  const graph = toElkGraph(view);
  const engine = instance();
  return new Promise<Placements>((resolve, reject) => {
    let settled = false;
    cancelCurrent = () => {
      if (settled) return;
      settled = true;
      failCurrent = undefined;
      engine.terminateWorker();
      if (elk === engine) elk = undefined;
      reject(new LayoutCancelled());
    };
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      cancelCurrent = undefined;
      failCurrent = undefined;
      // A failed ELK worker may be in any state; start a fresh one next time.
      engine.terminateWorker();
      if (elk === engine) elk = undefined;
      reject(e instanceof Error ? e : new Error(String((e as { message?: string })?.message ?? e)));
    };
    failCurrent = fail;
    engine.layout(graph).then(
      (laid) => {
        if (settled) return;
        settled = true;
        cancelCurrent = undefined;
        failCurrent = undefined;
        const out = new Map<string, Placement>();
        collect(laid, out);
        resolve(out);
      },
      fail,
    );
  });
}

export function cancelLayout(): void {
  const c = cancelCurrent;
  cancelCurrent = undefined;
  c?.();
}
