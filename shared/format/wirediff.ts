// Schema-free comparison of two protobuf encodings, by field-number path.
// It needs no schema on purpose: it is the referee that proves the schema-driven codec dropped or
// changed nothing. `nameWirePath` adds field names from the schema for readable reports.
import { MESSAGES } from './schema/descriptors.generated';
import type { FieldDescriptor } from './schema/descriptor';
import { WIRE_LEN, WireReader } from './protobuf/wire';

export interface WireStep { readonly no: number; readonly index: number }

export interface WireDifference {
  readonly path: readonly WireStep[];
  readonly kind: 'added' | 'removed' | 'changed';
  readonly before?: string;
  readonly after?: string;
}

interface RawField { readonly no: number; readonly wt: number; readonly value: bigint | Uint8Array }

/** Splits bytes into top-level fields, or returns null when they are not a well-formed message. */
export function parseRawFields(buf: Uint8Array): RawField[] | null {
  const r = new WireReader(buf, 0, buf.length);
  const out: RawField[] = [];
  try {
    while (r.pos < buf.length) {
      const tag = r.uint32();
      const no = tag >>> 3, wt = tag & 7;
      if (no === 0) return null;
      const start = r.pos;
      if (wt === WIRE_LEN) {
        const [s, e] = r.lengthDelimited();
        out.push({ no, wt, value: buf.subarray(s, e) });
      } else {
        if (wt === 3 || wt === 4) return null;
        r.skip(wt, no);
        out.push({ no, wt, value: bytesToBigInt(buf.subarray(start, r.pos)) });
      }
    }
  } catch {
    return null;
  }
  return out;
}

function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a === b) return true;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function preview(v: bigint | Uint8Array): string {
  if (typeof v === 'bigint') return `raw ${v.toString(16)}`;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(v.subarray(0, 64));
  const printable = /^[\x20-\x7e]*$/.test(text);
  return printable ? JSON.stringify(text) + (v.length > 64 ? '…' : '') : `${v.length} bytes`;
}

function group(fields: RawField[]): Map<number, RawField[]> {
  const m = new Map<number, RawField[]>();
  for (const f of fields) {
    const list = m.get(f.no);
    if (list) list.push(f); else m.set(f.no, [f]);
  }
  return m;
}

/** Every difference between two encodings, as field-number paths (bounded to `limit` entries). */
export function diffWire(a: Uint8Array, b: Uint8Array, limit = 1000): WireDifference[] {
  const out: WireDifference[] = [];
  const walk = (x: Uint8Array, y: Uint8Array, path: WireStep[], depth: number): void => {
    if (out.length >= limit || bytesEqual(x, y)) return;
    const fx = depth < 100 ? parseRawFields(x) : null;
    const fy = depth < 100 ? parseRawFields(y) : null;
    if (!fx || !fy) {
      out.push({ path, kind: 'changed', before: preview(x), after: preview(y) });
      return;
    }
    const gx = group(fx), gy = group(fy);
    const numbers = [...new Set([...gx.keys(), ...gy.keys()])].sort((p, q) => p - q);
    for (const no of numbers) {
      const lx = gx.get(no) ?? [], ly = gy.get(no) ?? [];
      for (let i = 0; i < Math.max(lx.length, ly.length); i++) {
        if (out.length >= limit) return;
        const p = [...path, { no, index: i }];
        const vx = lx[i], vy = ly[i];
        if (!vx) out.push({ path: p, kind: 'added', after: preview(vy.value) });
        else if (!vy) out.push({ path: p, kind: 'removed', before: preview(vx.value) });
        else if (vx.wt !== vy.wt) out.push({ path: p, kind: 'changed', before: `wire type ${vx.wt}`, after: `wire type ${vy.wt}` });
        else if (typeof vx.value === 'bigint' || typeof vy.value === 'bigint') {
          if (vx.value !== vy.value) out.push({ path: p, kind: 'changed', before: preview(vx.value), after: preview(vy.value) });
        } else walk(vx.value, vy.value, p, depth + 1);
      }
    }
  };
  walk(a, b, [], 0);
  return out;
}

/** Numeric path, e.g. "2.1[0].1". */
export function formatWirePath(path: readonly WireStep[]): string {
  return path.map((s) => (s.index ? `${s.no}[${s.index}]` : `${s.no}`)).join('.') || '(root)';
}

/** Named path from the schema where it knows the fields, e.g. "description.input[0].name". */
export function nameWirePath(rootType: string, path: readonly WireStep[]): string {
  let type: string | undefined = rootType;
  const parts: string[] = [];
  for (const step of path) {
    const f: FieldDescriptor | undefined = type ? MESSAGES[type]?.fields.find((x) => x.no === step.no) : undefined;
    if (!f) { parts.push(`#${step.no}${step.index ? `[${step.index}]` : ''}`); type = undefined; continue; }
    parts.push(f.repeated || f.kind === 'map' ? `${f.name}[${step.index}]` : f.name);
    type = f.kind === 'message' ? f.type : undefined;
  }
  return parts.join('.') || '(root)';
}

export function describeDifferences(rootType: string, diffs: readonly WireDifference[]): string[] {
  return diffs.map((d) => `${d.kind} ${nameWirePath(rootType, d.path)} (${formatWirePath(d.path)})${d.before !== undefined ? ` before=${d.before}` : ''}${d.after !== undefined ? ` after=${d.after}` : ''}`);
}
