// Turning what a person types into a field value of the right protobuf type, and back: numbers
// checked against their type's range, enums by name, repeated values as comma lists
// ("1, 3, 224, 224"). `repeated float` stays a Float32Array, as the decoder produces it.
import { ENUMS, type FieldDescriptor } from '../../../shared/format';

export type Parsed = { readonly value: unknown } | { readonly error: string };

/** Repeated fields longer than this are weights or tables, not something to type. */
export const MAX_EDITABLE_ITEMS = 64;

const INT_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

/** Whether the inspector offers an editor for this field and value. */
export function isEditable(f: FieldDescriptor, value: unknown): boolean {
  if (f.kind === 'message' || f.kind === 'map') return false;
  if (f.type === 'bytes') return false;
  if (f.repeated) return (value as ArrayLike<unknown> | undefined)?.length === undefined || (value as ArrayLike<unknown>).length <= MAX_EDITABLE_ITEMS;
  return true;
}

export function enumNames(f: FieldDescriptor): string[] {
  return Object.keys(ENUMS[f.type]?.values ?? {});
}

function parseOne(f: FieldDescriptor, raw: string): Parsed {
  const text = raw.trim();
  if (f.kind === 'enum') {
    const values = ENUMS[f.type]?.values ?? {};
    if (Object.prototype.hasOwnProperty.call(values, text)) return { value: values[text] };
    if (/^-?\d+$/.test(text)) return { value: Number(text) };
    return { error: `"${text}" is not one of ${Object.keys(values).join(', ')}` };
  }
  switch (f.type) {
    case 'string': return { value: raw };
    case 'bool':
      if (text === 'true' || text === '1') return { value: true };
      if (text === 'false' || text === '0') return { value: false };
      return { error: `"${text}" is not true or false` };
    case 'float': case 'double': {
      if (text === '') return { error: 'enter a number' };
      const v = Number(text);
      if (!Number.isFinite(v) && !/^[-+]?(inf|infinity|nan)$/i.test(text)) return { error: `"${text}" is not a number` };
      return { value: Number.isFinite(v) ? v : /nan/i.test(text) ? NaN : text.startsWith('-') ? -Infinity : Infinity };
    }
    default: {
      const range = INT_RANGES[f.type];
      if (!range) return { error: `fields of type ${f.type} cannot be edited here` };
      if (!/^[-+]?\d+$/.test(text)) return { error: `"${text}" is not a whole number` };
      const big = BigInt(text);
      if (big < range[0] || big > range[1]) return { error: `${text} is outside the range of ${f.type} (${range[0]} to ${range[1]})` };
      return { value: big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big };
    }
  }
}

/** Parses the text typed for field `f` (a comma list for repeated fields). */
export function parseFieldText(f: FieldDescriptor, text: string): Parsed {
  if (!f.repeated) return parseOne(f, text);
  const parts = text.trim() === '' ? [] : text.split(',');
  const values: unknown[] = [];
  for (const [i, p] of parts.entries()) {
    const r = parseOne(f, f.type === 'string' ? p.trim() : p);
    if ('error' in r) return { error: parts.length > 1 ? `item ${i + 1}: ${r.error}` : r.error };
    values.push(r.value);
  }
  if (values.length > MAX_EDITABLE_ITEMS) return { error: `at most ${MAX_EDITABLE_ITEMS} values can be typed here` };
  if (f.type === 'float') return { value: Float32Array.from(values as number[]) };
  if (f.type === 'double') return { value: Float64Array.from(values as number[]) };
  return { value: Object.freeze(values) };
}

function oneText(f: FieldDescriptor, v: unknown): string {
  if (f.kind === 'enum') {
    const values = ENUMS[f.type]?.values ?? {};
    return Object.keys(values).find((k) => values[k] === Number(v)) ?? String(v);
  }
  return String(v);
}

/** The text an editor starts with: exact values, not the rounded display. */
export function fieldText(f: FieldDescriptor, value: unknown): string {
  if (value === undefined) return '';
  if (f.repeated) return Array.from(value as ArrayLike<unknown>, (v) => oneText(f, v)).join(', ');
  return oneText(f, value);
}
