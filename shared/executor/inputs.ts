// The size a model input takes when nothing else says (random or constant inputs, a resized
// picture), shared by `mlsurgeon run`/`compare` and the app's Run panel so both give a model the
// same inputs; and whether two models can be given the same inputs (Compare).
import type { FeatureDescription, Model } from '../format';

/**
 * An array input's shape: the declared `shape` (FeatureTypes.proto: the default shape when the
 * shape is flexible), else the first enumerated shape, else each range's lower bound (at least 1).
 * Undefined when the input declares none of them.
 */
export function defaultArrayShape(d: FeatureDescription): number[] | undefined {
  const t = d.type?.multiArrayType;
  if (!t) return undefined;
  if (t.shape?.length) return t.shape.map(Number);
  const enumerated = t.enumeratedShapes?.shapes?.[0]?.shape;
  if (enumerated?.length) return enumerated.map(Number);
  const ranges = t.shapeRange?.sizeRanges;
  if (ranges?.length) return ranges.map((r) => Math.max(1, Number(r.lowerBound ?? 1)));
  return undefined;
}

/** An image input's [width, height]: the declared size, else the first enumerated size, else the ranges' lower bounds. */
export function defaultImageSize(d: FeatureDescription): [number, number] | undefined {
  const t = d.type?.imageType;
  if (!t) return undefined;
  let w = Number(t.width ?? 0), h = Number(t.height ?? 0);
  if (!(w > 0 && h > 0)) {
    const e = t.enumeratedSizes?.sizes?.[0];
    const r = t.imageSizeRange;
    w = Number(e?.width ?? r?.widthRange?.lowerBound ?? 0);
    h = Number(e?.height ?? r?.heightRange?.lowerBound ?? 0);
  }
  return w > 0 && h > 0 ? [w, h] : undefined;
}

/** What an input is fed with, for matching two models' inputs. */
function inputForm(d: FeatureDescription): string {
  const t = d.type ?? {};
  if (t.imageType) {
    const size = defaultImageSize(d);
    return size ? `an image of ${size[0]}×${size[1]}` : 'an image of no declared size';
  }
  if (t.multiArrayType) {
    const shape = defaultArrayShape(d);
    return shape ? `an array of shape (${shape.join(', ')})` : 'an array of no declared shape';
  }
  if (t.doubleType || t.int64Type) return 'a number';
  if (t.stringType) return 'a string';
  if (t.dictionaryType) return 'a dictionary';
  if (t.sequenceType) return 'a sequence';
  return 'of no declared type';
}

/**
 * Why the inputs made for model `a` cannot be given to model `b` as they are (Compare runs both on
 * the same inputs, matched by name), one reason per input; empty when they can. Colour spaces and
 * element types may differ (the same pixels or numbers reach both models; that difference is what
 * is compared), sizes, shapes and names may not. An optional input missing from the other model
 * is left out of the comparison rather than refused.
 */
export function inputMismatches(a: Model, b: Model, labels: { a: string; b: string } = { a: 'A', b: 'B' }): string[] {
  const inA = a.description?.input ?? [], inB = b.description?.input ?? [];
  const byName = (list: readonly FeatureDescription[], name: string | undefined) => list.find((d) => (d.name ?? '') === (name ?? ''));
  const problems: string[] = [];
  for (const da of inA) {
    const db = byName(inB, da.name);
    if (!db) {
      if (!da.type?.isOptional) problems.push(`input ${da.name} of ${labels.a} is not an input of ${labels.b} (${labels.b}'s inputs: ${inB.map((d) => d.name).join(', ') || 'none'})`);
      continue;
    }
    const fa = inputForm(da), fb = inputForm(db);
    if (fa !== fb) problems.push(`input ${da.name} is ${fa} in ${labels.a} but ${fb} in ${labels.b}`);
  }
  for (const db of inB) {
    if (!byName(inA, db.name) && !db.type?.isOptional) problems.push(`input ${db.name} of ${labels.b} is not an input of ${labels.a} (${labels.a}'s inputs: ${inA.map((d) => d.name).join(', ') || 'none'})`);
  }
  return problems;
}
