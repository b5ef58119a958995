// Search over what the canvas shows: layer and operation names, types and blob names. There is
// one list of matches per graph and query: the toolbar's count ("3 / 12") and the canvas's
// selection of the current match both read it from here, so they cannot disagree.
import type { ModelGraph } from '../../../shared/graph';
import { displayType } from './layerInfo';

/** Queries remembered per graph: typing a name produces one per keystroke. */
const QUERIES_KEPT = 16;
const lists = new WeakMap<ModelGraph, Map<string, readonly string[]>>();

function findMatches(graph: ModelGraph, q: string): readonly string[] {
  const hit = (s: string): boolean => s.toLowerCase().includes(q);
  const out: string[] = [];
  for (const n of graph.nodes) {
    if (hit(n.label) || hit(n.type) || hit(displayType(n)) || n.inputs.some(hit) || n.outputs.some(hit)) out.push(n.id);
  }
  for (const g of graph.groups) if (hit(g.label)) out.push(g.id);
  return Object.freeze(out);
}

/** Ids of matching nodes (then groups), in graph order: the same list for the same graph and query. */
export function searchGraph(graph: ModelGraph, query: string): readonly string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  let byQuery = lists.get(graph);
  if (!byQuery) lists.set(graph, byQuery = new Map<string, readonly string[]>());
  let list = byQuery.get(q);
  if (!list) {
    list = findMatches(graph, q);
    if (byQuery.size >= QUERIES_KEPT) byQuery.delete(byQuery.keys().next().value!);
    byQuery.set(q, list);
  }
  return list;
}

/** Position of the current match (Enter steps forward, Shift+Enter back, both wrapping). */
export function matchIndex(matches: readonly string[], index: number): number {
  const n = matches.length;
  return n ? ((index % n) + n) % n : -1;
}

/** The groups that contain an element, innermost first: to expand before showing it. */
export function enclosingGroups(graph: ModelGraph, id: string): string[] {
  const groups = new Map(graph.groups.map((g) => [g.id, g]));
  const start = graph.nodes.find((n) => n.id === id)?.group ?? groups.get(id)?.parent;
  const out: string[] = [];
  for (let g = start; g !== undefined && groups.has(g) && !out.includes(g); g = groups.get(g)!.parent) out.push(g);
  return out;
}
