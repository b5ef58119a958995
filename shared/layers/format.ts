// How parameter values read on a node face: short, exact and the same everywhere ("3×3",
// "[0, 2, 1, 3]", "0.001"). Used by the layer summaries and the graph's model and MIL attributes.
import { enumValueName, repeatedCount, type WeightParams } from '../format';
import type { NodeAttribute } from './types';

/**
 * Six significant digits, no trailing zeros: float32 values decoded as doubles read as written.
 * The one number format of the node faces, the inspector and the weight statistics.
 */
export function formatNumber(x: number | bigint): string {
  if (typeof x === 'bigint' || !Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(6)));
}

/** "3×3"; `fallback` is the proto's documented default when the field is absent. */
export function formatDims(values: readonly number[] | undefined, fallback?: readonly number[]): string {
  const v = values && values.length ? values : fallback ?? [];
  return v.map(formatNumber).join('×');
}

export function formatList(values: ArrayLike<number | boolean | string>): string {
  return `[${Array.from(values, (x) => (typeof x === 'number' ? formatNumber(x) : String(x))).join(', ')}]`;
}

/** Enum value as a lower-case word ("MAX" → "max"); proto3 leaves the zero value off the wire. */
export function enumLabel(enumName: string, value: number | undefined): string {
  return (enumValueName(enumName, value ?? 0) ?? String(value)).toLowerCase();
}

/** Number of elements a WeightParams holds, whatever its storage; undefined when empty. */
export function weightCount(w: WeightParams | undefined): number | undefined {
  if (!w) return undefined;
  const floats = repeatedCount(w, 'floatValue');
  if (floats) return floats;
  if (w.float16Value?.length) return w.float16Value.length / 2;
  if (w.int8RawValue?.length) return w.int8RawValue.length;
  if (w.rawValue?.length) {
    const bits = Number(w.quantization?.numberOfBits ?? 0);
    return bits > 0 ? Math.floor((w.rawValue.length * 8) / bits) : w.rawValue.length;
  }
  return undefined;
}

/** Collects attributes, skipping the ones whose value is undefined. */
export class AttributeList {
  private readonly items: NodeAttribute[] = [];

  add(name: string, value: string | number | undefined): this {
    if (value === undefined) return this;
    this.items.push({ name, value: typeof value === 'number' ? formatNumber(value) : value });
    return this;
  }

  /** Adds `name` only when the flag is set: boolean options read as present or absent. */
  flag(name: string, on: boolean | undefined): this {
    if (on) this.items.push({ name, value: 'true' });
    return this;
  }

  get list(): readonly NodeAttribute[] {
    return this.items;
  }
}
