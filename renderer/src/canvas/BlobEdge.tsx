// An edge that names the blob(s) it carries: a tooltip, and a label shown on hover and while an
// end of the edge is selected (CSS: .blob-edge:hover .blob-label, .blob-edge.adjacent .blob-label).
// With shapes on (toolbar, View > Toggle Shapes) a second label shows each blob's inferred shape.
import { memo } from 'react';
import { BaseEdge, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';

export type BlobEdgeData = {
  blobs: readonly string[];
  /** Inferred shapes, one per blob ("1×3×224×224", "?"), when shapes are shown. */
  shapes?: readonly string[];
};
export type CanvasEdge = Edge<BlobEdgeData, 'blob'>;

const CHAR = 6.2;

export const BlobEdgeView = memo(function BlobEdgeView(props: EdgeProps<CanvasEdge>) {
  const [path, labelX, labelY] = getBezierPath(props);
  const blobs = props.data?.blobs ?? [];
  const text = blobs.length > 2 ? `${blobs.slice(0, 2).join(', ')} +${blobs.length - 2}` : blobs.join(', ');
  const width = Math.min(240, text.length * CHAR + 10);
  const shapes = props.data?.shapes;
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
          <text textAnchor="middle" dominantBaseline="central" data-testid="edge-shape">{shapeText}</text>
        </g>
      )}
      <g className="blob-label" transform={`translate(${labelX}, ${blobY})`} pointerEvents="none">
        <rect x={-width / 2} y={-9} width={width} height={18} rx={4} />
        <text textAnchor="middle" dominantBaseline="central">{text}</text>
      </g>
      <title>{blobs.map((b, i) => (shapes ? `${b}: ${shapes[i] ?? '?'}` : b)).join('\n')}</title>
    </>
  );
});

export const EDGE_TYPES = { blob: BlobEdgeView };
