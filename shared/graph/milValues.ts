// One-line descriptions of ML Program (MIL) types and values for node faces: "fp16 [16, 3, 3, 3]",
// "[2, 2]", "valid", "fp16 [64] (weight.bin @ 576)". Constants folded into their consumers read
// like this, as do function inputs.
import { enumValueName, whichOneof, type MILSpec_TensorValue, type MILSpec_Value, type MILSpec_ValueType } from '../format';
import { formatList, formatNumber } from '../layers';

/** Values with at most this many elements are shown in full. */
export const SMALL_VALUE = 8;

/** "fp16", "fp32", "int32", "bool" … (MIL's own spelling of its data types). */
export function milDataTypeName(dataType: number | undefined): string {
  const name = enumValueName('CoreML.Specification.MILSpec.DataType', dataType ?? 0) ?? `type ${dataType}`;
  return name.toLowerCase().replace(/^bfloat/, 'bf').replace(/^float/, 'fp');
}

/** The kind of a MIL value type: "tensorType", "listType", "stateType" … (the ValueType oneof member). */
export function milTypeKind(t: MILSpec_ValueType | undefined): string {
  return (t && whichOneof('CoreML.Specification.MILSpec.ValueType', t, 'type')) || 'unknown';
}

/** "fp16 [1, 3, ?, 640]", "int32" (rank 0), "list<fp32>", "state<fp16 [1, 4]>". */
export function describeMilType(t: MILSpec_ValueType | undefined): string {
  if (!t) return 'unknown';
  if (t.tensorType) {
    const tt = t.tensorType;
    const dtype = milDataTypeName(tt.dataType);
    const dims = (tt.dimensions ?? []).map((d) => (d.constant ? String(Number(d.constant.size ?? 0)) : '?'));
    return dims.length ? `${dtype} [${dims.join(', ')}]` : dtype;
  }
  if (t.listType) return `list<${describeMilType(t.listType.type)}>`;
  if (t.tupleType) return `tuple<${(t.tupleType.types ?? []).map(describeMilType).join(', ')}>`;
  if (t.dictionaryType) return `dict<${describeMilType(t.dictionaryType.keyType)}, ${describeMilType(t.dictionaryType.valueType)}>`;
  if (t.stateType) return `state<${describeMilType(t.stateType.wrappedType)}>`;
  return 'unknown';
}

function tensorValues(v: MILSpec_TensorValue): ArrayLike<number | boolean | string> | undefined {
  const member = whichOneof('CoreML.Specification.MILSpec.TensorValue', v, 'value');
  if (!member) return undefined;
  const values = (v as Record<string, { values?: ArrayLike<number | boolean | string> } | undefined>)[member]?.values;
  return values ?? [];
}

/** IEEE 754 half precision to a number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * MIL stores fp16 and 8-bit tensors as raw little-endian bytes (MIL.proto, TensorValue.bytes);
 * other byte-packed types (sub-byte palettes) are described by type and shape only.
 */
function bytesValues(bytes: Uint8Array | undefined, dataType: number | undefined): number[] | undefined {
  const b = bytes ?? new Uint8Array(0);
  switch (milDataTypeName(dataType)) {
    case 'fp16': {
      const out: number[] = [];
      for (let i = 0; i + 1 < b.length; i += 2) out.push(halfToNumber(b[i] | (b[i + 1] << 8)));
      return out;
    }
    case 'uint8': return Array.from(b);
    case 'int8': return Array.from(b, (x) => (x << 24) >> 24);
    default: return undefined;
  }
}

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/**
 * A constant or immediate value: small tensors in full (a scalar as one value), larger ones as
 * type and shape, blob-file values with their file and offset.
 */
export function describeMilValue(value: MILSpec_Value, type: MILSpec_ValueType | undefined = value.type): string {
  const typeText = describeMilType(type ?? value.type);
  if (value.blobFileValue) {
    const b = value.blobFileValue;
    return `${typeText} (${baseName(b.fileName ?? '')} @ ${Number(b.offset ?? 0)})`;
  }
  const imm = value.immediateValue;
  if (imm?.tensor) {
    const dataType = (type ?? value.type)?.tensorType?.dataType;
    const values = imm.tensor.bytes ? bytesValues(imm.tensor.bytes.values, dataType) : tensorValues(imm.tensor);
    if (!values || values.length > SMALL_VALUE) return typeText;
    const rank = Number((type ?? value.type)?.tensorType?.rank ?? (type ?? value.type)?.tensorType?.dimensions?.length ?? 0);
    if (rank === 0 && values.length === 1) {
      const x = values[0];
      return typeof x === 'number' ? formatNumber(x) : String(x);
    }
    return formatList(values);
  }
  if (imm?.list) return `list (${imm.list.values?.length ?? 0})`;
  if (imm?.tuple) return `tuple (${imm.tuple.values?.length ?? 0})`;
  if (imm?.dictionary) return `dictionary (${imm.dictionary.values?.length ?? 0})`;
  return typeText;
}
