// Weight storage conversions. fp16: every fp32 WeightParams (not marked updatable: on-device
// training needs fp32) becomes float16Value; the specification version rises to 2 if lower, since
// fp16 weights arrived in Core ML 1.2 (Model.proto).
import { MODEL_TYPE, repeatedCount, walkMessages, type Model, type PathStep, type WeightParams } from '../format';
import { float32ToFloat16Bytes } from '../numeric';
import { weightStorage } from '../weights';
import { SurgeryError } from './errors';
import { setIn, withFields, updateIn } from './tree';

export interface WeightBytes { readonly total: number; readonly byKind: Readonly<Record<string, number>> }

/** Bytes of NeuralNetwork weights by storage kind. */
export function weightBytes(spec: Model): WeightBytes {
  const byKind: Record<string, number> = {};
  let total = 0;
  for (const v of walkMessages(MODEL_TYPE, spec)) {
    if (v.typeName !== 'CoreML.Specification.WeightParams') continue;
    const s = weightStorage(v.message);
    if (!s) continue;
    byKind[s.kind] = (byKind[s.kind] ?? 0) + s.bytes;
    total += s.bytes;
  }
  return { total, byKind };
}

export interface Float16Args {
  /** Only weights below these spec paths (layers, sub-models); all when absent. */
  readonly under?: readonly (readonly PathStep[])[];
}

const startsWith = (p: readonly PathStep[], prefix: readonly PathStep[]) => prefix.every((s, i) => p[i] === s);

export function convertToFloat16(spec: Model, args: Float16Args = {}): Model {
  const targets: PathStep[][] = [];
  let updatable = 0;
  for (const v of walkMessages(MODEL_TYPE, spec)) {
    if (v.typeName !== 'CoreML.Specification.WeightParams') continue;
    const w = v.message as WeightParams;
    if (!repeatedCount(w, 'floatValue')) continue;
    if (w.isUpdatable) { updatable++; continue; }
    if (args.under && !args.under.some((p) => startsWith(v.path, p))) continue;
    targets.push([...v.path]);
  }
  if (targets.length === 0) {
    throw new SurgeryError(updatable ? `there are no fp32 weights to convert (${updatable} updatable weight tensors stay fp32 for on-device training)` : 'there are no fp32 weights to convert');
  }
  let out = spec;
  for (const path of targets) {
    out = updateIn(out, path, (old) => {
      const w = old as WeightParams;
      return withFields(w, { floatValue: undefined, float16Value: float32ToFloat16Bytes(w.floatValue!) });
    });
  }
  if ((out.specificationVersion ?? 0) < 2) out = setIn(out, ['specificationVersion'], 2);
  return out;
}
