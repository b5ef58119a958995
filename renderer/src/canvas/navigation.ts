// Keyboard navigation along edges: Down follows an outgoing edge, Up an incoming one, Left and
// Right move between siblings (other consumers of the same producers, other producers of the
// same consumers), ordered by position on the canvas.
import type { ViewGraph } from './viewGraph';

export type Direction = 'up' | 'down' | 'left' | 'right';

export function navigate(view: ViewGraph, from: string, dir: Direction, xOf: (id: string) => number): string | undefined {
  const outgoing = new Map<string, string[]>();
  const incoming = new Map<string, string[]>();
  for (const e of view.edges) {
    (outgoing.get(e.source) ?? outgoing.set(e.source, []).get(e.source)!).push(e.target);
    (incoming.get(e.target) ?? incoming.set(e.target, []).get(e.target)!).push(e.source);
  }
  const x0 = xOf(from);
  const nearest = (ids: readonly string[]): string | undefined =>
    [...ids].sort((a, b) => Math.abs(xOf(a) - x0) - Math.abs(xOf(b) - x0))[0];
  if (dir === 'down') return nearest(outgoing.get(from) ?? []);
  if (dir === 'up') return nearest(incoming.get(from) ?? []);
  const siblings = new Set<string>([from]);
  for (const p of incoming.get(from) ?? []) for (const s of outgoing.get(p) ?? []) siblings.add(s);
  for (const c of outgoing.get(from) ?? []) for (const s of incoming.get(c) ?? []) siblings.add(s);
  const row = [...siblings].sort((a, b) => xOf(a) - xOf(b));
  const i = row.indexOf(from);
  const next = dir === 'left' ? row[i - 1] : row[i + 1];
  return next;
}
