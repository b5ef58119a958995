// The canvas's node components, Netron-like: a header coloured by category with the type, then
// the name, key attributes and notes. Sizes come from nodeSize.ts so layout and drawing agree.
import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { GraphNode } from '../../../shared/graph/types';
import { useViewStore } from '../store/viewStore';
import { displayType } from './layerInfo';
import { nodeLines } from './nodeSize';
import type { ViewItem } from './viewGraph';

export type GraphNodeData = { item: ViewItem };
export type CanvasNode = Node<GraphNodeData, 'graph'> | Node<GraphNodeData, 'group'>;

function Body(props: { node: GraphNode }) {
  const l = nodeLines(props.node);
  return (
    <div className="node-body">
      {l.name !== undefined && <div className="node-name" title={l.name}>{l.name}</div>}
      {l.attributes.map((a) => (
        <div key={a.name} className="node-attr" title={`${a.name} ${a.value}`}><span className="attr-name">{a.name}</span> <span className="attr-value">{a.value}</span></div>
      ))}
      {l.more > 0 && <div className="node-more">+{l.more} more</div>}
      {l.notes.map((t, i) => <div key={`n${i}`} className="node-note" title={t}>{t}</div>)}
      {l.moreNotes > 0 && <div className="node-more">+{l.moreNotes} more</div>}
    </div>
  );
}

export const GraphNodeView = memo(function GraphNodeView(props: NodeProps<Node<GraphNodeData, 'graph'>>) {
  const { item } = props.data;
  const n = item.node!;
  const feature = n.kind === 'input' || n.kind === 'output';
  return (
    <div
      className={`graph-node kind-${n.kind} cat-${n.category}${props.selected ? ' selected' : ''}`}
      style={{ width: item.width, height: item.height }}
      data-testid="graph-node"
      data-node-id={n.id}
      data-kind={n.kind}
      data-type={n.type}
      data-label={n.label}
      title={`${displayType(n)} ${n.label}`}
    >
      {/* Both handles on every node: inside a pipeline, a stage's input and output features are
          connected on both sides (the previous stage feeds the input, the output feeds the next). */}
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="node-header">
        {feature ? <><span className="feature-tag">{n.kind}</span><span className="node-title">{n.label}</span></> : <span className="node-title">{displayType(n)}</span>}
      </div>
      {feature ? <FeatureBody node={n} /> : <Body node={n} />}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});

/** A feature node's body: its type in words (the "type" attribute's value) and its notes. */
function FeatureBody(props: { node: GraphNode }) {
  const l = nodeLines(props.node);
  return (
    <div className="node-body">
      {l.attributes.map((a) => <div key={a.name} className="node-attr" title={a.value}>{a.name === 'type' ? a.value : <><span className="attr-name">{a.name}</span> <span className="attr-value">{a.value}</span></>}</div>)}
      {l.notes.map((t, i) => <div key={`n${i}`} className="node-note" title={t}>{t}</div>)}
      {l.moreNotes > 0 && <div className="node-more">+{l.moreNotes} more</div>}
    </div>
  );
}

export const GroupNodeView = memo(function GroupNodeView(props: NodeProps<Node<GraphNodeData, 'group'>>) {
  const { item } = props.data;
  const g = item.group!;
  const toggle = useViewStore((s) => s.toggleCollapsed);
  const requestCenter = useViewStore((s) => s.requestCenter);
  return (
    <div
      className={`graph-group group-${g.kind}${item.collapsed ? ' collapsed' : ''}${props.selected ? ' selected' : ''}`}
      data-testid="graph-group"
      data-group-id={g.id}
      data-collapsed={item.collapsed ? 'true' : 'false'}
    >
      {item.collapsed && <Handle type="target" position={Position.Top} isConnectable={false} />}
      <div className="group-header">
        <button
          type="button"
          className="group-toggle nodrag"
          data-testid="group-toggle"
          aria-label={item.collapsed ? `Expand ${g.label}` : `Collapse ${g.label}`}
          onClick={(e) => { e.stopPropagation(); toggle(g.id); requestCenter(g.id); }}
        >
          {item.collapsed ? '▸' : '▾'}
        </button>
        <span className="group-kind">{groupKindLabel(g.kind)}</span>
        <span className="group-label" title={g.label}>{g.label}</span>
        <span className="group-count">{item.contains}</span>
      </div>
      {item.collapsed && <Handle type="source" position={Position.Bottom} isConnectable={false} />}
    </div>
  );
});

function groupKindLabel(kind: string): string {
  switch (kind) {
    case 'pipelineModel': return 'model';
    default: return kind;
  }
}

export const NODE_TYPES = { graph: GraphNodeView, group: GroupNodeView };
