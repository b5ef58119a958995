// Node sizes are fixed before layout (ELK needs them) and the node components render at exactly
// these sizes, so the estimate and the drawing agree by construction rather than by measuring.
import type { GraphGroup, GraphNode } from '../../../shared/graph';

export const NODE = {
  headerHeight: 22,
  lineHeight: 15,
  padding: 6,
  minWidth: 120,
  maxWidth: 260,
  /** Average advance of the node font (11px system sans) per character, generously rounded. */
  charWidth: 6.4,
  maxAttributes: 6,
  maxNotes: 4,
} as const;

export const GROUP = { header: 30, padding: 14, collapsedWidth: 220, collapsedHeight: 52 } as const;

/** The lines a node shows below its header, in order; nodeSize and the component share it. */
export function nodeLines(n: GraphNode): { name?: string; attributes: { name: string; value: string }[]; more: number; notes: string[]; moreNotes: number } {
  const showName = (n.kind === 'layer' || n.kind === 'operation' || n.kind === 'model') && n.label !== '' && n.label !== n.type;
  const attributes = n.attributes.slice(0, NODE.maxAttributes).map((a) => ({ name: a.name, value: a.value }));
  const notes = n.notes.slice(0, NODE.maxNotes);
  return {
    ...(showName ? { name: n.label } : {}),
    attributes,
    more: Math.max(0, n.attributes.length - NODE.maxAttributes),
    notes,
    moreNotes: Math.max(0, n.notes.length - NODE.maxNotes),
  };
}

export function nodeSize(n: GraphNode): { width: number; height: number } {
  const l = nodeLines(n);
  const feature = n.kind === 'input' || n.kind === 'output';
  const texts = [
    feature ? `${n.kind}  ${n.label}` : n.type,
    l.name ?? '',
    ...l.attributes.map((a) => `${a.name} ${a.value}`),
    ...l.notes,
  ];
  const longest = Math.max(...texts.map((t) => t.length));
  const width = Math.round(Math.min(NODE.maxWidth, Math.max(NODE.minWidth, longest * NODE.charWidth + 2 * NODE.padding + 8)));
  let lines = (l.name ? 1 : 0) + l.attributes.length + (l.more ? 1 : 0) + l.notes.length + (l.moreNotes ? 1 : 0);
  if (feature) lines = Math.max(lines, 1);
  const height = NODE.headerHeight + (lines ? lines * NODE.lineHeight + NODE.padding : 0);
  return { width, height };
}

export function groupSize(g: GraphGroup, collapsed: boolean): { width: number; height: number } {
  if (collapsed) return { width: Math.round(Math.max(GROUP.collapsedWidth, Math.min(380, g.label.length * 7.5 + 130))), height: GROUP.collapsedHeight };
  return { width: 0, height: 0 };
}
