// The feature transformers: scaler, normalizer, one-hot encoder, imputer, array feature
// extractor, feature vectorizer, dict vectorizer, categorical mapping and identity. Each follows
// its .proto's comment; the comment above each function quotes the rule.
import type {
  ArrayFeatureExtractor, CategoricalMapping, DictVectorizer, FeatureVectorizer, Imputer, Model, Normalizer,
  OneHotEncoder, Scaler,
} from '../../format';
import { ExecutorError, type FeatureValue, type RunResult } from '../types';
import { describedInputs, describedOutputs, numbersOf, numericOutput, requireInput, singleInput, typeCase } from './features';

const result = (outputs: Map<string, FeatureValue>): RunResult => ({ outputs, blobs: new Map() });

function onlyOutput(model: Model, kind: string) {
  const out = describedOutputs(model)[0];
  if (!out?.name) throw new ExecutorError(`${kind}: the model description declares no output`);
  return out;
}

/** A double-to-int64 conversion truncates toward zero, as a C++ cast does. */
const toInt64 = (x: number) => Math.trunc(x) + 0;

/** Tensor inputs keep their shape through element-wise transforms. */
function elementwiseOutput(model: Model, input: FeatureValue, values: Float64Array, kind: string): FeatureValue {
  const out = onlyOutput(model, kind);
  const t = typeCase(out.type);
  if (t === 'doubleType' || t === 'int64Type') return numericOutput(out, values);
  if (input.kind === 'tensor' && input.tensor.data.length === values.length) {
    return { kind: 'tensor', tensor: { shape: [...input.tensor.shape], data: Float32Array.from(values) } };
  }
  return numericOutput(out, values);
}

/** Scaler.proto: f(x) = scaleValue · (x + shiftValue); a single value applies to every element; shift defaults to 0, scale to 1. */
export function runScaler(model: Model, m: Scaler, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'scaler';
  const { name, value } = singleInput(model, inputs, kind);
  const x = numbersOf(value, name, kind);
  const shift = m.shiftValue ?? new Float64Array(0), scale = m.scaleValue ?? new Float64Array(0);
  for (const [field, v] of [['shiftValue', shift], ['scaleValue', scale]] as const) {
    if (v.length > 1 && v.length !== x.length) throw new ExecutorError(`${kind}: ${field} has ${v.length} values, the input has ${x.length}`);
  }
  const at = (v: Float64Array, i: number, dflt: number) => (v.length === 0 ? dflt : v.length === 1 ? v[0] : v[i]);
  const y = x.map((xi, i) => at(scale, i, 1) * (xi + at(shift, i, 0)));
  return result(new Map([[onlyOutput(model, kind).name!, elementwiseOutput(model, value, y, kind)]]));
}

// Normalizer.NormType
const L_MAX = 0, L1 = 1;

/**
 * Normalizer.proto: x / z with z = max(x_i) (LMax), Σ|x_i| (L1) or √(Σ x_i²) (L2). A zero norm
 * leaves the input unchanged rather than producing NaN (scikit-learn's normalize does the same).
 */
export function runNormalizer(model: Model, m: Normalizer, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'normalizer';
  const { name, value } = singleInput(model, inputs, kind);
  const x = numbersOf(value, name, kind);
  const t = m.normType ?? L_MAX;
  let z = 0;
  if (t === L_MAX) z = x.reduce((a, b) => Math.max(a, b), -Infinity);
  else if (t === L1) z = x.reduce((a, b) => a + Math.abs(b), 0);
  else z = Math.sqrt(x.reduce((a, b) => a + b * b, 0));
  const y = z === 0 || !Number.isFinite(z) ? x : x.map((v) => v / z);
  return result(new Map([[onlyOutput(model, kind).name!, elementwiseOutput(model, value, y, kind)]]));
}

/** A categorical input as a string or an integer (int64 features; a double or one-value array is cast). */
function categoryOf(value: FeatureValue, name: string, kind: string): string | number {
  if (value.kind === 'string') return value.value;
  if (value.kind === 'int64') return value.value;
  if (value.kind === 'double') return toInt64(value.value);
  if (value.kind === 'tensor' && value.tensor.data.length === 1) return toInt64(value.tensor.data[0]);
  throw new ExecutorError(`${kind}: input "${name}" is a ${value.kind}, a string or int64 was expected`);
}

/**
 * OneHotEncoder.proto: the category's position in the category list is the index of the single
 * 1; outputSparse gives a one-entry dictionary {index: 1} instead of an array; an unknown value
 * is an error (ErrorOnUnknown) or all zeros (IgnoreUnknown).
 */
export function runOneHotEncoder(model: Model, m: OneHotEncoder, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'oneHotEncoder';
  const { name, value } = singleInput(model, inputs, kind);
  const c = categoryOf(value, name, kind);
  const categories: (string | number)[] = m.stringCategories ? [...(m.stringCategories.vector ?? [])] : (m.int64Categories?.vector ?? []).map(Number);
  const index = categories.indexOf(c);
  if (index < 0 && (m.handleUnknown ?? 0) === 0) {
    throw new ExecutorError(`${kind}: "${c}" is not one of the ${categories.length} categories (handleUnknown is ErrorOnUnknown)`);
  }
  const out = onlyOutput(model, kind);
  if (m.outputSparse || typeCase(out.type) === 'dictionaryType') {
    const dict = new Map<string | number, number>();
    if (index >= 0) dict.set(index, 1);
    return result(new Map([[out.name!, { kind: 'dictionary', value: dict }]]));
  }
  const y = new Float64Array(categories.length);
  if (index >= 0) y[index] = 1;
  return result(new Map([[out.name!, numericOutput(out, y)]]));
}

/**
 * Imputer.proto: a value equal to the replace value (NaN when none is set, for doubles) is
 * replaced by the imputed value; in an array each such element takes the imputed array's element
 * (or the imputed double). An absent (optional) input becomes the whole imputed value, which is
 * the only use of the dictionary forms.
 */
export function runImputer(model: Model, m: Imputer, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'imputer';
  const inDesc = describedInputs(model)[0];
  const out = onlyOutput(model, kind);
  const value = inDesc?.name ? inputs.get(inDesc.name) : undefined;
  const isMissing = (x: number) => (m.replaceDoubleValue !== undefined && !Number.isNaN(m.replaceDoubleValue) ? x === m.replaceDoubleValue
    : m.replaceInt64Value !== undefined ? x === Number(m.replaceInt64Value) : Number.isNaN(x));
  const imputedAt = (i: number): number => {
    if (m.imputedDoubleValue !== undefined) return m.imputedDoubleValue;
    if (m.imputedInt64Value !== undefined) return Number(m.imputedInt64Value);
    if (m.imputedDoubleArray) return m.imputedDoubleArray.vector?.[i] ?? NaN;
    if (m.imputedInt64Array) return Number(m.imputedInt64Array.vector?.[i] ?? NaN);
    throw new ExecutorError(`${kind}: no numeric imputed value for a numeric input`);
  };
  let y: FeatureValue;
  if (!value) {
    if (m.imputedStringValue !== undefined) y = { kind: 'string', value: m.imputedStringValue };
    else if (m.imputedStringDictionary) y = { kind: 'dictionary', value: new Map(m.imputedStringDictionary.map ?? []) };
    else if (m.imputedInt64Dictionary) y = { kind: 'dictionary', value: new Map([...(m.imputedInt64Dictionary.map ?? [])].map(([k, v]) => [Number(k), v])) };
    else if (m.imputedDoubleArray || m.imputedInt64Array) {
      const n = m.imputedDoubleArray?.vector?.length ?? m.imputedInt64Array?.vector?.length ?? 0;
      y = numericOutput(out, Float64Array.from({ length: n }, (_, i) => imputedAt(i)));
    } else y = numericOutput(out, [imputedAt(0)]);
  } else if (value.kind === 'string') {
    y = m.replaceStringValue !== undefined && value.value === m.replaceStringValue && m.imputedStringValue !== undefined
      ? { kind: 'string', value: m.imputedStringValue } : value;
  } else if (value.kind === 'dictionary') {
    y = value;
  } else {
    const x = numbersOf(value, inDesc?.name ?? '', kind);
    const r = x.map((v, i) => (isMissing(v) ? imputedAt(i) : v));
    y = value.kind === 'int64' ? { kind: 'int64', value: r[0] } : elementwiseOutput(model, value, r, kind);
  }
  return result(new Map([[out.name!, y]]));
}

/** ArrayFeatureExtractor.proto: the values at the zero-based extractIndex positions; a double or int64 output takes exactly one. */
export function runArrayFeatureExtractor(model: Model, m: ArrayFeatureExtractor, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'arrayFeatureExtractor';
  const { name, value } = singleInput(model, inputs, kind);
  const x = numbersOf(value, name, kind);
  const idx = (m.extractIndex ?? []).map(Number);
  const y = Float64Array.from(idx, (i) => {
    if (i >= x.length) throw new ExecutorError(`${kind}: index ${i} is outside the input's ${x.length} values`);
    return x[i];
  });
  const out = onlyOutput(model, kind);
  const t = typeCase(out.type);
  if (t === 'int64Type') return result(new Map([[out.name!, { kind: 'int64', value: toInt64(y[0]) }]]));
  return result(new Map([[out.name!, numericOutput(out, y)]]));
}

/**
 * FeatureVectorizer.proto: the inputs in inputList order, each taking inputDimensions slots: a
 * scalar takes one, an array its values, and an integer-keyed dictionary (a sparse vector, as a
 * sparse one-hot encoder emits) puts each value at its key.
 */
export function runFeatureVectorizer(model: Model, m: FeatureVectorizer, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'featureVectorizer';
  const list = m.inputList ?? [];
  const total = list.reduce((s, c) => s + Number(c.inputDimensions ?? 0), 0);
  const y = new Float64Array(total);
  let o = 0;
  for (const col of list) {
    const name = col.inputColumn ?? '';
    const dims = Number(col.inputDimensions ?? 0);
    const v = requireInput(inputs, name, kind);
    if (v.kind === 'dictionary') {
      for (const [k, val] of v.value) {
        const i = typeof k === 'number' ? k : Number.NaN;
        if (!Number.isInteger(i) || i < 0 || i >= dims) throw new ExecutorError(`${kind}: "${name}" has key ${JSON.stringify(k)}, outside its ${dims} dimensions`);
        y[o + i] = val;
      }
    } else {
      const x = numbersOf(v, name, kind);
      if (x.length !== dims) throw new ExecutorError(`${kind}: "${name}" has ${x.length} values, inputDimensions is ${dims}`);
      y.set(x, o);
    }
    o += dims;
  }
  const out = onlyOutput(model, kind);
  return result(new Map([[out.name!, numericOutput(out, y)]]));
}

/** DictVectorizer.proto: each value goes to its key's position in the index list; absent keys are 0; every key must be in the list. */
export function runDictVectorizer(model: Model, m: DictVectorizer, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'dictVectorizer';
  const { name, value } = singleInput(model, inputs, kind);
  if (value.kind !== 'dictionary') throw new ExecutorError(`${kind}: input "${name}" is a ${value.kind}, a dictionary was expected`);
  const keys: (string | number)[] = m.stringToIndex ? [...(m.stringToIndex.vector ?? [])] : (m.int64ToIndex?.vector ?? []).map(Number);
  const position = new Map(keys.map((k, i) => [k, i]));
  const y = new Float64Array(keys.length);
  for (const [k, v] of value.value) {
    const i = position.get(k);
    if (i === undefined) throw new ExecutorError(`${kind}: key ${JSON.stringify(k)} is not in the model's index list`);
    y[i] = v;
  }
  const out = onlyOutput(model, kind);
  return result(new Map([[out.name!, numericOutput(out, y)]]));
}

/** CategoricalMapping.proto: string → int64 or int64 → string; an unknown input takes ValueOnUnknown, or is an error when it is unset. */
export function runCategoricalMapping(model: Model, m: CategoricalMapping, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'categoricalMapping';
  const { name, value } = singleInput(model, inputs, kind);
  const c = categoryOf(value, name, kind);
  const out = onlyOutput(model, kind);
  let y: FeatureValue;
  if (m.stringToInt64Map) {
    const hit = m.stringToInt64Map.map?.get(String(c));
    const v = hit ?? m.int64Value;
    if (v === undefined) throw new ExecutorError(`${kind}: "${c}" is not in the map and no int64Value is set for unknown inputs`);
    y = { kind: 'int64', value: Number(v) };
  } else if (m.int64ToStringMap) {
    if (typeof c !== 'number') throw new ExecutorError(`${kind}: input "${name}" is a string, the map takes int64 keys`);
    const map = m.int64ToStringMap.map;
    const hit = map?.get(c) ?? [...(map ?? [])].find(([k]) => Number(k) === c)?.[1];
    const v = hit ?? m.strValue;
    if (v === undefined) throw new ExecutorError(`${kind}: ${c} is not in the map and no strValue is set for unknown inputs`);
    y = { kind: 'string', value: v };
  } else throw new ExecutorError(`${kind}: no mapping is set`);
  return result(new Map([[out.name!, y]]));
}

/** Identity.proto: the outputs are the inputs, unchanged (by name, else by position). */
export function runIdentity(model: Model, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'identity';
  const ins = describedInputs(model);
  const outputs = new Map<string, FeatureValue>();
  describedOutputs(model).forEach((o, i) => {
    const name = o.name ?? '';
    const src = inputs.has(name) ? name : ins[i]?.name ?? '';
    outputs.set(name, requireInput(inputs, src, kind));
  });
  return result(outputs);
}
