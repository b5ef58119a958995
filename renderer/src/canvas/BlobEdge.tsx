// An edge that names the blob(s) it carries: a tooltip, and a label shown on hover and while an
// end of the edge is selected (CSS: .blob-edge:hover .blob-label, .blob-edge.adjacent .blob-label).
import { memo } from 'react';
import { BaseEdge, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';

export type BlobEdgeData = { blobs: readonly string[] };
export type CanvasEdge = Edge<BlobEdgeData, 'blob'>;

export const BlobEdgeView = memo(function BlobEdgeView(props: EdgeProps<CanvasEdge>) {
  const [path, labelX, labelY] = getBezierPath(props);
  const blobs = props.data?.blobs ?? [];
  const text = blobs.length > 2 ? `${blobs.slice(0, 2).join(', ')} +${blobs.length - 2}` : blobs.join(', ');
  const width = Math.min(240, text.length * 6.2 + 10);
  return (
    <>
      <BaseEdge id={props.id} path={path} {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})} interactionWidth={12} />
      <g className="blob-label" transform={`translate(${labelX}, ${labelY})`} pointerEvents="none">
        <rect x={-width / 2} y={-9} width={width} height={18} rx={4} />
        <text textAnchor="middle" dominantBaseline="central">{text}</text>
      </g>
      <title>{blobs.join('\n')}</title>
    </>
  );
});

export const EDGE_TYPES = { blob: BlobEdgeView };
