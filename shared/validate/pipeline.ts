// Pipelines (Model.proto Pipeline; Apple's PipelineValidator): every contained model reads
// features the pipeline inputs or earlier models provide, with the same type and shape; every
// pipeline output is produced; names and updatable flags follow the rules.
import { modelTypeOf, pipelineField, pipelineOf, type FeatureDescription, type FeatureType, type Model, type PathStep } from '../format';
import { tuple, type DiagnosticSink } from './diagnostic';
import { dataTypeName } from './features';

const kind = (t: FeatureType | undefined): string => (t ? Object.keys(t).find((k) => k !== 'isOptional') ?? 'none' : 'none');

/** "multiArray DOUBLE (91, 1917)", "image 300×300 RGB", "double". */
export function describeType(t: FeatureType | undefined): string {
  if (t?.multiArrayType) {
    const a = t.multiArrayType;
    const flex = a.shapeRange ? ` ranges ${tuple((a.shapeRange.sizeRanges ?? []).map((r) => `${r.lowerBound ?? 0}..${Number(r.upperBound ?? 0) < 0 ? '∞' : r.upperBound}`))}` : a.enumeratedShapes ? ` (${(a.enumeratedShapes.shapes ?? []).length} enumerated shapes)` : '';
    return `multiArray ${dataTypeName(a.dataType)} ${tuple((a.shape ?? []).map(Number))}${flex}`;
  }
  if (t?.imageType) {
    const i = t.imageType;
    const cs: Record<number, string> = { 10: 'GRAYSCALE', 20: 'RGB', 30: 'BGR', 40: 'GRAYSCALE_FLOAT16' };
    return `image ${i.width ?? 0}×${i.height ?? 0} ${cs[i.colorSpace ?? 0] ?? 'no color space'}`;
  }
  if (t?.dictionaryType) return `dictionary<${t.dictionaryType.int64KeyType ? 'int64' : 'string'}, double>`;
  if (t?.sequenceType) return `sequence<${t.sequenceType.int64Type ? 'int64' : 'string'}>`;
  return kind(t).replace(/Type$/, '');
}

const flexible = (t: FeatureType): boolean => !!(t.multiArrayType?.shapeRange || t.multiArrayType?.enumeratedShapes);
function arrayRank(t: FeatureType): number {
  const a = t.multiArrayType!;
  if (a.enumeratedShapes) return (a.enumeratedShapes.shapes?.[0]?.shape ?? []).length;
  if (a.shapeRange) return (a.shapeRange.sizeRanges ?? []).length;
  return (a.shape ?? []).length;
}

/**
 * Whether a feature can flow from producer to consumer (Apple's isEquivalent on FeatureType):
 * same kind; arrays with the same data type and rank, and the same shape unless either is
 * flexible; images with the same size and color space; dictionaries with the same key type.
 */
export function sameFeatureType(a: FeatureType | undefined, b: FeatureType | undefined): boolean {
  if (kind(a) !== kind(b)) return false;
  if (!a || !b) return true;
  if (a.multiArrayType && b.multiArrayType) {
    if ((a.multiArrayType.dataType ?? 0) !== (b.multiArrayType.dataType ?? 0)) return false;
    if (arrayRank(a) !== arrayRank(b)) return false;
    if (!flexible(a) && !flexible(b)) {
      const sa = (a.multiArrayType.shape ?? []).map(Number);
      const sb = (b.multiArrayType.shape ?? []).map(Number);
      if (sa.some((v, i) => v !== sb[i])) return false;
    }
    return true;
  }
  if (a.imageType && b.imageType) {
    return Number(a.imageType.width ?? 0) === Number(b.imageType.width ?? 0) && Number(a.imageType.height ?? 0) === Number(b.imageType.height ?? 0) && (a.imageType.colorSpace ?? 0) === (b.imageType.colorSpace ?? 0);
  }
  if (a.dictionaryType && b.dictionaryType) return !!a.dictionaryType.int64KeyType === !!b.dictionaryType.int64KeyType;
  if (a.sequenceType && b.sequenceType) return !!a.sequenceType.int64Type === !!b.sequenceType.int64Type;
  return true;
}

interface Source { readonly f: FeatureDescription; readonly from: string }

/**
 * Pipeline-level rules. `validateModelAt` validates each contained model itself (recursively,
 * with its own path); this checks how they connect.
 */
export function validatePipeline(spec: Model, path: readonly PathStep[], out: DiagnosticSink): void {
  const p = pipelineOf(spec);
  const pField = pipelineField(spec);
  if (!p || !pField) return;
  const pp = [...path, ...pField];
  const models = p.models ?? [];
  if (!models.length) { out.error('pipeline-empty', 'the pipeline contains no models; add at least one', [...pp, 'models']); return; }
  const table = new Map<string, Source>();
  for (const f of spec.description?.input ?? []) table.set(f.name ?? '', { f, from: 'pipeline input' });
  const label = (i: number): string => `model ${i} (${modelTypeOf(models[i]) ?? 'no type'})`;
  models.forEach((m, i) => {
    (m.description?.input ?? []).forEach((f, k) => {
      const name = f.name ?? '';
      const ip = [...pp, 'models', i, 'description', 'input', k];
      const src = table.get(name);
      if (!src) {
        const avail = [...table.keys()].join(', ') || 'none';
        out.error('pipeline-input-missing', `${label(i)} reads ${name}, which neither the pipeline inputs nor an earlier model provide (available: ${avail})`, ip);
        return;
      }
      if (!sameFeatureType(f.type, src.f.type)) {
        out.error('pipeline-feature-mismatch', `${label(i)} input ${name} expects ${describeType(f.type)}, but the ${src.from} ${name} is ${describeType(src.f.type)}; make the two declarations identical`, [...ip, 'type']);
      }
    });
    for (const f of m.description?.output ?? []) table.set(f.name ?? '', { f, from: `output of ${label(i)}` });
  });
  (spec.description?.output ?? []).forEach((f, i) => {
    const name = f.name ?? '';
    const op = [...path, 'description', 'output', i];
    const src = table.get(name);
    if (!src) out.error('pipeline-output-missing', `pipeline output ${name} is not produced by any contained model (nor is it a pipeline input)`, op);
    else if (!sameFeatureType(f.type, src.f.type)) {
      out.error('pipeline-feature-mismatch', `pipeline output ${name} is declared ${describeType(f.type)}, but the ${src.from} ${name} is ${describeType(src.f.type)}; make the two declarations identical`, [...op, 'type']);
    }
  });
  const read = new Set(models.flatMap((m) => (m.description?.input ?? []).map((f) => f.name ?? '')));
  (spec.description?.input ?? []).forEach((f, i) => {
    if (!read.has(f.name ?? '') && !(spec.description?.output ?? []).some((o) => o.name === f.name)) {
      out.info('pipeline-input-unused', `pipeline input ${f.name} is read by none of the contained models; a value passed for it has no effect`, [...path, 'description', 'input', i]);
    }
  });
  const names = p.names ?? [];
  if (names.length) {
    if (names.length !== models.length) out.error('pipeline-names', `the pipeline has ${names.length} model names for ${models.length} models; give one name per model or none`, [...pp, 'names']);
    const seen = new Set<string>();
    names.forEach((n, i) => {
      if (seen.has(n)) out.error('pipeline-names', `model name ${n} is used twice; names must be unique`, [...pp, 'names', i]);
      seen.add(n);
    });
  }
  // Only the last model of an updatable pipeline may (and must) be updatable.
  models.forEach((m, i) => {
    const last = i === models.length - 1;
    if (m.isUpdatable && (!spec.isUpdatable || !last)) out.error('pipeline-updatable', `${label(i)} is updatable, but only the last model of an updatable pipeline may be`, [...pp, 'models', i, 'isUpdatable']);
    if (spec.isUpdatable && last && !m.isUpdatable) out.error('pipeline-updatable', `the pipeline is updatable, so its last model must be marked updatable`, [...pp, 'models', i, 'isUpdatable']);
  });
}
