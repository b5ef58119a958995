// History labels written as a person would say them ("Rename input image__0 → image", "Set
// Permute perm1 axis 0,3,2,1", "Delete layer conv5 (convolution)"): names from the document the
// operation applies to, never spec paths or bare indices.
import type { FeatureDescription, Model, NeuralNetworkLayer, PathStep } from '../format';
import { layerEntry, layerTypeOf } from '../layers';
import type { SetFeatureTypeArgs } from './features';
import type { SetMetadataArgs } from './metadata';
import { NETWORK_KEYS } from './network';
import type { SetPreprocessingArgs } from './preprocessing';
import { getIn } from './tree';

const isLayer = (v: unknown): v is NeuralNetworkLayer => !!v && typeof v === 'object' && layerTypeOf(v) !== undefined;

/** "input image", "output scores", or the bare name when it is neither. */
export function featureLabel(spec: Model | undefined, name: string): string {
  const d = spec?.description;
  if (d?.input?.some((f) => f.name === name)) return `input ${name}`;
  if (d?.output?.some((f) => f.name === name)) return `output ${name}`;
  return name;
}

/** "conv5 (convolution)" for the layer at `index` of the network of the model at `modelPath`. */
export function layerAt(spec: Model | undefined, modelPath: readonly PathStep[] | undefined, index: number): NeuralNetworkLayer | undefined {
  const model = spec ? (getIn(spec, modelPath ?? []) as Model | undefined) : undefined;
  const key = model ? NETWORK_KEYS.find((k) => model[k] !== undefined) : undefined;
  return key ? model![key]!.layers?.[index] : undefined;
}

export function layerLabel(layer: NeuralNetworkLayer | undefined, fallback: string): string {
  if (!layer) return fallback;
  const type = layerTypeOf(layer);
  return `${layer.name || 'unnamed layer'}${type ? ` (${type})` : ''}`;
}

function formatValue(v: unknown): string | undefined {
  if (typeof v === 'string') return `"${v}"`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const a = Array.from(v as ArrayLike<unknown>);
    if (a.length <= 8 && a.every((x) => typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string')) return a.join(',');
    return `${a.length} values`;
  }
  return undefined;
}

/** "Permute perm1 axis", "input image width", "preprocessing of image scaler channelScale". */
export function fieldLabel(spec: Model | undefined, path: readonly PathStep[]): string {
  let subject = '';
  let field: string[] = [];
  let node: unknown = spec;
  const child = (n: unknown, step: PathStep): unknown => (n instanceof Map ? n.get(step) : (n as Record<string | number, unknown> | undefined)?.[step as string]);
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    const prev = path[i - 1];
    const next = path[i + 1];
    node = child(node, step);
    if (typeof step === 'number' && prev === 'layers' && isLayer(node)) {
      const type = layerTypeOf(node)!;
      subject = `${layerEntry(type)?.displayName ?? type} ${node.name || 'unnamed layer'}`;
      field = [];
      // The parameters message is named after the type, which the subject already says.
      if (next === type) { i++; node = child(node, type); }
      continue;
    }
    if (typeof step === 'number' && (prev === 'input' || prev === 'output') && path[i - 2] === 'description') {
      subject = `${prev} ${(node as FeatureDescription | undefined)?.name ?? ''}`.trim();
      field = [];
      if (next === 'type') {
        i++; node = child(node, 'type');
        const kind = path[i + 1];
        if (typeof kind === 'string' && kind.endsWith('Type')) { i++; node = child(node, kind); }
      }
      continue;
    }
    if (typeof step === 'number' && prev === 'preprocessing') {
      subject = `preprocessing of ${(node as { featureName?: string } | undefined)?.featureName || 'the image'}`;
      field = [];
      continue;
    }
    if (step === 'metadata' && prev === 'description') { subject = 'metadata'; field = []; continue; }
    // Steps that only lead to the subject named next.
    if (typeof next === 'number' && (step === 'layers' || step === 'preprocessing' || ((step === 'input' || step === 'output') && prev === 'description'))) continue;
    if (step === 'description' || (NETWORK_KEYS as readonly PathStep[]).includes(step)) continue;
    field.push(typeof step === 'number' ? `[${step}]` : String(step));
  }
  const f = field.join(' ').replace(/ \[/g, '[');
  return [subject, f].filter(Boolean).join(' ') || 'the model';
}

export function editFieldLabel(spec: Model | undefined, path: readonly PathStep[], value: unknown): string {
  const where = fieldLabel(spec, path);
  if (value === undefined) return `Clear ${where}`;
  const v = formatValue(value);
  return v === undefined ? `Edit ${where}` : `Set ${where} ${v}`;
}

export function setFeatureTypeLabel(spec: Model | undefined, a: SetFeatureTypeArgs): string {
  const parts: string[] = [];
  if (a.kind) parts.push(`as ${a.kind === 'image' ? 'an image' : 'a multiArray'}`);
  if (a.shape) parts.push(`shape ${a.shape.join('×')}`);
  if (a.dataType) parts.push(`type ${a.dataType}`);
  if (a.width !== undefined || a.height !== undefined) parts.push(`size ${a.width ?? '?'}×${a.height ?? '?'}`);
  if (a.colorSpace) parts.push(`colour space ${a.colorSpace}`);
  if (a.shapeRange !== undefined) parts.push(a.shapeRange ? 'flexible shape ranges' : 'no shape ranges');
  if (a.enumeratedShapes !== undefined) parts.push(a.enumeratedShapes ? `${a.enumeratedShapes.length} enumerated shapes` : 'no enumerated shapes');
  if (a.imageSizeRange !== undefined) parts.push(a.imageSizeRange ? 'a flexible size range' : 'no size range');
  if (a.optional !== undefined) parts.push(a.optional ? 'optional' : 'required');
  const who = featureLabel(spec, a.name);
  if (!parts.length) return a.shortDescription !== undefined ? `Describe ${who}` : `Edit ${who}`;
  return `Set ${who} ${parts.join(', ')}${a.shortDescription !== undefined ? ' and its description' : ''}`;
}

export function setMetadataLabel(a: SetMetadataArgs): string {
  const parts: string[] = [];
  for (const k of ['author', 'license', 'versionString', 'shortDescription'] as const) {
    if (a[k] !== undefined) parts.push({ author: 'author', license: 'license', versionString: 'version', shortDescription: 'description' }[k]);
  }
  const set = Object.keys(a.set ?? {});
  if (set.length) parts.push(`metadata ${set.join(', ')}`);
  const removed = a.remove ?? [];
  if (!parts.length && removed.length) return `Remove metadata ${removed.join(', ')}`;
  const label = parts.length ? `Set ${parts.join(', ')}` : 'Edit metadata';
  return removed.length ? `${label}; remove metadata ${removed.join(', ')}` : label;
}

export function setPreprocessingLabel(a: SetPreprocessingArgs): string {
  if (a.remove) return `Remove preprocessing of ${a.input}`;
  const parts: string[] = [];
  if (a.preset) parts.push(`preset ${a.preset}`);
  if (a.scale !== undefined) parts.push(`scale ${a.scale}`);
  if (a.bias) parts.push(`bias ${a.bias.join(',')}`);
  if (a.std) parts.push(`std ${a.std.join(',')}`);
  if (a.colorSpace) parts.push(a.colorSpace);
  if (a.meanImage) parts.push('mean image');
  return `Set preprocessing of ${a.input}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

const KIND_NAMES: Readonly<Record<string, string>> = { neuralNetwork: 'a neural network', neuralNetworkClassifier: 'a classifier', neuralNetworkRegressor: 'a regressor' };
export const modelKindLabel = (to: string): string => `Convert to ${KIND_NAMES[to] ?? to}`;
