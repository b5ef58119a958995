// What the canvas shows of a ModelGraph: nodes and groups that are not inside a collapsed group,
// with edges re-attached to the collapsed group that hides their end, and merged when several
// blobs connect the same two visible items. Pure: the layout worker and the canvas both use it.
import type { GraphGroup, GraphNode, ModelGraph } from '../../../shared/graph';
import { groupSize, nodeSize } from './nodeSize';

export interface ViewItem {
  readonly id: string;
  readonly kind: 'node' | 'group';
  readonly node?: GraphNode;
  readonly group?: GraphGroup;
  /** The visible group that contains the item (undefined: the top level). */
  readonly parent?: string;
  readonly collapsed: boolean;
  /** Fixed size for nodes and collapsed groups; expanded groups are sized by the layout. */
  readonly width: number;
  readonly height: number;
  /** For groups: how many graph nodes are inside, at any depth. */
  readonly contains: number;
}

/** An edge's id and the ids of the items it joins (a node, or the collapsed group that hides it). */
export interface EdgeEnds {
  readonly id: string;
  readonly source: string;
  readonly target: string;
}

export interface ViewEdge extends EdgeEnds {
  /** Blob or feature names the edge carries (more than one when merged). */
  readonly blobs: readonly string[];
  /** Ids of the GraphEdges it stands for. */
  readonly edges: readonly string[];
}

export interface ViewGraph {
  /** Parents before their children (React Flow requires it). */
  readonly items: readonly ViewItem[];
  readonly edges: readonly ViewEdge[];
  readonly byId: ReadonlyMap<string, ViewItem>;
}

/** Group id → its ancestor chain, innermost first, ending at the top level. */
function ancestry(groups: ReadonlyMap<string, GraphGroup>, start: string | undefined): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let g = start; g !== undefined && groups.has(g) && !seen.has(g); g = groups.get(g)!.parent) {
    seen.add(g);
    out.push(g);
  }
  return out;
}

/**
 * The item each graph node was last shown as. An edit's graph reuses the nodes of the layers it
 * left alone (shared/graph), so their items, sizes and React Flow nodes are kept too.
 */
const itemOfNode = new WeakMap<GraphNode, ViewItem>();

function nodeItem(n: GraphNode, parent: string | undefined): ViewItem {
  const kept = itemOfNode.get(n);
  if (kept && kept.parent === parent) return kept;
  const item: ViewItem = { id: n.id, kind: 'node', node: n, parent, collapsed: false, ...nodeSize(n), contains: 0 };
  itemOfNode.set(n, item);
  return item;
}

export function buildViewGraph(graph: ModelGraph, collapsed: ReadonlySet<string>): ViewGraph {
  const groups = new Map(graph.groups.map((g) => [g.id, g]));
  // The outermost collapsed group on an element's chain hides it; an element is shown as itself
  // when no group above it is collapsed.
  const representative = (chain: readonly string[], self: string): string => {
    for (let i = chain.length - 1; i >= 0; i--) if (collapsed.has(chain[i])) return chain[i];
    return self;
  };
  const contains = new Map<string, number>();
  for (const n of graph.nodes) for (const g of ancestry(groups, n.group)) contains.set(g, (contains.get(g) ?? 0) + 1);

  const items: ViewItem[] = [];
  const repOf = new Map<string, string>();
  // Groups sorted so that parents precede children.
  const depth = (g: GraphGroup): number => ancestry(groups, g.id).length;
  for (const g of [...graph.groups].sort((a, b) => depth(a) - depth(b))) {
    const chain = ancestry(groups, g.parent);
    const rep = representative(chain, g.id);
    repOf.set(g.id, rep);
    if (rep !== g.id) continue;
    if (!contains.get(g.id)) continue; // an empty group draws nothing useful
    const isCollapsed = collapsed.has(g.id);
    const size = groupSize(g, isCollapsed);
    items.push({ id: g.id, kind: 'group', group: g, parent: chain[0], collapsed: isCollapsed, ...size, contains: contains.get(g.id) ?? 0 });
  }
  for (const n of graph.nodes) {
    const chain = ancestry(groups, n.group);
    const rep = representative(chain, n.id);
    repOf.set(n.id, rep);
    if (rep !== n.id) continue;
    items.push(nodeItem(n, chain[0]));
  }

  const merged = new Map<string, { source: string; target: string; blobs: string[]; edges: string[] }>();
  for (const e of graph.edges) {
    const s = repOf.get(e.source) ?? e.source;
    const t = repOf.get(e.target) ?? e.target;
    if (s === t) continue;
    const key = `${s}\u0000${t}`;
    let m = merged.get(key);
    if (!m) { m = { source: s, target: t, blobs: [], edges: [] }; merged.set(key, m); }
    if (!m.blobs.includes(e.blob)) m.blobs.push(e.blob);
    m.edges.push(e.id);
  }
  const byId = new Map(items.map((i) => [i.id, i]));
  const edges: ViewEdge[] = [];
  for (const m of merged.values()) {
    if (!byId.has(m.source) || !byId.has(m.target)) continue;
    edges.push({ id: m.edges.length === 1 ? m.edges[0] : `${m.source}=>${m.target}`, ...m });
  }
  return { items, edges, byId };
}
