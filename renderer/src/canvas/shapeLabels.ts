// Edge labels for "Show shapes": the inferred shape of the blob each edge carries, looked up in
// the shape result of the model the edge belongs to (a pipeline stage has its own blob names).
// A neural network without N-d tensors maps every blob to rank 5, [Seq, Batch, C, H, W]
// (NeuralNetwork.proto: "the blob is a rank-5 tensor ... Seq, Batch, C, H, W"); the label shows
// it as people think of it, C×H×W, when sequence and batch are 1, and the tooltip the full form.
import type { PathStep } from '../../../shared/format';
import type { ModelGraph } from '../../../shared/graph';
import { formatShape, type Shape, type ShapeResult } from '../../../shared/shapes';

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

export interface ShapeLabel {
  /** On the edge: "3×227×227", "1×3×21", "?". */
  readonly short: string;
  /** In the tooltip: the shape as Core ML holds it, with the axes named for a rank-5 blob. */
  readonly full: string;
}

const RANK5_AXES = 'sequence × batch × channels × height × width';

/** How a blob's shape is shown; `rank5` when the network maps blobs to [Seq, Batch, C, H, W]. */
export function shapeLabel(s: Shape | undefined, rank5: boolean): ShapeLabel {
  if (!s) return { short: '?', full: 'shape not known' };
  const full = formatShape(s);
  const d = s.dims;
  if (!rank5 || !d || d.length !== 5) return { short: full, full };
  const one = (i: number): boolean => d[i].min === 1 && d[i].max === 1;
  const short = one(0) && one(1) ? formatShape({ dims: d.slice(2) }) : full;
  return { short, full: `${full} (${RANK5_AXES})` };
}

/**
 * Labels by shape object, one cache per rank-5 setting. Inference hands on the same Shape object
 * for a layer an edit left alone, so after an edit only new shapes are formatted, and edges whose
 * shape did not change keep the same label object (and so the same React Flow edge).
 */
const labelsOf = { rank5: new WeakMap<Shape, ShapeLabel>(), nd: new WeakMap<Shape, ShapeLabel>() };
const UNKNOWN_LABEL = shapeLabel(undefined, false);

function cachedLabel(s: Shape | undefined, rank5: boolean): ShapeLabel {
  if (!s) return UNKNOWN_LABEL;
  const cache = rank5 ? labelsOf.rank5 : labelsOf.nd;
  let label = cache.get(s);
  if (!label) { label = shapeLabel(s, rank5); cache.set(s, label); }
  return label;
}

/** Graph edge id → its blob's shape label. */
export function edgeShapeLabels(graph: ModelGraph, shapes: ShapeResult): Map<string, ShapeLabel> {
  const out = new Map<string, ShapeLabel>();
  const single = !shapes.models?.length;
  for (const e of graph.edges) {
    const r = single ? shapes : resultFor(shapes, e.path);
    out.set(e.id, cachedLabel(r.blobs.get(e.blob) ?? r.outputs.get(e.blob), r.nd === false));
  }
  return out;
}
