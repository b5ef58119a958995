// Reading classic models' inputs and shaping their outputs as the model description declares
// them. Classic models hold their parameters as doubles (the .proto fields are `double`), so they
// compute in double precision; only multi-array outputs become float32 tensors (the executor's
// one tensor element type).
import type { FeatureDescription, FeatureType, Int64Vector, Model, StringVector } from '../../format';
import { ExecutorError, type FeatureValue } from '../types';

export type ClassLabel = string | number;

export function describedInputs(model: Model): readonly FeatureDescription[] {
  return model.description?.input ?? [];
}

export function describedOutputs(model: Model): readonly FeatureDescription[] {
  return model.description?.output ?? [];
}

/** The input named `name`; a missing required input is an error that names it. */
export function requireInput(inputs: Map<string, FeatureValue>, name: string, model: string): FeatureValue {
  const v = inputs.get(name);
  if (!v) throw new ExecutorError(`${model}: input "${name}" was not given`);
  return v;
}

/** The model's single input (the first declared one), for models that take exactly one. */
export function singleInput(model: Model, inputs: Map<string, FeatureValue>, kind: string): { name: string; value: FeatureValue } {
  const desc = describedInputs(model)[0];
  if (!desc?.name) throw new ExecutorError(`${kind}: the model description declares no input`);
  return { name: desc.name, value: requireInput(inputs, desc.name, kind) };
}

/** A numeric feature as doubles: an array's values in C order, a scalar as one value. */
export function numbersOf(value: FeatureValue, name: string, kind: string): Float64Array {
  switch (value.kind) {
    case 'tensor': return Float64Array.from(value.tensor.data);
    case 'double': case 'int64': return Float64Array.of(value.value);
    case 'sequence':
      if (value.value.every((v) => typeof v === 'number')) return Float64Array.from(value.value);
      break;
    default: break;
  }
  throw new ExecutorError(`${kind}: input "${name}" is a ${value.kind}, a number or array was expected`);
}

/**
 * Every declared input, concatenated in declaration order (Core ML's "vectorizable" inputs for
 * GLMs, SVMs and tree ensembles: doubles, int64s and multi-arrays).
 */
export function vectorizedInputs(model: Model, inputs: Map<string, FeatureValue>, kind: string): Float64Array {
  const parts = describedInputs(model).filter((d) => !(d.type?.isOptional && !inputs.has(d.name ?? '')));
  if (parts.length === 0) throw new ExecutorError(`${kind}: the model description declares no input`);
  const arrays = parts.map((d) => numbersOf(requireInput(inputs, d.name ?? '', kind), d.name ?? '', kind));
  if (arrays.length === 1) return arrays[0];
  const out = new Float64Array(arrays.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of arrays) { out.set(a, o); o += a.length; }
  return out;
}

export function typeCase(t: FeatureType | undefined): string | undefined {
  if (!t) return undefined;
  for (const k of ['int64Type', 'doubleType', 'stringType', 'imageType', 'multiArrayType', 'dictionaryType', 'sequenceType', 'stateType'] as const) {
    if (t[k] !== undefined) return k;
  }
  return undefined;
}

/** Numbers as the feature type an output declares: a double, an int64 or a float32 array. */
export function numericOutput(desc: FeatureDescription | undefined, values: ArrayLike<number>): FeatureValue {
  const t = typeCase(desc?.type);
  if (t === 'doubleType') return { kind: 'double', value: values[0] };
  if (t === 'int64Type') return { kind: 'int64', value: Math.trunc(values[0]) + 0 }; // a C++ cast truncates
  const declared = (desc?.type?.multiArrayType?.shape ?? []).map(Number);
  const count = declared.reduce((a, b) => a * b, 1);
  const shape = declared.length && count === values.length ? declared : [values.length];
  return { kind: 'tensor', tensor: { shape, data: Float32Array.from(values) } };
}

export function classLabelsOf(m: { stringClassLabels?: StringVector; int64ClassLabels?: Int64Vector }): ClassLabel[] | undefined {
  if (m.stringClassLabels) return [...(m.stringClassLabels.vector ?? [])];
  if (m.int64ClassLabels) return (m.int64ClassLabels.vector ?? []).map(Number);
  return undefined;
}

export const labelValue = (label: ClassLabel): FeatureValue =>
  typeof label === 'string' ? { kind: 'string', value: label } : { kind: 'int64', value: label };

/**
 * A classifier's outputs by the description's names: the predicted label under
 * predictedFeatureName, the probabilities dictionary under predictedProbabilitiesName (or any
 * other dictionary output), and an array output, if one is declared, as the probabilities in
 * label order.
 */
export function classifierOutputs(model: Model, labels: ClassLabel[], probabilities: ArrayLike<number>, predicted: number): Map<string, FeatureValue> {
  const d = model.description;
  const out = new Map<string, FeatureValue>();
  const labelName = d?.predictedFeatureName || describedOutputs(model).find((o) => typeCase(o.type) === 'stringType' || typeCase(o.type) === 'int64Type')?.name;
  const probsName = d?.predictedProbabilitiesName || describedOutputs(model).find((o) => typeCase(o.type) === 'dictionaryType')?.name;
  const dict = new Map<string | number, number>();
  labels.forEach((l, i) => dict.set(l, probabilities[i]));
  if (labelName) out.set(labelName, labelValue(labels[predicted]));
  if (probsName) out.set(probsName, { kind: 'dictionary', value: dict });
  for (const o of describedOutputs(model)) {
    if (!o.name || out.has(o.name)) continue;
    const t = typeCase(o.type);
    if (t === 'dictionaryType') out.set(o.name, { kind: 'dictionary', value: new Map(dict) });
    else if (t === 'multiArrayType') out.set(o.name, numericOutput(o, probabilities));
  }
  return out;
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

export function softmax(v: ArrayLike<number>): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < v.length; i++) m = Math.max(m, v[i]);
  const out = new Float64Array(v.length);
  let s = 0;
  for (let i = 0; i < v.length; i++) { out[i] = Math.exp(v[i] - m); s += out[i]; }
  for (let i = 0; i < v.length; i++) out[i] /= s;
  return out;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** The standard normal CDF Φ (the probit link). */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

// erf to double precision: Taylor series near 0, continued fraction (Lentz) for the tail.
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax, sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= -ax * ax / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  // erfc(ax) = exp(-ax²)/√π · 1/(ax + 1/2/(ax + 1/(ax + 3/2/(ax + …))))
  let f = ax, c = ax, d = 0;
  for (let n = 1; n < 200; n++) {
    const a = n / 2;
    d = ax + a * d; d = d === 0 ? 1e-300 : 1 / d;
    c = ax + a / c; if (c === 0) c = 1e-300;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}
