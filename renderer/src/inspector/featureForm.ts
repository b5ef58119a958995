// The feature editor's text formats: a shape "1, 3, 224, 224", ranges "1..1, 3..3, 224..∞"
// (∞ or -1: unbounded), enumerated shapes "1,3,224,224; 1,3,448,448". Pure, checked in unit tests;
// the rules on the values themselves (positive sizes, defaults inside ranges) are the surgery
// operation's, which says what is wrong in the user's terms.
import { ArrayFeatureType_ArrayDataType, ImageFeatureType_ColorSpace, type FeatureDescription } from '../../../shared/format';
import type { Range } from '../../../shared/surgery';

export type ParseResult<T> = { readonly value: T } | { readonly error: string };

function parseInt(text: string, what: string): ParseResult<number> {
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) return { error: `${what}: "${t}" is not a whole number` };
  return { value: Number(t) };
}

export function parseShape(text: string, what = 'shape'): ParseResult<number[]> {
  const parts = text.split(/[,×x\s]+/).filter((p) => p !== '');
  if (parts.length === 0) return { error: `${what} is empty` };
  const out: number[] = [];
  for (const p of parts) {
    const r = parseInt(p, what);
    if ('error' in r) return r;
    out.push(r.value);
  }
  return { value: out };
}

export function parseRange(text: string, what: string): ParseResult<Range> {
  const m = /^\s*(\d+)\s*\.\.\s*(-1|\d+|∞|inf)\s*$/i.exec(text);
  if (!m) return { error: `${what}: write a range as lower..upper ("224..448", "1..∞"), got "${text.trim()}"` };
  const upper = /^(∞|inf)$/i.test(m[2]) ? -1 : Number(m[2]);
  return { value: { lower: Number(m[1]), upper } };
}

export function parseRanges(text: string): ParseResult<Range[]> {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) return { error: 'give one range per dimension' };
  const out: Range[] = [];
  for (const [i, p] of parts.entries()) {
    const r = parseRange(p, `dimension ${i}`);
    if ('error' in r) return r;
    out.push(r.value);
  }
  return { value: out };
}

export function parseEnumeratedShapes(text: string): ParseResult<number[][]> {
  const parts = text.split(/[;\n]/).map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) return { error: 'give at least one shape' };
  const out: number[][] = [];
  for (const [i, p] of parts.entries()) {
    const r = parseShape(p, `shape ${i + 1}`);
    if ('error' in r) return r;
    out.push(r.value);
  }
  return { value: out };
}

export const formatRange = (r: { lowerBound?: number | bigint; upperBound?: number | bigint }): string => {
  const upper = Number(r.upperBound ?? 0);
  return `${Number(r.lowerBound ?? 0)}..${upper < 0 ? '∞' : upper}`;
};

/** The editor's starting values for a feature. */
export interface FeatureForm {
  readonly kind: 'multiArray' | 'image' | 'other';
  readonly shape: string;
  readonly dataType: string;
  readonly flexibility: 'none' | 'ranges' | 'enumerated';
  readonly ranges: string;
  readonly enumerated: string;
  readonly width: string;
  readonly height: string;
  readonly colorSpace: string;
  readonly sizeRange: boolean;
  readonly widthRange: string;
  readonly heightRange: string;
  readonly optional: boolean;
  readonly description: string;
}

export function featureForm(f: FeatureDescription, names: { dataType: (v: number) => string; colorSpace: (v: number) => string }): FeatureForm {
  const a = f.type?.multiArrayType;
  const img = f.type?.imageType;
  const ranges = a?.shapeRange?.sizeRanges ?? [];
  const enumerated = a?.enumeratedShapes?.shapes ?? [];
  return {
    kind: a ? 'multiArray' : img ? 'image' : 'other',
    shape: (a?.shape ?? []).map(Number).join(', '),
    dataType: names.dataType(Number(a?.dataType ?? ArrayFeatureType_ArrayDataType.FLOAT32)),
    flexibility: ranges.length ? 'ranges' : enumerated.length ? 'enumerated' : 'none',
    ranges: ranges.map(formatRange).join(', '),
    enumerated: enumerated.map((s) => (s.shape ?? []).map(Number).join(',')).join('; '),
    width: String(Number(img?.width ?? 0) || ''),
    height: String(Number(img?.height ?? 0) || ''),
    colorSpace: names.colorSpace(Number(img?.colorSpace ?? ImageFeatureType_ColorSpace.RGB)),
    sizeRange: !!img?.imageSizeRange,
    widthRange: img?.imageSizeRange?.widthRange ? formatRange(img.imageSizeRange.widthRange) : '',
    heightRange: img?.imageSizeRange?.heightRange ? formatRange(img.imageSizeRange.heightRange) : '',
    optional: !!f.type?.isOptional,
    description: f.shortDescription ?? '',
  };
}
