// Display formatting for field values. Numbers read as on the node faces (shared/layers/format).
import { formatNumber } from '../../../shared/layers';

export { formatNumber };

export function formatValue(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'bigint') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  return String(v);
}

/** "[1, 2, 3, … ]" with at most `max` values shown. */
export function formatList(values: ArrayLike<unknown>, max = 8, format: (v: unknown) => string = formatValue): string {
  const n = values.length;
  const shown: string[] = [];
  for (let i = 0; i < Math.min(n, max); i++) shown.push(format(values[i]));
  return `[${shown.join(', ')}${n > max ? ', …' : ''}]`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export const shapeText = (s: readonly number[] | undefined): string => (s ? s.map((d) => (d < 0 ? '?' : String(d))).join('×') : '');
