// Which canvas edge a palette layer is dropped on: the edge under the pointer (React Flow gives
// each edge a wide transparent hit path), else the nearest drawn edge within a few pixels, so a
// drop does not have to land on a 1-pixel line.
export const PALETTE_MIME = 'application/x-mlsurgeon-layer';

/** How far from an edge (in screen pixels) a drop still counts as on it. */
const TOLERANCE = 18;

export function edgeAtPoint(container: HTMLElement, x: number, y: number): string | null {
  for (const el of document.elementsFromPoint(x, y)) {
    if (!container.contains(el)) continue;
    if (el.closest('.react-flow__node')) return null; // over a node, not an edge
    const edge = el.closest('.react-flow__edge');
    if (edge) return edge.getAttribute('data-id');
  }
  let best: string | null = null;
  let bestDistance = TOLERANCE;
  for (const edge of container.querySelectorAll<SVGGElement>('.react-flow__edge')) {
    const path = edge.querySelector<SVGPathElement>('path.react-flow__edge-path');
    if (!path) continue;
    const box = path.getBoundingClientRect();
    if (x < box.left - bestDistance || x > box.right + bestDistance || y < box.top - bestDistance || y > box.bottom + bestDistance) continue;
    const d = distanceToPath(path, x, y);
    if (d < bestDistance) { bestDistance = d; best = edge.getAttribute('data-id'); }
  }
  return best;
}

/** Screen distance from (x, y) to a path, by sampling it every few screen pixels. */
function distanceToPath(path: SVGPathElement, x: number, y: number): number {
  const ctm = path.getScreenCTM();
  if (!ctm) return Infinity;
  const length = path.getTotalLength();
  const scale = Math.hypot(ctm.a, ctm.b) || 1;
  const steps = Math.min(400, Math.max(8, Math.ceil((length * scale) / 4)));
  let best = Infinity;
  for (let i = 0; i <= steps; i++) {
    const p = path.getPointAtLength((length * i) / steps).matrixTransform(ctm);
    best = Math.min(best, Math.hypot(p.x - x, p.y - y));
  }
  return best;
}
