// An edge that names the blob(s) it carries: a tooltip, and a label shown on hover and while an
// end of the edge is selected (CSS: .blob-edge:hover .blob-label, .blob-edge.adjacent .blob-label).
// With shapes on (the default; toolbar, View > Toggle Shapes) a second label shows each blob's
// inferred shape, and the tooltip its full Core ML form.
// An edge that spans several rows follows the route the layout kept free for it, as long as its
// ends are where the layout put them (a dragged node's edges are drawn directly).
import { memo } from 'react';
import { BaseEdge, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import type { Point } from '../layout/types';

export type BlobEdgeData = {
  blobs: readonly string[];
  /** Inferred shapes, one per blob ("3×224×224", "?"), when shapes are shown. */
  shapes?: readonly string[];
  /** The same shapes in full (tooltip). */
  shapeTitles?: readonly string[];
  /** Absolute points from the source's bottom to the target's top, for an edge spanning rows. */
  route?: readonly Point[];
};
export type CanvasEdge = Edge<BlobEdgeData, 'blob'>;

const CHAR = 6.2;
const near = (p: Point, x: number, y: number): boolean => Math.abs(p.x - x) < 3 && Math.abs(p.y - y) < 3;

/** A path through the route: straight where it runs vertically, an S-curve where it changes column. */
export function routePath(points: readonly Point[]): { path: string; labelX: number; labelY: number } {
  let path = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1], b = points[i];
    if (a.x === b.x) path += `L${b.x},${b.y}`;
    else {
      const my = (a.y + b.y) / 2;
      path += `C${a.x},${my} ${b.x},${my} ${b.x},${b.y}`;
    }
  }
  // The label sits halfway along the route's points (on a vertical run for a long edge).
  const k = Math.floor((points.length - 1) / 2);
  const a = points[k], b = points[k + 1] ?? a;
  return { path, labelX: (a.x + b.x) / 2, labelY: (a.y + b.y) / 2 };
}

export const BlobEdgeView = memo(function BlobEdgeView(props: EdgeProps<CanvasEdge>) {
  const route = props.data?.route;
  let path: string, labelX: number, labelY: number;
  if (route && route.length > 1 && near(route[0], props.sourceX, props.sourceY) && near(route[route.length - 1], props.targetX, props.targetY)) {
    ({ path, labelX, labelY } = routePath(route));
  } else {
    [path, labelX, labelY] = getBezierPath(props);
  }
  const blobs = props.data?.blobs ?? [];
  const text = blobs.length > 2 ? `${blobs.slice(0, 2).join(', ')} +${blobs.length - 2}` : blobs.join(', ');
  const width = Math.min(240, text.length * CHAR + 10);
  const shapes = props.data?.shapes;
  const titles = props.data?.shapeTitles ?? shapes;
  const shapeText = shapes ? (shapes.length > 2 ? `${shapes.slice(0, 2).join(', ')} +${shapes.length - 2}` : shapes.join(', ')) : undefined;
  const shapeWidth = shapeText ? Math.min(240, shapeText.length * CHAR + 10) : 0;
  // With a shape label on the edge, the blob name (on hover) sits just above it.
  const blobY = shapeText ? labelY - 19 : labelY;
  return (
    <>
      <BaseEdge id={props.id} path={path} {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})} interactionWidth={14} />
      {shapeText && (
        <g className="shape-label" transform={`translate(${labelX}, ${labelY})`} pointerEvents="none">
          <rect x={-shapeWidth / 2} y={-8} width={shapeWidth} height={16} rx={3} />
          <text textAnchor="middle" dominantBaseline="central" data-testid="edge-shape" data-full={titles?.join(', ')}>{shapeText}</text>
        </g>
      )}
      <g className="blob-label" transform={`translate(${labelX}, ${blobY})`} pointerEvents="none">
        <rect x={-width / 2} y={-9} width={width} height={18} rx={4} />
        <text textAnchor="middle" dominantBaseline="central">{text}</text>
      </g>
      <title>{blobs.map((b, i) => (titles ? `${b}: ${titles[i] ?? '?'}` : b)).join('\n')}</title>
    </>
  );
});

export const EDGE_TYPES = { blob: BlobEdgeView };
