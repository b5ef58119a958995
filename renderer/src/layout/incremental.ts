// Layout after an edit, without laying the graph out again. Node ids are spec paths, so inserting
// a layer renames every later layer's id; items are therefore matched across revisions by what
// they are (kind, name and parent, counting repeats), and by id only where that fails.
//  - Same items and edges (rename, parameters, preprocessing, types, fp16, undo of those): every
//    item stays where it was; a node whose width changed keeps its centre.
//  - Otherwise (insert, delete, rewire): matched items keep their place; each new item goes just
//    below the items that feed it (or just above its consumer), and everything in its container
//    below that line moves down to make room, groups growing around it. Routes of long edges move
//    with the rows they pass; an edge with a changed end is drawn directly.
// A new item in a new group, or a change to most of the graph, is laid out again from scratch.
import { GROUP } from '../canvas/nodeSize';
import type { ViewGraph } from '../canvas/viewGraph';
import { dataflowLayout, ROW_GAP } from './dataflowLayout';
import { routeKey, type LayoutResult, type Placement, type Route } from './types';

export type LayoutMode = 'full' | 'same' | 'incremental';

/** What kind of thing an item is, independent of where it sits in the spec's lists. */
function identities(view: ViewGraph): Map<string, string> {
  const out = new Map<string, string>();
  const seen = new Map<string, number>();
  for (const item of view.items) {
    const what = item.kind === 'group' ? `g:${item.group?.kind}:${item.group?.label}` : `n:${item.node?.kind}:${item.node?.label}`;
    const parent = item.parent ? out.get(item.parent) ?? item.parent : '';
    const base = `${parent}/${what}`;
    const k = seen.get(base) ?? 0;
    seen.set(base, k + 1);
    out.set(item.id, `${base}#${k}`);
  }
  return out;
}

function sameTopology(a: ViewGraph, b: ViewGraph): boolean {
  if (a.items.length !== b.items.length || a.edges.length !== b.edges.length) return false;
  for (const it of b.items) {
    const old = a.byId.get(it.id);
    if (!old || old.kind !== it.kind || old.parent !== it.parent || old.collapsed !== it.collapsed) return false;
  }
  const pairs = new Set(a.edges.map((e) => routeKey(e.source, e.target)));
  return b.edges.every((e) => pairs.has(routeKey(e.source, e.target)));
}

/**
 * The layout of `view` given the layout of `prev` on screen (`placements` may include the user's
 * drags). `prev` must show the same document with the same groups collapsed.
 */
export function updateLayout(prev: { view: ViewGraph; layout: LayoutResult }, view: ViewGraph): LayoutResult & { mode: LayoutMode } {
  const old = prev.view;
  const oldPlacements = prev.layout.placements;
  if (sameTopology(old, view)) {
    const placements = new Map<string, Placement>();
    for (const it of view.items) {
      const p = oldPlacements.get(it.id);
      if (!p) return { ...dataflowLayout(view), mode: 'full' };
      const sized = it.kind === 'group' && !it.collapsed;
      const width = sized ? p.width : it.width, height = sized ? p.height : it.height;
      placements.set(it.id, width === p.width && height === p.height ? p : { x: p.x + (p.width - width) / 2, y: p.y, width, height });
    }
    return { placements, routes: prev.layout.routes, mode: 'same' };
  }

  // Match items.
  const oldIds = identities(old);
  const byIdentity = new Map<string, string>();
  for (const [id, key] of oldIds) byIdentity.set(key, id);
  const newIds = identities(view);
  const match = new Map<string, string>(); // new id → old id
  const taken = new Set<string>();
  for (const it of view.items) {
    const o = byIdentity.get(newIds.get(it.id)!);
    if (o !== undefined && oldPlacements.has(o)) { match.set(it.id, o); taken.add(o); }
  }
  for (const it of view.items) {
    if (match.has(it.id)) continue;
    // Same id and same name, but counted differently (e.g. a parent group renamed).
    const o = old.byId.get(it.id);
    if (o && !taken.has(it.id) && o.kind === it.kind && o.node?.label === it.node?.label && oldPlacements.has(it.id)) { match.set(it.id, it.id); taken.add(it.id); }
  }
  const fresh = view.items.filter((it) => !match.has(it.id));
  if (fresh.length > Math.max(8, view.items.length / 4)) return { ...dataflowLayout(view), mode: 'full' };

  const placements = new Map<string, Placement>();
  const oldToNew = new Map<string, string>();
  for (const [n, o] of match) { oldToNew.set(o, n); placements.set(n, oldPlacements.get(o)!); }
  // Routes whose ends are both matched, keyed by the new ids, still relative to their container.
  const routes = new Map<string, Route>();
  const newPairs = new Set(view.edges.map((e) => routeKey(e.source, e.target)));
  for (const e of old.edges) {
    const r = prev.layout.routes.get(routeKey(e.source, e.target));
    const s = oldToNew.get(e.source), t = oldToNew.get(e.target);
    if (!r || s === undefined || t === undefined || !newPairs.has(routeKey(s, t))) continue;
    const container = r.container === undefined ? undefined : oldToNew.get(r.container);
    if (r.container !== undefined && container === undefined) continue;
    routes.set(routeKey(s, t), { ...(container !== undefined ? { container } : {}), points: r.points });
  }

  /** Moves everything in `container` whose top is at or below `y` down by `dy`, growing the groups around it. */
  const shiftBelow = (container: string | undefined, y: number, dy: number, except: string): void => {
    for (const it of view.items) {
      if (it.parent !== container || it.id === except) continue;
      const p = placements.get(it.id);
      if (p && p.y >= y) placements.set(it.id, { ...p, y: p.y + dy });
    }
    for (const [key, r] of routes) {
      if (r.container !== container) continue;
      routes.set(key, { ...r, points: r.points.map((pt) => (pt.y >= y ? { x: pt.x, y: pt.y + dy } : pt)) });
    }
    if (container === undefined) return;
    const g = placements.get(container);
    if (!g) return;
    placements.set(container, { ...g, height: g.height + dy });
    shiftBelow(view.byId.get(container)?.parent, g.y + g.height, dy, container);
  };
  const growToFit = (container: string | undefined, p: Placement): void => {
    if (container === undefined) return;
    const g = placements.get(container);
    if (!g) return;
    const need = p.x + p.width + GROUP.padding;
    if (need > g.width) placements.set(container, { ...g, width: need });
  };

  // The item in `container` that holds `id` (or `id` itself).
  const under = (id: string, container: string | undefined): string | undefined => {
    for (let cur: string | undefined = id; cur !== undefined; cur = view.byId.get(cur)?.parent) {
      if (view.byId.get(cur)?.parent === container) return cur;
    }
    return undefined;
  };
  // New items in file order, which for a neural network is data-flow order.
  for (const it of fresh) {
    if (it.kind === 'group' && !it.collapsed) return { ...dataflowLayout(view), mode: 'full' };
    if (it.parent !== undefined && !placements.has(it.parent)) return { ...dataflowLayout(view), mode: 'full' };
    const feeders: Placement[] = [], consumers: Placement[] = [];
    for (const e of view.edges) {
      if (e.target === it.id) { const s = under(e.source, it.parent); const p = s && placements.get(s); if (p) feeders.push(p); }
      if (e.source === it.id) { const t = under(e.target, it.parent); const p = t && placements.get(t); if (p) consumers.push(p); }
    }
    const centre = (ps: Placement[]): number => ps.reduce((a, p) => a + p.x + p.width / 2, 0) / ps.length;
    let x: number, y: number;
    if (feeders.length) {
      x = centre(feeders) - it.width / 2;
      y = Math.max(...feeders.map((p) => p.y + p.height)) + ROW_GAP;
    } else if (consumers.length) {
      x = centre(consumers) - it.width / 2;
      y = Math.min(...consumers.map((p) => p.y));
    } else {
      const siblings = view.items.filter((s) => s.parent === it.parent && placements.has(s.id)).map((s) => placements.get(s.id)!);
      x = siblings.length ? Math.min(...siblings.map((p) => p.x)) : GROUP.padding;
      y = siblings.length ? Math.max(...siblings.map((p) => p.y + p.height)) + ROW_GAP : GROUP.header;
    }
    const p: Placement = { x: Math.round(x), y: Math.round(y), width: it.width, height: it.height };
    shiftBelow(it.parent, p.y, it.height + ROW_GAP, it.id);
    placements.set(it.id, p);
    growToFit(it.parent, p);
  }
  return { placements, routes, mode: 'incremental' };
}

