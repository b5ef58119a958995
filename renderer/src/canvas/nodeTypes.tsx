// The canvas's node components, Netron-like: a header coloured by category with the type, then
// the name, key attributes and notes. Sizes come from nodeSize.ts so layout and drawing agree.
import { createContext, memo, useContext, useEffect, useRef, type ReactNode } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { GraphNode } from '../../../shared/graph';
import type { Diagnostic } from '../../../shared/validate';
import { worstSeverity } from '../document/diagnosticIndex';
import { renameNode } from '../editing';
import type { ModelDocument } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';
import { displayType } from './layerInfo';
import { nodeLines } from './nodeSize';
import type { ViewItem } from './viewGraph';

/**
 * The document revision whose layout is on screen. Badges read their findings from it rather
 * than from the newest revision: until an edit's layout lands, node ids on screen are those of
 * the revision laid out (inserting a layer shifts the ids of the layers after it).
 */
export const LaidDocumentContext = createContext<ModelDocument | null>(null);

function useFindings(id: string): readonly Diagnostic[] | undefined {
  return useContext(LaidDocumentContext)?.diagnosticIndex.byElement.get(id);
}

/** A count of errors (red) or warnings (amber) with the messages as a tooltip. */
export function FindingsBadge(props: { list: readonly Diagnostic[] | undefined }) {
  const list = props.list;
  const worst = list ? worstSeverity(list) : undefined;
  if (!list || !worst) return null;
  const shown = list.filter((d) => d.severity === worst);
  const title = list.map((d) => `${d.severity === 'error' ? '✕' : d.severity === 'warning' ? '⚠' : 'ℹ'} ${d.message}`).join('\n');
  return <span className={`node-badge ${worst}`} data-testid="node-badge" data-severity={worst} data-count={list.length} title={title}>{shown.length}</span>;
}

/** The in-place name editor (double-click or F2): Enter or leaving the field renames, Escape cancels. */
function RenameInput(props: { node: GraphNode }) {
  const ref = useRef<HTMLInputElement>(null);
  const done = useRef(false);
  useEffect(() => { ref.current?.focus(); ref.current?.select(); }, []);
  const finish = (commit: boolean): void => {
    if (done.current) return;
    done.current = true;
    // Focus leaves the field before React removes it: removing the focused element makes the
    // browser work out the page's styles again on the spot, in the middle of the edit's commit.
    if (document.activeElement === ref.current) ref.current?.blur();
    useViewStore.getState().setRenaming(null);
    const value = ref.current?.value ?? '';
    if (commit && value !== props.node.label) renameNode(props.node.id, value);
  };
  return (
    <input
      ref={ref}
      className="rename-input nodrag nopan"
      data-testid="rename-input"
      defaultValue={props.node.label}
      aria-label={`New name for ${props.node.label}`}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter') { e.preventDefault(); finish(true); } else if (e.key === 'Escape') { e.preventDefault(); finish(false); }
      }}
      onBlur={() => finish(true)}
      onMouseDown={(e) => e.stopPropagation()}
      onDoubleClick={(e) => e.stopPropagation()}
    />
  );
}

export type GraphNodeData = { item: ViewItem };
export type CanvasNode = Node<GraphNodeData, 'graph'> | Node<GraphNodeData, 'group'>;

/**
 * The lines under a node's header (nodeLines). A feature's "type" attribute shows only its value
 * (the type in words), with the value alone as the tooltip.
 */
function Body(props: { node: GraphNode; feature: boolean; rename?: ReactNode }) {
  const l = nodeLines(props.node);
  return (
    <div className="node-body">
      {l.name !== undefined && (props.rename ? <div className="node-name editing">{props.rename}</div> : <div className="node-name" title={l.name}>{l.name}</div>)}
      {l.attributes.map((a) => (
        <div key={a.name} className="node-attr" title={props.feature ? a.value : `${a.name} ${a.value}`}>
          {props.feature && a.name === 'type' ? a.value : <><span className="attr-name">{a.name}</span> <span className="attr-value">{a.value}</span></>}
        </div>
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
  const findings = useFindings(n.id);
  const renaming = useViewStore((s) => s.renaming === n.id);
  const rename = renaming ? <RenameInput node={n} /> : undefined;
  // A layer without a name line (its name is its type) is renamed in the header.
  const renameInHeader = !!rename && (feature || nodeLines(n).name === undefined);
  return (
    <div
      className={`graph-node kind-${n.kind} cat-${n.category}${props.selected ? ' selected' : ''}${findings ? ` has-${worstSeverity(findings)}` : ''}`}
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
        {feature && <span className="feature-tag">{n.kind}</span>}
        {renameInHeader ? rename : <span className="node-title" data-testid="node-title">{feature ? n.label : displayType(n)}</span>}
        <FindingsBadge list={findings} />
      </div>
      <Body node={n} feature={feature} {...(rename && !renameInHeader ? { rename } : {})} />
      {/* Dragging the producer end of an edge onto a node rewires to that node's output: source
          handles accept the end of a reconnection but never start a new connection. */}
      <Handle type="source" position={Position.Bottom} isConnectable isConnectableStart={false} isConnectableEnd={n.kind !== 'output'} />
    </div>
  );
});

export const GroupNodeView = memo(function GroupNodeView(props: NodeProps<Node<GraphNodeData, 'group'>>) {
  const { item } = props.data;
  const g = item.group!;
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
          onClick={(e) => { e.stopPropagation(); const view = useViewStore.getState(); view.toggleCollapsed(g.id); view.requestCenter(g.id); }}
        >
          {item.collapsed ? '▸' : '▾'}
        </button>
        <span className="group-kind">{groupKindLabel(g.kind)}</span>
        <span className="group-label" title={g.label}>{g.label}</span>
        <GroupFindings id={g.id} />
        <span className="group-count">{item.contains}</span>
      </div>
      {item.collapsed && <Handle type="source" position={Position.Bottom} isConnectable={false} />}
    </div>
  );
});

function GroupFindings(props: { id: string }) {
  return <FindingsBadge list={useFindings(props.id)} />;
}

function groupKindLabel(kind: string): string {
  switch (kind) {
    case 'pipelineModel': return 'model';
    default: return kind;
  }
}

export const NODE_TYPES = { graph: GraphNodeView, group: GroupNodeView };
