// A layered (Sugiyama) layout specialised for model graphs, which are data flow and mostly
// chains. Each container (the top level, every expanded group) is laid out on its own, innermost
// first, an expanded group then being one box in its parent's layout:
//   1. rows: longest path from the sources, then each source moved down to just above its first
//      consumer (a weight or a second input sits beside the layer that reads it);
//   2. an edge that spans several rows gets a slot in each row in between, so it never runs
//      through a node and the slots take part in ordering like nodes;
//   3. order within rows: depth-first order from the sources (file order where the graph does not
//      decide), then a few barycentre sweeps, keeping the order with the fewest crossings;
//   4. x: each node is pulled toward the mean of its neighbours in the row above or below, and
//      overlaps are resolved exactly by weighted isotonic regression (pool adjacent violators), so
//      a chain is one straight vertical line and a fork is centred under its source;
//   5. y: rows are stacked at the height of their tallest node.
// Everything is linear or n log n in nodes + slots per pass, with a fixed number of passes: model_cpm
// (759 items) and a 10,000-layer chain both lay out in tens of milliseconds, with no recursion
// (ELK and dagre overflow the stack on the 10,000-layer chain; measured with elkjs 0.11 and
// @dagrejs/dagre 3.1: model_cpm 3.6-8.7 s and 6.8 s).
import { GROUP } from '../canvas/nodeSize';
import type { ViewGraph, ViewItem } from '../canvas/viewGraph';
import { routeKey, type LayoutResult, type Placement, type Point, type Route } from './types';

export const ROW_GAP = 30;
export const NODE_GAP = 20;
/** Horizontal room for an edge passing through a row. */
const SLOT_WIDTH = 10;
const SLOT_GAP = 6;
const ORDER_SWEEPS = 4;
const PLACE_ROUNDS = 4;

/**
 * Edges the layout takes into account. A constant that feeds many operations (yolov8n's
 * `var_19` feeds 83) would otherwise be pulled toward all of them at once and span the whole
 * graph; such a node is placed by its first use only. Its other edges are still drawn.
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

/** An edge between two direct children of one container (local indices). */
interface LocalEdge {
  readonly s: number;
  readonly t: number;
  /** Set when both ends are the edge's own ends (not groups that contain them): it gets a route. */
  readonly key?: string;
  /**
   * Where the edge meets each end, as an x offset from that end's centre: non-zero when the end is
   * an expanded group and the edge's real end is a node inside it. The layout lines the ports up,
   * so an input above a group sits above the node it feeds rather than above the group's middle
   * (yolov8n: the ML Program's first operation is at one side of a 2,400-pixel-wide block).
   */
  readonly sp?: number;
  readonly tp?: number;
}

export function dataflowLayout(view: ViewGraph): LayoutResult {
  const placements = new Map<string, Placement>();
  const routes = new Map<string, Route>();
  const children = new Map<string | undefined, ViewItem[]>();
  for (const item of view.items) {
    const list = children.get(item.parent);
    if (list) list.push(item); else children.set(item.parent, [item]);
  }
  // Each edge belongs to the innermost container holding both ends, between the children of that
  // container that hold them.
  const chainOf = (id: string): string[] => {
    const out = [id];
    for (let cur = view.byId.get(id)?.parent; cur !== undefined; cur = view.byId.get(cur)?.parent) out.push(cur);
    return out;
  };
  const edgesIn = new Map<string | undefined, { s: string; t: string; key?: string; source: string; target: string }[]>();
  for (const e of layoutEdges(view)) {
    const sc = chainOf(e.source), tc = chainOf(e.target);
    // Strip the common tail (shared ancestors); what remains ends in the children of the container.
    let i = sc.length - 1, j = tc.length - 1;
    while (i >= 0 && j >= 0 && sc[i] === tc[j]) { i--; j--; }
    if (i < 0 || j < 0) continue; // one end contains the other
    const container = i + 1 < sc.length ? sc[i + 1] : undefined;
    const list = edgesIn.get(container) ?? [];
    list.push({ s: sc[i], t: tc[j], source: e.source, target: e.target, ...(i === 0 && j === 0 ? { key: routeKey(e.source, e.target) } : {}) });
    edgesIn.set(container, list);
  }

  /** Centre x of `id` relative to the centre of its enclosing item `outer` (already laid out). */
  const portOf = (id: string, outer: string, outerWidth: number): number => {
    if (id === outer) return 0;
    let x = 0;
    for (let cur: string | undefined = id; cur !== undefined && cur !== outer; cur = view.byId.get(cur)?.parent) {
      const p = placements.get(cur);
      if (!p) return 0;
      x += p.x;
    }
    return x + (placements.get(id)?.width ?? 0) / 2 - outerWidth / 2;
  };

  const layoutContainer = (container: string | undefined): { width: number; height: number } => {
    const items = children.get(container) ?? [];
    const sizes = items.map((it) => (it.kind === 'group' && !it.collapsed ? layoutContainer(it.id) : { width: it.width, height: it.height }));
    const index = new Map(items.map((it, k) => [it.id, k]));
    const seen = new Set<string>();
    const edges: LocalEdge[] = [];
    for (const e of edgesIn.get(container) ?? []) {
      const s = index.get(e.s), t = index.get(e.t);
      if (s === undefined || t === undefined || s === t) continue;
      const pair = `${s},${t}`;
      if (seen.has(pair) && !e.key) continue;
      seen.add(pair);
      const sp = portOf(e.source, e.s, sizes[s].width), tp = portOf(e.target, e.t, sizes[t].width);
      edges.push({ s, t, ...(e.key ? { key: e.key } : {}), ...(sp ? { sp } : {}), ...(tp ? { tp } : {}) });
    }
    const laid = layoutLayered(sizes, edges);
    const pad = container === undefined ? 0 : GROUP.padding;
    const top = container === undefined ? 0 : GROUP.header;
    items.forEach((it, k) => {
      const p = laid.boxes[k];
      placements.set(it.id, { x: p.x + pad, y: p.y + top, width: sizes[k].width, height: sizes[k].height });
    });
    for (const [key, pts] of laid.routes) {
      routes.set(key, { ...(container !== undefined ? { container } : {}), points: pts.map((p) => ({ x: p.x + pad, y: p.y + top })) });
    }
    return { width: laid.width + 2 * pad, height: laid.height + top + pad };
  };
  layoutContainer(undefined);
  return { placements, routes };
}

interface Laid {
  readonly boxes: { x: number; y: number }[];
  readonly routes: Map<string, Point[]>;
  readonly width: number;
  readonly height: number;
}

/**
 * Lays out boxes of the given sizes connected by edges (indices into sizes); returns top-left
 * corners with the layout's bounds starting at 0,0.
 */
export function layoutLayered(sizes: readonly { width: number; height: number }[], edges: readonly LocalEdge[]): Laid {
  const n = sizes.length;
  if (n === 0) return { boxes: [], routes: new Map(), width: 0, height: 0 };

  // 1. Acyclic orientation: Kahn's order; when only cycles remain (not expected in a valid model,
  // possible between groups), the earliest remaining item goes next and its incoming edges from
  // items not yet placed are reversed.
  const outs: number[][] = Array.from({ length: n }, () => []);
  const ins: number[][] = Array.from({ length: n }, () => []);
  edges.forEach((e, k) => { outs[e.s].push(k); ins[e.t].push(k); });
  const indeg = new Int32Array(n);
  for (const e of edges) indeg[e.t]++;
  const topo: number[] = [];
  const done = new Uint8Array(n);
  const reversed = new Uint8Array(edges.length);
  let next = 0;
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (indeg[v] === 0) queue.push(v);
  let qh = 0;
  while (topo.length < n) {
    if (qh === queue.length) {
      while (done[next]) next++;
      for (const k of ins[next]) if (!done[edges[k].s]) reversed[k] = 1;
      indeg[next] = 0;
      queue.push(next);
    }
    const v = queue[qh++];
    if (done[v]) continue;
    done[v] = 1;
    topo.push(v);
    for (const k of outs[v]) {
      const t = edges[k].t;
      if (done[t] || reversed[k]) continue;
      if (--indeg[t] === 0) queue.push(t);
    }
  }
  const from = (k: number): number => (reversed[k] ? edges[k].t : edges[k].s);
  const to = (k: number): number => (reversed[k] ? edges[k].s : edges[k].t);

  // 2. Rows: longest path, then sources just above their first consumer.
  const rank = new Int32Array(n);
  for (const v of topo) {
    for (const k of outs[v]) if (!reversed[k]) rank[edges[k].t] = Math.max(rank[edges[k].t], rank[v] + 1);
    for (const k of ins[v]) if (reversed[k]) rank[edges[k].s] = Math.max(rank[edges[k].s], rank[v] + 1);
  }
  for (let v = 0; v < n; v++) {
    let hasIn = false;
    let minOut = Infinity;
    for (const k of ins[v]) if (to(k) === v) hasIn = true;
    for (const k of outs[v]) if (from(k) === v) minOut = Math.min(minOut, rank[to(k)]);
    for (const k of ins[v]) if (from(k) === v) minOut = Math.min(minOut, rank[to(k)]);
    if (!hasIn && minOut !== Infinity) rank[v] = minOut - 1;
  }

  // 3. Slots: a long edge gets one slot per row it passes. Vertex ids: items 0..n-1, slots after.
  let rows = 0;
  for (let v = 0; v < n; v++) rows = Math.max(rows, rank[v] + 1);
  const vRank: number[] = Array.from(rank);
  const vWidth: number[] = sizes.map((s) => s.width);
  const up: number[][] = Array.from({ length: n }, () => []); // neighbours in the row above
  const down: number[][] = Array.from({ length: n }, () => []);
  // Offsets that go with up and down (same indices): a vertex wants x = neighbour's x + offset.
  // Non-zero only at an edge's end on a group with a port (LocalEdge.sp, tp).
  const upOff: number[][] = Array.from({ length: n }, () => []);
  const downOff: number[][] = Array.from({ length: n }, () => []);
  /** For routed edges: the slots in order from the upper end to the lower. */
  const slotsOf: { edge: number; slots: number[] }[] = [];
  /** a above b; b wants x[b] = x[a] + off. */
  const link = (a: number, b: number, off: number): void => { down[a].push(b); downOff[a].push(-off); up[b].push(a); upOff[b].push(off); };
  edges.forEach((e, k) => {
    const a = from(k), b = to(k);
    if (rank[b] <= rank[a]) return; // same row (not expected): drawn, not laid out
    const pa = (reversed[k] ? e.tp : e.sp) ?? 0, pb = (reversed[k] ? e.sp : e.tp) ?? 0;
    let prev = a;
    let off = pa;
    const slots: number[] = [];
    for (let r = rank[a] + 1; r < rank[b]; r++) {
      const d = vRank.length;
      vRank.push(r); vWidth.push(SLOT_WIDTH); up.push([]); down.push([]); upOff.push([]); downOff.push([]);
      link(prev, d, off);
      off = 0;
      slots.push(d);
      prev = d;
    }
    link(prev, b, off - pb);
    if (slots.length && edges[k].key) slotsOf.push({ edge: k, slots });
  });
  const V = vRank.length;
  const isSlot = (v: number): boolean => v >= n;

  // 4. Order: depth-first from the sources (items in file order; each vertex's lower neighbours
  // in file order), so branches stay together and independent parts read in file order.
  const layer: number[][] = Array.from({ length: rows }, () => []);
  const pos = new Int32Array(V);
  const visited = new Uint8Array(V);
  const visit = (root: number): void => {
    const stack = [root];
    while (stack.length) {
      const v = stack.pop()!;
      if (visited[v]) continue;
      visited[v] = 1;
      pos[v] = layer[vRank[v]].length;
      layer[vRank[v]].push(v);
      const ds = down[v];
      for (let i = ds.length - 1; i >= 0; i--) if (!visited[ds[i]]) stack.push(ds[i]);
    }
  };
  for (let v = 0; v < n; v++) if (up[v].length === 0) visit(v);
  for (let v = 0; v < V; v++) visit(v);

  /** Crossings between adjacent rows: inversions of lower ends with edges in upper-end order (a Fenwick tree). */
  const crossings = (): number => {
    let total = 0;
    for (let r = 0; r + 1 < rows; r++) {
      const size = layer[r + 1].length;
      if (size < 2 || layer[r].length < 2) continue; // a single vertex on either side: no crossings
      const tree = new Int32Array(size + 1);
      let count = 0;
      for (const v of layer[r]) {
        const lows = down[v].map((w) => pos[w]).sort((a, b) => a - b);
        for (const p of lows) {
          let atMost = 0;
          for (let j = p + 1; j > 0; j -= j & -j) atMost += tree[j];
          total += count - atMost;
          for (let j = p + 1; j <= size; j += j & -j) tree[j]++;
          count++;
        }
      }
    }
    return total;
  };
  const sweep = (downward: boolean): void => {
    const bary = new Float64Array(V);
    const order = downward ? Array.from({ length: rows }, (_, r) => r).slice(1) : Array.from({ length: rows }, (_, r) => rows - 1 - r).slice(1);
    for (const r of order) {
      const row = layer[r];
      if (row.length < 2) continue;
      for (const v of row) {
        const nb = downward ? up[v] : down[v];
        if (nb.length === 0) { bary[v] = pos[v]; continue; }
        let sum = 0;
        for (const w of nb) sum += pos[w];
        bary[v] = sum / nb.length;
      }
      row.sort((a, b) => bary[a] - bary[b] || pos[a] - pos[b]);
      row.forEach((v, i) => { pos[v] = i; });
    }
  };
  if (rows > 1) {
    let best = crossings();
    let bestLayers = layer.map((row) => row.slice());
    for (let s = 0; s < ORDER_SWEEPS && best > 0; s++) {
      sweep(s % 2 === 0);
      const c = crossings();
      if (c < best) { best = c; bestLayers = layer.map((row) => row.slice()); }
    }
    bestLayers.forEach((row, r) => { layer[r] = row; row.forEach((v, i) => { pos[v] = i; }); });
  }

  // 5. x (centres): packed, then pulled toward neighbours with overlaps resolved by weighted
  // isotonic regression. Edges between slots weigh most (long edges stay straight), then edges
  // touching a slot, then edges between nodes (as in Gansner et al.'s priority of long edges).
  const x = new Float64Array(V);
  const gapAfter = (a: number, b: number): number => (vWidth[a] + vWidth[b]) / 2 + (isSlot(a) || isSlot(b) ? SLOT_GAP : NODE_GAP);
  for (const row of layer) for (let i = 1; i < row.length; i++) x[row[i]] = x[row[i - 1]] + gapAfter(row[i - 1], row[i]);
  const weight = (a: number, b: number): number => (isSlot(a) && isSlot(b) ? 8 : isSlot(a) || isSlot(b) ? 2 : 1);
  let widest = 0;
  for (const row of layer) widest = Math.max(widest, row.length);
  const target = new Float64Array(widest), w = new Float64Array(widest), offset = new Float64Array(widest);
  const bw = new Float64Array(widest), bs = new Float64Array(widest), bn = new Int32Array(widest);
  type Side = readonly [readonly number[][], readonly number[][]];
  const sideUp: Side = [up, upOff], sideDown: Side = [down, downOff];
  const place = (row: number[], sides: readonly Side[]): void => {
    const m = row.length;
    if (m === 1) {
      // A row of one (most rows of a chain): straight under (or over) its neighbours.
      const v = row[0];
      let sw = 0, sx = 0;
      for (const [nb, off] of sides) { const us = nb[v], os = off[v]; for (let j = 0; j < us.length; j++) { const k = weight(us[j], v); sw += k; sx += k * (x[us[j]] + os[j]); } }
      if (sw > 0) x[v] = sx / sw;
      return;
    }
    for (let i = 0; i < m; i++) {
      const v = row[i];
      let sw = 0, sx = 0;
      for (const [nb, off] of sides) { const us = nb[v], os = off[v]; for (let j = 0; j < us.length; j++) { const k = weight(us[j], v); sw += k; sx += k * (x[us[j]] + os[j]); } }
      if (sw === 0) { target[i] = x[v]; w[i] = 0.01; } else { target[i] = sx / sw; w[i] = sw; }
      offset[i] = i > 0 ? offset[i - 1] + gapAfter(row[i - 1], v) : 0;
    }
    // Pool adjacent violators on target - offset (must be non-decreasing).
    let blocks = 0;
    for (let i = 0; i < m; i++) {
      let cw = w[i], cs = w[i] * (target[i] - offset[i]), cn = 1;
      while (blocks > 0 && bs[blocks - 1] / bw[blocks - 1] >= cs / cw) {
        blocks--;
        cw += bw[blocks]; cs += bs[blocks]; cn += bn[blocks];
      }
      bw[blocks] = cw; bs[blocks] = cs; bn[blocks] = cn;
      blocks++;
    }
    let i = 0;
    for (let b = 0; b < blocks; b++) {
      const mean = bs[b] / bw[b];
      for (let k = 0; k < bn[b]; k++, i++) x[row[i]] = mean + offset[i];
    }
  };
  for (let round = 0; round < PLACE_ROUNDS; round++) {
    for (let r = 1; r < rows; r++) place(layer[r], [sideUp]);
    for (let r = rows - 2; r >= 0; r--) place(layer[r], [sideDown]);
  }
  for (let r = 0; r < rows; r++) place(layer[r], [sideUp, sideDown]);

  // 6. y: rows at the height of their tallest item; items centred in their row.
  const rowTop = new Float64Array(rows), rowHeight = new Float64Array(rows);
  for (let v = 0; v < n; v++) rowHeight[rank[v]] = Math.max(rowHeight[rank[v]], sizes[v].height);
  for (let r = 1; r < rows; r++) rowTop[r] = rowTop[r - 1] + rowHeight[r - 1] + ROW_GAP;
  let minX = Infinity, maxX = -Infinity;
  for (let v = 0; v < V; v++) { minX = Math.min(minX, x[v] - vWidth[v] / 2); maxX = Math.max(maxX, x[v] + vWidth[v] / 2); }
  const boxes = sizes.map((s, v) => ({
    x: Math.round(x[v] - s.width / 2 - minX),
    y: Math.round(rowTop[rank[v]] + (rowHeight[rank[v]] - s.height) / 2),
  }));
  const routes = new Map<string, Point[]>();
  for (const { edge, slots } of slotsOf) {
    const a = from(edge), b = to(edge);
    const pts: Point[] = [{ x: boxes[a].x + sizes[a].width / 2, y: boxes[a].y + sizes[a].height }];
    for (const d of slots) {
      const sx = Math.round(x[d] - minX);
      pts.push({ x: sx, y: rowTop[vRank[d]] }, { x: sx, y: rowTop[vRank[d]] + rowHeight[vRank[d]] });
    }
    pts.push({ x: boxes[b].x + sizes[b].width / 2, y: boxes[b].y });
    routes.set(edges[edge].key!, reversed[edge] ? pts.reverse() : pts);
  }
  const height = rows ? rowTop[rows - 1] + rowHeight[rows - 1] : 0;
  return { boxes, routes, width: Math.round(maxX - minX), height };
}
