// Edge labels for "Show shapes": the inferred shape of the blob each edge carries, looked up in
// the shape result of the model the edge belongs to (a pipeline stage has its own blob names).
import type { PathStep } from '../../../shared/format/walk';
import type { ModelGraph } from '../../../shared/graph/types';
import { formatShape, type ShapeResult } from '../../../shared/shapes';

const startsWith = (p: readonly PathStep[], prefix: readonly PathStep[]): boolean =>
  prefix.length <= p.length && prefix.every((s, i) => p[i] === s);

/** The innermost shape result whose model contains `path`. */
function resultFor(root: ShapeResult, path: readonly PathStep[]): ShapeResult {
  let cur = root;
  for (;;) {
    const next = cur.models?.find((m) => startsWith(path, m.path));
    if (!next) return cur;
    cur = next;
  }
}

/** Graph edge id → "1×3×224×224" (or "?" where inference does not know). */
export function edgeShapeLabels(graph: ModelGraph, shapes: ShapeResult): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of graph.edges) {
    const r = resultFor(shapes, e.path);
    const s = r.blobs.get(e.blob) ?? r.outputs.get(e.blob);
    out.set(e.id, s ? formatShape(s) : '?');
  }
  return out;
}
