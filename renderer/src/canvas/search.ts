// Search over what the canvas shows: layer and operation names, types and blob names.
import type { ModelGraph } from '../../../shared/graph/types';
import { displayType } from './layerInfo';

/** Ids of matching nodes (then groups), in graph order. */
export function searchGraph(graph: ModelGraph, query: string): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const hit = (s: string): boolean => s.toLowerCase().includes(q);
  const out: string[] = [];
  for (const n of graph.nodes) {
    if (hit(n.label) || hit(n.type) || hit(displayType(n)) || n.inputs.some(hit) || n.outputs.some(hit)) out.push(n.id);
  }
  for (const g of graph.groups) if (hit(g.label)) out.push(g.id);
  return out;
}

/** The groups that contain an element, innermost first: to expand before showing it. */
export function enclosingGroups(graph: ModelGraph, id: string): string[] {
  const groups = new Map(graph.groups.map((g) => [g.id, g]));
  const start = graph.nodes.find((n) => n.id === id)?.group ?? groups.get(id)?.parent;
  const out: string[] = [];
  for (let g = start; g !== undefined && groups.has(g) && !out.includes(g); g = groups.get(g)!.parent) out.push(g);
  return out;
}
