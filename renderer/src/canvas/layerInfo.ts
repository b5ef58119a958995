// How a node names itself on the canvas and in the inspector, from the layer registry.
import type { GraphNode } from '../../../shared/graph';
import { layerEntry } from '../../../shared/layers';

export function displayType(n: GraphNode): string {
  if (n.kind === 'layer') return layerEntry(n.type)?.displayName ?? n.type;
  if (n.kind === 'input') return 'Input';
  if (n.kind === 'output') return 'Output';
  return n.type;
}

export function categoryLabel(n: GraphNode): string {
  if (n.kind === 'layer') return n.category;
  if (n.kind === 'operation') return `MIL · ${n.category}`;
  return n.kind;
}
