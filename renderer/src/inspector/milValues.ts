// ML Program values for the inspector: types in words, small values inline, and where an
// operation's named input comes from (the const that produces it, if any).
import { walkMessages, type MILSpec_Operation, type MILSpec_Value, type MILSpec_ValueType, type Model, type PathStep } from '../../../shared/format';
import { milDataTypeName } from '../../../shared/graph';
import { milShape } from '../weights/tensor';
import { formatList, formatValue, shapeText } from './format';
import { MODEL_TYPE } from './specPath';

export function milTypeText(t: MILSpec_ValueType | undefined): string {
  if (!t) return '';
  if (t.tensorType) {
    const s = milShape(t.tensorType);
    const dt = milDataTypeName(t.tensorType.dataType);
    return s && s.length ? `${dt} ${shapeText(s)}` : `${dt} scalar`;
  }
  if (t.listType) return `list<${milTypeText(t.listType.type)}>`;
  if (t.tupleType) return `tuple<${(t.tupleType.types ?? []).map(milTypeText).join(', ')}>`;
  if (t.dictionaryType) return `dict<${milTypeText(t.dictionaryType.keyType)}, ${milTypeText(t.dictionaryType.valueType)}>`;
  if (t.stateType) return `state<${milTypeText(t.stateType.wrappedType)}>`;
  return '';
}

/** Short text for an immediate value, or undefined when it is large or lives in a blob. */
export function milValueText(v: MILSpec_Value, max = 16): string | undefined {
  if (v.blobFileValue) return undefined;
  const iv = v.immediateValue;
  if (!iv) return undefined;
  if (iv.tuple) return `(${(iv.tuple.values ?? []).map((x) => milValueText(x, max) ?? '…').join(', ')})`;
  if (iv.list) return `[${(iv.list.values ?? []).map((x) => milValueText(x, max) ?? '…').join(', ')}]`;
  const t = iv.tensor;
  if (!t) return undefined;
  const scalar = !(v.type?.tensorType?.dimensions?.length);
  const values: ArrayLike<unknown> | undefined =
    t.floats?.values ?? t.doubles?.values ?? t.ints?.values ?? t.longInts?.values ?? t.bools?.values ?? t.strings?.values;
  if (values) {
    if (values.length > max) return undefined;
    return scalar && values.length === 1 ? formatValue(values[0]) : formatList(values, max);
  }
  if (t.bytes?.values) return t.bytes.values.length <= max ? formatList(t.bytes.values, max) : undefined;
  return undefined;
}

export interface ProducedBy {
  readonly op: MILSpec_Operation;
  readonly path: readonly PathStep[];
}

const producers = new WeakMap<Model, Map<string, ProducedBy>>();

/** Output name → producing operation, over every ML Program in the model (pipelines included). */
export function milProducers(spec: Model): ReadonlyMap<string, ProducedBy> {
  let m = producers.get(spec);
  if (m) return m;
  m = new Map();
  for (const v of walkMessages(MODEL_TYPE, spec)) {
    if (v.typeName !== 'CoreML.Specification.MILSpec.Operation') continue;
    const op = v.message as MILSpec_Operation;
    for (const o of op.outputs ?? []) if (o.name && !m.has(o.name)) m.set(o.name, { op, path: v.path });
  }
  producers.set(spec, m);
  return m;
}

/** The value of a const operation ("const" keeps it in attributes.val). */
export function constValue(op: MILSpec_Operation): MILSpec_Value | undefined {
  return op.type === 'const' ? op.attributes?.get('val') : undefined;
}
