// The layer palette's contents: every registry layer type, the commonly inserted ones first, the
// rest by category; a search matches the type name and the display name.
import { ALL_LAYER_TYPES, layerEntry, type LayerEntry } from '../../../shared/layers';

/** One-input, one-output layers people insert on an edge most often, in this order. */
export const COMMON_LAYER_TYPES = [
  'permute', 'slice', 'reshape', 'flatten', 'scale', 'bias', 'activation', 'unary', 'multiply', 'add',
  'loadConstant', 'concat', 'split', 'softmax', 'padding', 'upsample', 'custom',
] as const;

const CATEGORY_TITLES: Readonly<Record<LayerEntry['category'], string>> = {
  convolution: 'Convolution',
  activation: 'Activation',
  pooling: 'Pooling',
  normalization: 'Normalization',
  shape: 'Shape',
  data: 'Data',
  control: 'Control flow',
  recurrent: 'Recurrent',
  custom: 'Custom',
  layer: 'Arithmetic and other',
};

const CATEGORY_ORDER: readonly LayerEntry['category'][] = [
  'convolution', 'activation', 'pooling', 'normalization', 'shape', 'layer', 'data', 'recurrent', 'control', 'custom',
];

export interface PaletteItem {
  readonly type: string;
  readonly displayName: string;
  readonly category: LayerEntry['category'];
}

export interface PaletteGroup {
  readonly id: string;
  readonly title: string;
  readonly items: readonly PaletteItem[];
}

const item = (type: string): PaletteItem => {
  const e = layerEntry(type)!;
  return { type, displayName: e.displayName, category: e.category };
};

/** Groups for a search query ('' lists everything: the common group, then each category). */
export function paletteGroups(query: string): PaletteGroup[] {
  const q = query.trim().toLowerCase();
  const hit = (i: PaletteItem): boolean => !q || i.type.toLowerCase().includes(q) || i.displayName.toLowerCase().includes(q);
  const groups: PaletteGroup[] = [];
  const common = COMMON_LAYER_TYPES.map(item).filter(hit);
  if (common.length) groups.push({ id: 'common', title: 'Common', items: common });
  const commonSet = new Set<string>(COMMON_LAYER_TYPES);
  for (const category of CATEGORY_ORDER) {
    const items = ALL_LAYER_TYPES.filter((t) => !commonSet.has(t)).map(item).filter((i) => i.category === category && hit(i))
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
    if (items.length) groups.push({ id: category, title: CATEGORY_TITLES[category], items });
  }
  return groups;
}
