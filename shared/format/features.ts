// Plain descriptions of feature types, for the CLI, the model panel and tests.
import { enumValueName } from './protobuf/codec';
import type { ArrayFeatureType, FeatureDescription, FeatureType, ImageFeatureType, SizeRange } from './schema/types.generated';

export type FeatureKind = 'multiArray' | 'image' | 'double' | 'int64' | 'string' | 'dictionary' | 'sequence' | 'state' | 'invalid';

export interface RangeInfo { readonly lower: number; readonly upper: number }

export interface FeatureTypeInfo {
  readonly kind: FeatureKind;
  readonly optional: boolean;
  readonly shape?: readonly number[];
  readonly dataType?: string;
  readonly width?: number;
  readonly height?: number;
  readonly colorSpace?: string;
  /** multiArray: per-dimension ranges (upper -1 = unbounded). image: width and height ranges. */
  readonly shapeRange?: readonly RangeInfo[];
  readonly enumeratedShapes?: readonly (readonly number[])[];
  readonly widthRange?: RangeInfo;
  readonly heightRange?: RangeInfo;
  readonly enumeratedSizes?: readonly { width: number; height: number }[];
  readonly keyType?: 'int64' | 'string';
  readonly elementType?: 'int64' | 'string';
  readonly sizeRange?: RangeInfo;
  readonly defaultValue?: number;
  readonly state?: FeatureTypeInfo;
}

export interface FeatureInfo {
  readonly name: string;
  readonly shortDescription: string;
  readonly type: FeatureTypeInfo;
}

const range = (r: SizeRange | undefined): RangeInfo => ({ lower: Number(r?.lowerBound ?? 0), upper: Number(r?.upperBound ?? 0) });

function arrayInfo(a: ArrayFeatureType, optional: boolean): FeatureTypeInfo {
  return {
    kind: 'multiArray',
    optional,
    shape: (a.shape ?? []).map(Number),
    dataType: enumValueName('CoreML.Specification.ArrayFeatureType.ArrayDataType', a.dataType ?? 0) ?? `type ${a.dataType}`,
    ...(a.shapeRange ? { shapeRange: (a.shapeRange.sizeRanges ?? []).map(range) } : {}),
    ...(a.enumeratedShapes ? { enumeratedShapes: (a.enumeratedShapes.shapes ?? []).map((s) => (s.shape ?? []).map(Number)) } : {}),
    ...(a.intDefaultValue !== undefined ? { defaultValue: a.intDefaultValue } : {}),
    ...(a.floatDefaultValue !== undefined ? { defaultValue: a.floatDefaultValue } : {}),
    ...(a.doubleDefaultValue !== undefined ? { defaultValue: a.doubleDefaultValue } : {}),
  };
}

function imageInfo(i: ImageFeatureType, optional: boolean): FeatureTypeInfo {
  return {
    kind: 'image',
    optional,
    width: Number(i.width ?? 0),
    height: Number(i.height ?? 0),
    colorSpace: enumValueName('CoreML.Specification.ImageFeatureType.ColorSpace', i.colorSpace ?? 0) ?? `colorSpace ${i.colorSpace}`,
    ...(i.imageSizeRange ? { widthRange: range(i.imageSizeRange.widthRange), heightRange: range(i.imageSizeRange.heightRange) } : {}),
    ...(i.enumeratedSizes ? { enumeratedSizes: (i.enumeratedSizes.sizes ?? []).map((s) => ({ width: Number(s.width ?? 0), height: Number(s.height ?? 0) })) } : {}),
  };
}

export function featureTypeInfo(t: FeatureType | undefined): FeatureTypeInfo {
  const optional = !!t?.isOptional;
  if (!t) return { kind: 'invalid', optional };
  if (t.multiArrayType) return arrayInfo(t.multiArrayType, optional);
  if (t.imageType) return imageInfo(t.imageType, optional);
  if (t.doubleType) return { kind: 'double', optional };
  if (t.int64Type) return { kind: 'int64', optional };
  if (t.stringType) return { kind: 'string', optional };
  if (t.dictionaryType) return { kind: 'dictionary', optional, keyType: t.dictionaryType.stringKeyType ? 'string' : 'int64' };
  if (t.sequenceType) {
    const s = t.sequenceType;
    return { kind: 'sequence', optional, elementType: s.stringType ? 'string' : 'int64', ...(s.sizeRange ? { sizeRange: range(s.sizeRange) } : {}) };
  }
  if (t.stateType) {
    return { kind: 'state', optional, ...(t.stateType.arrayType ? { state: arrayInfo(t.stateType.arrayType, false) } : {}) };
  }
  return { kind: 'invalid', optional };
}

export function featureInfo(f: FeatureDescription): FeatureInfo {
  return { name: f.name ?? '', shortDescription: f.shortDescription ?? '', type: featureTypeInfo(f.type) };
}

const fmtRange = (r: RangeInfo): string => `${r.lower}..${r.upper < 0 ? '∞' : r.upper}`;

/** One line for people: "image 224×224 RGB (sizes 224..∞ × 224..∞)", "multiArray FLOAT32 [3, 224, 224]". */
export function describeFeatureType(t: FeatureTypeInfo): string {
  const opt = t.optional ? ' (optional)' : '';
  switch (t.kind) {
    case 'multiArray': {
      let s = `multiArray ${t.dataType} [${(t.shape ?? []).join(', ')}]`;
      if (t.shapeRange) s += ` ranges [${t.shapeRange.map(fmtRange).join(', ')}]`;
      if (t.enumeratedShapes) s += ` shapes {${t.enumeratedShapes.map((x) => `[${x.join(', ')}]`).join(' ')}}`;
      return s + opt;
    }
    case 'image': {
      let s = `image ${t.width}×${t.height} ${t.colorSpace}`;
      if (t.widthRange && t.heightRange) s += ` (sizes ${fmtRange(t.widthRange)} × ${fmtRange(t.heightRange)})`;
      if (t.enumeratedSizes) s += ` (sizes ${t.enumeratedSizes.map((x) => `${x.width}×${x.height}`).join(', ')})`;
      return s + opt;
    }
    case 'dictionary': return `dictionary<${t.keyType}, double>${opt}`;
    case 'sequence': return `sequence<${t.elementType}>${t.sizeRange ? ` length ${fmtRange(t.sizeRange)}` : ''}${opt}`;
    case 'state': return `state ${t.state ? describeFeatureType(t.state) : ''}`;
    default: return t.kind + opt;
  }
}
