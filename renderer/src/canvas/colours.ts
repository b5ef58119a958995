// Category colours, shared by the node headers (styles.css uses the same values) and the minimap.
import type { CanvasNode } from './nodeTypes';

export const CATEGORY_COLOURS: Readonly<Record<string, string>> = {
  layer: '#4b5d78',
  convolution: '#2f5f9e',
  activation: '#a0442f',
  pooling: '#3d7a45',
  normalization: '#2f7a72',
  shape: '#7a5a48',
  data: '#6b6f76',
  control: '#9a6a12',
  recurrent: '#6a4b9a',
  custom: '#8c8f94',
  model: '#1f6f8b',
  input: '#1f2937',
  output: '#1f2937',
};

export function categoryColour(n: CanvasNode): string {
  const item = n.data.item;
  if (item.kind === 'group') return 'rgba(148, 163, 184, 0.25)';
  return CATEGORY_COLOURS[item.node!.category] ?? CATEGORY_COLOURS.layer;
}
