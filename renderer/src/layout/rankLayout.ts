// A plain layered arrangement computed in milliseconds: each item's row is its longest path from
// a source within its container, rows are centred. Used only when the layered layout throws (a bug
// of ours), so the canvas never stays empty.
import { GROUP } from '../canvas/nodeSize';
import type { ViewGraph, ViewItem } from '../canvas/viewGraph';
import type { Placement, Placements } from './types';

const ROW_GAP = 28;
const COL_GAP = 18;

export function rankLayout(view: ViewGraph): Placements {
  const out = new Map<string, Placement>();
  const childrenOf = new Map<string | undefined, ViewItem[]>();
  for (const item of view.items) {
    const list = childrenOf.get(item.parent) ?? [];
    list.push(item);
    childrenOf.set(item.parent, list);
  }
  /** The ancestor of `id` (or `id` itself) that is a direct child of `container`. */
  const childUnder = (id: string, container: string | undefined): string | undefined => {
    for (let cur: string | undefined = id; cur !== undefined; cur = view.byId.get(cur)?.parent) {
      if (view.byId.get(cur)?.parent === container) return cur;
    }
    return undefined;
  };

  const layoutContainer = (container: string | undefined): { width: number; height: number } => {
    const items = childrenOf.get(container) ?? [];
    const size = new Map<string, { width: number; height: number }>();
    for (const it of items) {
      size.set(it.id, it.kind === 'group' && !it.collapsed ? layoutContainer(it.id) : { width: it.width, height: it.height });
    }
    const succ = new Map<string, Set<string>>();
    const indeg = new Map<string, number>(items.map((i) => [i.id, 0]));
    for (const e of view.edges) {
      const s = childUnder(e.source, container);
      const t = childUnder(e.target, container);
      if (!s || !t || s === t) continue;
      const set = succ.get(s) ?? new Set<string>();
      if (!set.has(t)) { set.add(t); indeg.set(t, (indeg.get(t) ?? 0) + 1); }
      succ.set(s, set);
    }
    const rank = new Map<string, number>();
    const queue = items.filter((i) => indeg.get(i.id) === 0).map((i) => i.id);
    for (const id of queue) rank.set(id, 0);
    for (let k = 0; k < queue.length; k++) {
      const id = queue[k];
      for (const t of succ.get(id) ?? []) {
        rank.set(t, Math.max(rank.get(t) ?? 0, rank.get(id)! + 1));
        indeg.set(t, indeg.get(t)! - 1);
        if (indeg.get(t) === 0) queue.push(t);
      }
    }
    // Items on a cycle (not expected in a valid model) go below everything else.
    const maxRank = Math.max(0, ...rank.values());
    for (const it of items) if (!rank.has(it.id)) rank.set(it.id, maxRank + 1);
    const rows: string[][] = [];
    for (const it of items) (rows[rank.get(it.id)!] ??= []).push(it.id);
    const rowWidths = rows.map((r) => (r ?? []).reduce((w, id) => w + size.get(id)!.width, 0) + COL_GAP * Math.max(0, (r ?? []).length - 1));
    const width = Math.max(0, ...rowWidths);
    const pad = container === undefined ? 0 : GROUP.padding;
    const top = container === undefined ? 0 : GROUP.header;
    let y = top;
    rows.forEach((row, i) => {
      if (!row) return;
      let x = pad + (width - rowWidths[i]) / 2;
      let h = 0;
      for (const id of row) {
        const s = size.get(id)!;
        out.set(id, { x, y, width: s.width, height: s.height });
        x += s.width + COL_GAP;
        h = Math.max(h, s.height);
      }
      y += h + ROW_GAP;
    });
    return { width: width + 2 * pad, height: y - ROW_GAP + pad };
  };
  layoutContainer(undefined);
  return out;
}
