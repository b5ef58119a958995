// Editing feature types and descriptions: array shapes and data types (add or drop size-1
// dimensions), flexible ranges and enumerated shapes, image size and colour space, array <-> image,
// optional flag. A pipeline's feature is described in every model that consumes or produces it;
// those descriptions change together so the pipeline stays consistent.
import {
  ArrayFeatureType_ArrayDataType, ImageFeatureType_ColorSpace, networkOf, type ArrayFeatureType,
  type FeatureDescription, type FeatureType, type ImageFeatureType, type Model, type ModelDescription,
} from '../format';
import { SurgeryError } from './errors';
import { getIn, withFields } from './tree';
import { blobFeatureDims, declaredShapeFits, imageChannels, inferShapes, producedDims, type ShapeResult } from '../shapes';

export type ArrayDataTypeName = keyof typeof ArrayFeatureType_ArrayDataType;
export type ColorSpaceName = keyof typeof ImageFeatureType_ColorSpace;

export interface Range { readonly lower: number; readonly upper: number }

export interface SetFeatureTypeArgs {
  readonly name: string;
  /** multiArray: the default shape. */
  readonly shape?: readonly number[];
  readonly dataType?: ArrayDataTypeName;
  /** Per-dimension ranges (upper -1 = unbounded); null removes flexibility. */
  readonly shapeRange?: readonly Range[] | null;
  readonly enumeratedShapes?: readonly (readonly number[])[] | null;
  readonly width?: number;
  readonly height?: number;
  readonly colorSpace?: ColorSpaceName;
  readonly imageSizeRange?: { readonly width: Range; readonly height: Range } | null;
  /** Turn the feature into an image (width/height/colorSpace) or a multiArray (shape/dataType). */
  readonly kind?: 'image' | 'multiArray';
  readonly optional?: boolean;
  readonly shortDescription?: string;
}

function checkShape(shape: readonly number[], what: string): void {
  for (const d of shape) if (!Number.isInteger(d) || d <= 0) throw new SurgeryError(`${what}: every dimension must be a positive integer (got ${shape.join(', ')})`);
}

function checkRanges(shape: readonly number[] | undefined, ranges: readonly Range[]): void {
  for (const r of ranges) {
    if (!Number.isInteger(r.lower) || r.lower < 0) throw new SurgeryError(`range lower bound must be a non-negative integer (got ${r.lower})`);
    if (r.upper !== -1 && r.upper < r.lower) throw new SurgeryError(`range ${r.lower}..${r.upper}: the upper bound is below the lower bound`);
  }
  if (shape && shape.length !== ranges.length) throw new SurgeryError(`the shape has ${shape.length} dimensions but ${ranges.length} ranges were given`);
  shape?.forEach((d, i) => {
    const r = ranges[i];
    if (d < r.lower || (r.upper !== -1 && d > r.upper)) throw new SurgeryError(`dimension ${i} of the default shape (${d}) is outside its range ${r.lower}..${r.upper === -1 ? '∞' : r.upper}`);
  });
}

const sizeRange = (r: Range) => ({ lowerBound: r.lower, upperBound: r.upper });

function editArray(a: ArrayFeatureType, args: SetFeatureTypeArgs): ArrayFeatureType {
  if (args.width !== undefined || args.height !== undefined || args.colorSpace !== undefined || args.imageSizeRange !== undefined) {
    throw new SurgeryError(`"${args.name}" is a multiArray: width, height and colour space apply to images (convert it with kind=image)`);
  }
  const shape = args.shape ?? a.shape;
  if (args.shape) checkShape(args.shape, `shape of "${args.name}"`);
  const fields: Record<string, unknown> = {};
  if (args.shape) fields.shape = Object.freeze([...args.shape]);
  if (args.dataType) {
    const v = ArrayFeatureType_ArrayDataType[args.dataType];
    if (!v) throw new SurgeryError(`unknown array data type ${args.dataType}`);
    fields.dataType = v;
  }
  if (args.shapeRange !== undefined) {
    if (args.shapeRange) { checkRanges(shape, args.shapeRange); fields.shapeRange = { sizeRanges: args.shapeRange.map(sizeRange) }; fields.enumeratedShapes = undefined; }
    else fields.shapeRange = undefined;
  } else if (args.shape && a.shapeRange) {
    // The default shape changed rank or size: keep ranges only where they still fit.
    const ranges = (a.shapeRange.sizeRanges ?? []).map((r) => ({ lower: Number(r.lowerBound ?? 0), upper: Number(r.upperBound ?? 0) }));
    try { checkRanges(shape, ranges); } catch (e) { throw new SurgeryError(`shape of "${args.name}": ${(e as Error).message}; give new ranges or remove them`); }
  } else if (args.shape && a.enumeratedShapes && args.enumeratedShapes === undefined) {
    // FeatureTypes.proto EnumeratedShapes: the default shape must be one of them.
    const shapes = (a.enumeratedShapes.shapes ?? []).map((s) => (s.shape ?? []).map(Number));
    if (!shapes.some((s) => s.length === args.shape!.length && s.every((d, i) => d === args.shape![i]))) {
      throw new SurgeryError(`shape of "${args.name}": [${args.shape.join(', ')}] is not one of its enumerated shapes (${shapes.map((s) => `[${s.join(', ')}]`).join(', ')}); give new enumerated shapes or remove them`);
    }
  }
  if (args.enumeratedShapes !== undefined) {
    if (args.enumeratedShapes) {
      args.enumeratedShapes.forEach((s, i) => checkShape(s, `enumerated shape ${i}`));
      if (shape && !args.enumeratedShapes.some((s) => s.length === shape.length && s.every((d, i) => d === shape[i]))) {
        throw new SurgeryError(`the default shape [${shape.join(', ')}] must be one of the enumerated shapes`);
      }
      fields.enumeratedShapes = { shapes: args.enumeratedShapes.map((s) => ({ shape: [...s] })) };
      fields.shapeRange = undefined;
    } else fields.enumeratedShapes = undefined;
  }
  return withFields(a, fields);
}

function editImage(i: ImageFeatureType, args: SetFeatureTypeArgs): ImageFeatureType {
  if (args.shape || args.dataType || args.shapeRange !== undefined || args.enumeratedShapes !== undefined) {
    throw new SurgeryError(`"${args.name}" is an image: shape and data type apply to multiArrays (convert it with kind=multiArray)`);
  }
  const fields: Record<string, unknown> = {};
  for (const [k, v] of [['width', args.width], ['height', args.height]] as const) {
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v <= 0) throw new SurgeryError(`image ${k} must be a positive integer (got ${v})`);
    fields[k] = v;
  }
  if ((args.width !== undefined || args.height !== undefined) && args.imageSizeRange === undefined) {
    const w = Number(fields.width ?? i.width ?? 0), h = Number(fields.height ?? i.height ?? 0);
    if (i.imageSizeRange) {
      const wr = i.imageSizeRange.widthRange, hr = i.imageSizeRange.heightRange;
      const r = (x: typeof wr) => ({ lower: Number(x?.lowerBound ?? 0), upper: Number(x?.upperBound ?? -1) < 0 ? -1 : Number(x?.upperBound) });
      try { checkRanges([w, h], [r(wr), r(hr)]); } catch (e) { throw new SurgeryError(`size of "${args.name}": ${(e as Error).message.replace('dimension 0', 'width').replace('dimension 1', 'height')}; give a new size range or remove it`); }
    } else if (i.enumeratedSizes?.sizes?.length) {
      const sizes = i.enumeratedSizes.sizes.map((s) => [Number(s.width ?? 0), Number(s.height ?? 0)]);
      if (!sizes.some(([sw, sh]) => sw === w && sh === h)) throw new SurgeryError(`size of "${args.name}": ${w}×${h} is not one of its enumerated sizes (${sizes.map(([sw, sh]) => `${sw}×${sh}`).join(', ')}); give new enumerated sizes or remove them`);
    }
  }
  if (args.colorSpace) {
    const v = ImageFeatureType_ColorSpace[args.colorSpace];
    if (!v) throw new SurgeryError(`unknown colour space ${args.colorSpace}`);
    fields.colorSpace = v;
  }
  if (args.imageSizeRange !== undefined) {
    if (args.imageSizeRange) {
      const w = Number(fields.width ?? i.width ?? 0), h = Number(fields.height ?? i.height ?? 0);
      checkRanges([w, h], [args.imageSizeRange.width, args.imageSizeRange.height]);
      fields.imageSizeRange = { widthRange: sizeRange(args.imageSizeRange.width), heightRange: sizeRange(args.imageSizeRange.height) };
      fields.enumeratedSizes = undefined;
    } else fields.imageSizeRange = undefined;
  }
  return withFields(i, fields);
}

export function editFeatureType(t: FeatureType | undefined, args: SetFeatureTypeArgs): FeatureType {
  let type: FeatureType = t ?? {};
  if (args.kind === 'image' && !type.imageType) {
    const shape = type.multiArrayType?.shape;
    const [c, h, w] = shape && shape.length === 3 ? shape.map(Number) : [3, args.height ?? 0, args.width ?? 0];
    const width = args.width ?? w, height = args.height ?? h;
    if (!width || !height) throw new SurgeryError('give width and height to turn this feature into an image');
    type = withFields(type, { multiArrayType: undefined, imageType: { width, height, colorSpace: ImageFeatureType_ColorSpace[args.colorSpace ?? (c === 1 ? 'GRAYSCALE' : 'RGB')] } });
    return withFields(type, { imageType: editImage(type.imageType!, { ...args, width: undefined, height: undefined, colorSpace: undefined }) });
  }
  if (args.kind === 'multiArray' && !type.multiArrayType) {
    const img = type.imageType;
    const channels = img?.colorSpace === ImageFeatureType_ColorSpace.GRAYSCALE || img?.colorSpace === ImageFeatureType_ColorSpace.GRAYSCALE_FLOAT16 ? 1 : 3;
    const shape = args.shape ?? (img ? [channels, Number(img.height ?? 0), Number(img.width ?? 0)] : undefined);
    if (!shape) throw new SurgeryError('give a shape to turn this feature into a multiArray');
    type = withFields(type, { imageType: undefined, multiArrayType: { shape, dataType: ArrayFeatureType_ArrayDataType[args.dataType ?? 'FLOAT32'] } });
    return withFields(type, { multiArrayType: editArray(type.multiArrayType!, { ...args, shape: undefined, dataType: undefined }) });
  }
  const fields: Record<string, unknown> = {};
  if (type.multiArrayType) fields.multiArrayType = editArray(type.multiArrayType, args);
  else if (type.imageType) fields.imageType = editImage(type.imageType, args);
  else if (args.shape || args.dataType || args.width || args.height || args.colorSpace) {
    throw new SurgeryError(`"${args.name}" is neither a multiArray nor an image; its shape cannot be set`);
  }
  if (args.optional !== undefined) fields.isOptional = args.optional || undefined;
  return withFields(type, fields);
}

function editDescription(d: ModelDescription, args: SetFeatureTypeArgs): { d: ModelDescription; hit: boolean } {
  let hit = false;
  const edit = (list: readonly FeatureDescription[] | undefined) => {
    if (!list?.some((f) => f.name === args.name)) return list;
    hit = true;
    return Object.freeze(list.map((f) => {
      if (f.name !== args.name) return f;
      const touchesType = Object.keys(args).some((k) => k !== 'name' && k !== 'shortDescription');
      return withFields(f, {
        ...(touchesType ? { type: editFeatureType(f.type, args) } : {}),
        ...(args.shortDescription !== undefined ? { shortDescription: args.shortDescription || undefined } : {}),
      });
    }));
  };
  const input = edit(d.input), output = edit(d.output);
  return { d: hit ? withFields(d, { input, output }) : d, hit };
}

/**
 * Refuses a declared output shape that contradicts what the network provably produces (Core ML
 * hands out what the network computes; a different declaration misleads every caller). Size-1
 * dimensions may be added or dropped; outputs whose size the network leaves open are not checked.
 */
function checkAgainstNetwork(spec: Model, args: SetFeatureTypeArgs): void {
  const check = (m: Model, shapes: ShapeResult): void => {
    const f = m.description?.output?.find((o) => o.name === args.name);
    const net = networkOf(m);
    if (f && net) {
      const produced = producedDims(shapes, args.name);
      const producer = shapes.producers.get(args.name);
      const layer = producer ? (getIn(spec, producer) as { name?: string } | undefined)?.name : undefined;
      const from = layer ? ` (layer ${layer})` : '';
      const a = f.type?.multiArrayType;
      const img = f.type?.imageType;
      if (produced && a && !a.shapeRange && !a.enumeratedShapes && (a.shape ?? []).length) {
        const declared = (a.shape ?? []).map(Number);
        const want = blobFeatureDims(shapes.blobs.get(args.name), !!shapes.nd) ?? produced;
        if (!declaredShapeFits(declared, produced)) {
          throw new SurgeryError(`shape of "${args.name}": the network produces ${want.join('×')}${from}, not ${declared.join('×')}; declare ${want.join(',')} (size-1 dimensions may be added or dropped)`);
        }
      } else if (produced && img && !img.imageSizeRange && !img.enumeratedSizes && produced.length >= 3) {
        const [c, h, w] = produced.slice(-3);
        const channels = imageChannels(img.colorSpace);
        const size = `${Number(img.width ?? 0)}×${Number(img.height ?? 0)}`;
        if (Number(img.width ?? 0) !== w || Number(img.height ?? 0) !== h) throw new SurgeryError(`size of "${args.name}": the network produces ${w}×${h} images${from}, not ${size}`);
        if (channels !== undefined && channels !== c) throw new SurgeryError(`colorSpace of "${args.name}": the network produces ${c} channels${from}; a ${channels === 1 ? 'grayscale' : 'colour'} image has ${channels}`);
      }
    }
    const pipeline = m.pipeline ?? m.pipelineClassifier?.pipeline ?? m.pipelineRegressor?.pipeline;
    (pipeline?.models ?? []).forEach((sub, i) => { const r = shapes.models?.[i]; if (r) check(sub, r); });
  };
  check(spec, inferShapes(spec));
}

const SHAPE_ARGS = ['shape', 'width', 'height', 'colorSpace', 'kind', 'shapeRange', 'enumeratedShapes', 'imageSizeRange'] as const;

/** Edits a feature of the model and, in pipelines, every sub-model description of the same feature. */
export function setFeatureType(spec: Model, args: SetFeatureTypeArgs): Model {
  const out = setFeatureTypeUnchecked(spec, args);
  if (out !== spec && SHAPE_ARGS.some((k) => args[k] !== undefined)) checkAgainstNetwork(out, args);
  return out;
}

function setFeatureTypeUnchecked(spec: Model, args: SetFeatureTypeArgs): Model {
  const visit = (m: Model, top: boolean): { m: Model; hit: boolean } => {
    let hit = false;
    let out = m;
    if (m.description) {
      const r = editDescription(m.description, args);
      if (r.hit) { out = withFields(out, { description: r.d }); hit = true; }
    }
    if (top && !hit) throw new SurgeryError(`"${args.name}" is not an input or output of this model`);
    for (const key of ['pipeline', 'pipelineClassifier', 'pipelineRegressor'] as const) {
      const holder = out[key];
      const p = key === 'pipeline' ? (holder as Model['pipeline']) : (holder as { pipeline?: Model['pipeline'] } | undefined)?.pipeline;
      if (!p?.models) continue;
      const models = p.models.map((sub) => visit(sub, false).m);
      if (models.some((x, i) => x !== p.models![i])) {
        const np = withFields(p, { models: Object.freeze(models) });
        out = withFields(out, { [key]: key === 'pipeline' ? np : withFields(holder as object, { pipeline: np }) });
      }
    }
    return { m: out, hit };
  };
  return visit(spec, true).m;
}
