// Differential fuzzing against protobufjs: real models from ../shared/models are mutated (bit
// flips, byte changes, fields duplicated, deleted, moved, copied between messages of the same
// type, packed floats split into unpacked and packed pieces, truncation), and for every input both
// decoders accept, every known field must decode to the same value.
//
// protobufjs departs from protobuf's parse rules in ways that have nothing to do with our codec:
// it replaces a singular message field seen twice instead of merging, does not clear a oneof's
// other members, reads a known field number whatever its wire type, reads 32-bit varints of 6-9
// bytes wrongly and reads bool from the low 32 bits only. So it is given each input rewritten to
// the one form on which every conforming parser agrees: occurrences of a singular message field
// joined into one (protobuf defines merging as parsing the concatenation), cleared oneof members
// and wrong-wire-type fields removed, 32-bit varints and bools written minimally. That rewriting is
// this file's own reading of the wire format, independent of the codec under test; when it finds
// the input malformed, our decoder must refuse it too.
//
// Every accepted input is also re-encoded from its fields by our encoder and decoded again: the
// known fields and the unknown fields must come back the same.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { loadReferenceModelType } from '../../bench/protobufjs-reference';
import { MODEL_TYPE } from '../../shared/format/model';
import { decodeMessage, encodeMessage, unknownFieldsOf } from '../../shared/format/protobuf/codec';
import type { FieldDescriptor, ScalarType } from '../../shared/format/schema/descriptor';
import { MESSAGES } from '../../shared/format/schema/descriptors.generated';
import { walkMessages } from '../../shared/format/walk';
import { isReadable, manifest, modelPath, repoRoot, sharedPresent } from '../support/shared-data';
import { seededRandom } from '../../shared/executor';

const SEED = 0x5eed2026;
const MUTATIONS_PER_MODEL = 100;
/** Seeds are the readable .mlmodel files up to this size (the time goes into decoding). */
const MAX_SEED_BYTES = 60_000;

// ---------------------------------------------------------------------------------------------
// Wire format, read and written by this test alone.

const VARINT = 0, I64 = 1, LEN = 2, SGROUP = 3, EGROUP = 4, I32 = 5;

const mulberry32 = seededRandom;

/** A varint at `pos`: low and high 32 bits and the position after it, or null if malformed. */
function readVarint(b: Uint8Array, pos: number, end: number): [number, number, number] | null {
  let lo = 0, hi = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return null;
    const byte = b[pos++], bits = byte & 0x7f;
    if (i < 4) lo |= bits << (7 * i);
    else if (i === 4) { lo |= (bits & 0x0f) << 28; hi |= bits >>> 4; }
    else hi |= bits << (7 * i - 32);
    if (byte < 0x80) return [lo >>> 0, hi >>> 0, pos];
  }
  return null;
}

function writeVarint(n: bigint): number[] {
  let u = BigInt.asUintN(64, n);
  const out: number[] = [];
  while (u > 0x7fn) { out.push(Number(u & 0x7fn) | 0x80); u >>= 7n; }
  out.push(Number(u));
  return out;
}

interface WireField {
  readonly no: number;
  readonly wt: number;
  /** The value's bytes: the varint, the fixed bytes, a length-delimited payload (without its length), or a whole group. */
  readonly value: Uint8Array;
}

/** Skips a group's contents; returns the position after its end-group tag, or null. */
function skipGroup(b: Uint8Array, pos: number, end: number, no: number, depth: number): number | null {
  if (depth > 64) return null;
  for (;;) {
    const t = readVarint(b, pos, end);
    if (!t) return null;
    const tag = t[0], fno = tag >>> 3, wt = tag & 7;
    pos = t[2];
    if (wt === EGROUP) return fno === no ? pos : null;
    if (fno === 0) return null;
    const next = skipValue(b, pos, end, wt, fno, depth + 1);
    if (next === null) return null;
    pos = next;
  }
}

function skipValue(b: Uint8Array, pos: number, end: number, wt: number, no: number, depth: number): number | null {
  switch (wt) {
    case VARINT: { const v = readVarint(b, pos, end); return v ? v[2] : null; }
    case I64: return pos + 8 <= end ? pos + 8 : null;
    case I32: return pos + 4 <= end ? pos + 4 : null;
    case LEN: {
      const v = readVarint(b, pos, end);
      if (!v || v[0] > end - v[2]) return null;
      return v[2] + v[0];
    }
    case SGROUP: return skipGroup(b, pos, end, no, depth);
    default: return null;
  }
}

/** The fields of one message, in wire order; null when the bytes are not a well-formed message. */
function parseFields(b: Uint8Array): WireField[] | null {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < b.length) {
    const t = readVarint(b, pos, b.length);
    if (!t) return null;
    const tag = t[0], no = tag >>> 3, wt = tag & 7;
    if (no === 0) return null;
    pos = t[2];
    if (wt === LEN) {
      const v = readVarint(b, pos, b.length);
      if (!v || v[0] > b.length - v[2]) return null;
      out.push({ no, wt, value: b.subarray(v[2], v[2] + v[0]) });
      pos = v[2] + v[0];
    } else {
      const next = skipValue(b, pos, b.length, wt, no, 0);
      if (next === null) return null;
      out.push({ no, wt, value: b.subarray(pos, next) });
      pos = next;
    }
  }
  return out;
}

function serialize(fields: readonly WireField[]): Uint8Array {
  const heads = fields.map((f) => [...writeVarint(BigInt(f.no * 8 + f.wt)), ...(f.wt === LEN ? writeVarint(BigInt(f.value.length)) : [])]);
  const out = new Uint8Array(fields.reduce((n, f, i) => n + heads[i].length + f.value.length, 0));
  let at = 0;
  fields.forEach((f, i) => { out.set(heads[i], at); at += heads[i].length; out.set(f.value, at); at += f.value.length; });
  return out;
}

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => { const o = new Uint8Array(a.length + b.length); o.set(a); o.set(b, a.length); return o; };

function wireOf(t: ScalarType): number {
  switch (t) {
    case 'double': case 'fixed64': case 'sfixed64': return I64;
    case 'float': case 'fixed32': case 'sfixed32': return I32;
    case 'string': case 'bytes': return LEN;
    default: return VARINT;
  }
}

/** What a field looks like to the parser: message payloads, or scalars of one wire type. */
interface FieldShape {
  readonly message?: string;
  readonly scalar?: ScalarType;
  readonly repeated: boolean;
  readonly siblings: readonly number[];
  readonly map?: FieldDescriptor;
}

const shapes = new Map<string, Map<number, FieldShape>>();
function shapeOf(typeName: string): Map<number, FieldShape> {
  let s = shapes.get(typeName);
  if (s) return s;
  const d = MESSAGES[typeName];
  const byName = new Map(d.fields.map((f) => [f.name, f.no]));
  s = new Map(d.fields.map((f) => [f.no, {
    message: f.kind === 'message' ? f.type : undefined,
    scalar: f.kind === 'scalar' ? (f.type as ScalarType) : f.kind === 'enum' ? 'int32' : undefined,
    repeated: f.repeated,
    siblings: f.oneof ? d.oneofs[f.oneof].filter((n) => n !== f.name).map((n) => byName.get(n)!) : [],
    map: f.kind === 'map' ? f : undefined,
  } satisfies FieldShape]));
  shapes.set(typeName, s);
  return s;
}

/**
 * A varint-typed value rewritten the way every conforming parser reads it: 32-bit types
 * truncated to 32 bits, bool as 0 or 1; 64-bit values are kept as they are.
 */
function canonicalVarint(t: ScalarType, lo: number, hi: number, raw: Uint8Array): Uint8Array {
  switch (t) {
    case 'bool': return Uint8Array.of(lo !== 0 || hi !== 0 ? 1 : 0);
    case 'int32': return Uint8Array.from(writeVarint(BigInt(lo | 0)));
    case 'uint32': case 'sint32': return Uint8Array.from(writeVarint(BigInt(lo >>> 0)));
    default: return raw;
  }
}

/** The canonical form of a scalar field's value, or null if malformed. */
function canonicalScalar(t: ScalarType, f: WireField): WireField | null {
  if (f.wt === VARINT) {
    const v = readVarint(f.value, 0, f.value.length);
    return v ? { ...f, value: canonicalVarint(t, v[0], v[1], f.value) } : null;
  }
  if (f.wt === LEN && wireOf(t) === VARINT) {
    // A packed run of varints: each element rewritten.
    const out: number[] = [];
    for (let p = 0; p < f.value.length;) {
      const v = readVarint(f.value, p, f.value.length);
      if (!v) return null;
      out.push(...canonicalVarint(t, v[0], v[1], f.value.subarray(p, v[2])));
      p = v[2];
    }
    return { ...f, value: Uint8Array.from(out) };
  }
  return f;
}

function canonicalMapEntry(d: FieldDescriptor, payload: Uint8Array): Uint8Array | null {
  const fields = parseFields(payload);
  if (!fields) return null;
  const keyType = d.keyType!;
  const valueScalar = d.valueKind === 'message' ? undefined : d.valueKind === 'enum' ? 'int32' : (d.type as ScalarType);
  let key: WireField | undefined, value: WireField | undefined;
  for (const f of fields) {
    if (f.no === 1 && f.wt === wireOf(keyType)) key = canonicalScalar(keyType, f) ?? undefined;
    else if (f.no === 2 && valueScalar && f.wt === wireOf(valueScalar)) value = canonicalScalar(valueScalar, f) ?? undefined;
    else if (f.no === 2 && !valueScalar && f.wt === LEN) value = value ? { ...f, value: concat(value.value, f.value) } : f;
  }
  if (value && !valueScalar) {
    const v = canonicalMessage(d.type, value.value);
    if (!v) return null;
    value = { ...value, value: v };
  }
  return serialize([key, value].filter((x): x is WireField => x !== undefined));
}

/** `payload` as `typeName`, in the canonical form described at the top; null if malformed. */
function canonicalMessage(typeName: string, payload: Uint8Array, depth = 0): Uint8Array | null {
  if (depth > 90) return null;
  const fields = parseFields(payload);
  if (!fields) return null;
  const shape = shapeOf(typeName);
  const out: (WireField | undefined)[] = [];
  const singular = new Map<number, number>(); // field number -> index in out
  for (const f of fields) {
    const s = shape.get(f.no);
    if (!s) continue; // unknown: not compared
    const wire = s.message || s.map ? LEN : wireOf(s.scalar!);
    const packable = s.repeated && !s.message && !s.map && wire !== LEN;
    if (f.wt !== wire && !(packable && f.wt === LEN)) continue; // protobuf keeps it as an unknown field
    for (const sib of s.siblings) {
      const i = singular.get(sib);
      if (i !== undefined) { out[i] = undefined; singular.delete(sib); }
    }
    if (s.message && !s.repeated) {
      const i = singular.get(f.no);
      if (i !== undefined) { out[i] = { ...out[i]!, value: concat(out[i]!.value, f.value) }; continue; }
      singular.set(f.no, out.length);
      out.push(f);
    } else if (s.message || s.map) {
      out.push(f);
    } else {
      const c = canonicalScalar(s.scalar!, f);
      if (!c) return null;
      if (!s.repeated) {
        const i = singular.get(f.no);
        if (i !== undefined) out[i] = undefined;
        singular.set(f.no, out.length);
      }
      out.push(c);
    }
  }
  const done: WireField[] = [];
  for (const f of out) {
    if (!f) continue;
    const s = shape.get(f.no)!;
    if (s.message) {
      const v = canonicalMessage(s.message, f.value, depth + 1);
      if (!v) return null;
      done.push({ ...f, value: v });
    } else if (s.map) {
      const v = canonicalMapEntry(s.map, f.value);
      if (!v) return null;
      done.push({ ...f, value: v });
    } else done.push(f);
  }
  return serialize(done);
}

// ---------------------------------------------------------------------------------------------
// Mutations on a tree of the (well-formed) seed model.

interface Node {
  readonly typeName: string;
  entries: Entry[];
}
interface Entry {
  readonly no: number;
  readonly wt: number;
  value: Uint8Array;
  child?: Node;
}

function buildTree(typeName: string, payload: Uint8Array, all: Node[]): Node {
  const node: Node = { typeName, entries: [] };
  all.push(node);
  const shape = shapeOf(typeName);
  for (const f of parseFields(payload) ?? []) {
    const s = shape.get(f.no);
    const entry: Entry = { no: f.no, wt: f.wt, value: f.value };
    if (s?.message && f.wt === LEN) entry.child = buildTree(s.message, f.value, all);
    node.entries.push(entry);
  }
  return node;
}

function writeTree(node: Node): Uint8Array {
  return serialize(node.entries.map((e) => (e.child ? { no: e.no, wt: e.wt, value: writeTree(e.child) } : e)));
}

function cloneEntry(e: Entry): Entry {
  return e.child ? { ...e, child: { typeName: e.child.typeName, entries: e.child.entries.map(cloneEntry) } } : { ...e };
}

function cloneTree(n: Node, all: Node[]): Node {
  const c: Node = { typeName: n.typeName, entries: [] };
  all.push(c);
  c.entries = n.entries.map((e) => (e.child ? { ...e, child: cloneTree(e.child, all) } : { ...e }));
  return c;
}

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)];

/** One structural change to a random message of the tree; returns its description. */
function mutateTree(rng: Rng, nodes: Node[]): string | undefined {
  const node = pick(rng, nodes.filter((n) => n.entries.length > 0));
  if (!node) return undefined;
  const i = Math.floor(rng() * node.entries.length);
  const e = node.entries[i];
  const at = Math.floor(rng() * (node.entries.length + 1));
  const where = `${node.typeName.replace('CoreML.Specification.', '')} field ${e.no}`;
  switch (Math.floor(rng() * 5)) {
    case 0:
      node.entries.splice(at, 0, cloneEntry(e));
      return `duplicate ${where} to position ${at}`;
    case 1:
      node.entries.splice(i, 1);
      return `delete ${where}`;
    case 2:
      node.entries.splice(i, 1);
      node.entries.splice(Math.min(at, node.entries.length), 0, e);
      return `move ${where} to position ${at}`;
    case 3: {
      const donors = nodes.filter((n) => n !== node && n.typeName === node.typeName && n.entries.length > 0);
      if (!donors.length) return undefined;
      const d = pick(rng, pick(rng, donors).entries);
      node.entries.splice(at, 0, cloneEntry(d));
      return `copy field ${d.no} of another ${where.split(' ')[0]} to position ${at}`;
    }
    default: {
      // A packed float/double run split into unpacked values and a packed rest.
      const s = shapeOf(node.typeName);
      const packed = node.entries.filter((x) => x.wt === LEN && !x.child && s.get(x.no)?.repeated && (s.get(x.no)?.scalar === 'float' || s.get(x.no)?.scalar === 'double') && x.value.length >= 8);
      if (!packed.length) return undefined;
      const p = pick(rng, packed);
      const size = s.get(p.no)!.scalar === 'float' ? 4 : 8;
      const n = p.value.length / size;
      const k = 1 + Math.floor(rng() * Math.min(n - 1, 8));
      const from = rng() < 0.5 ? 0 : n - k;
      const unpacked: Entry[] = [];
      for (let j = from; j < from + k; j++) unpacked.push({ no: p.no, wt: size === 4 ? I32 : I64, value: p.value.subarray(j * size, (j + 1) * size) });
      const rest: Entry = { no: p.no, wt: LEN, value: from === 0 ? p.value.subarray(k * size) : p.value.subarray(0, from * size) };
      node.entries.splice(node.entries.indexOf(p), 1, ...(from === 0 ? [...unpacked, rest] : [rest, ...unpacked]));
      return `split ${k} of ${n} packed ${size === 4 ? 'floats' : 'doubles'} of ${node.typeName.replace('CoreML.Specification.', '')} field ${p.no} off as unpacked values (${from === 0 ? 'before' : 'after'})`;
    }
  }
}

function mutate(rng: Rng, seed: Node): { bytes: Uint8Array; what: string } {
  const what: string[] = [];
  const nodes: Node[] = [];
  const tree = cloneTree(seed, nodes);
  let bytes: Uint8Array | undefined;
  const steps = rng() < 0.3 ? 2 : 1;
  for (let s = 0; s < steps; s++) {
    const r = rng();
    if (r < 0.6 && !bytes) {
      const w = mutateTree(rng, nodes);
      if (w) what.push(w);
      continue;
    }
    bytes ??= writeTree(tree);
    if (bytes.length === 0) continue;
    const p = Math.floor(rng() * bytes.length);
    if (r < 0.8) { const bit = Math.floor(rng() * 8); bytes[p] ^= 1 << bit; what.push(`flip bit ${bit} of byte ${p}`); }
    else if (r < 0.95) { const v = Math.floor(rng() * 256); bytes[p] = v; what.push(`byte ${p} = ${v}`); }
    else { bytes = bytes.slice(0, p); what.push(`truncate at ${p}`); }
  }
  return { bytes: bytes ?? writeTree(tree), what: what.join(', ') || 'none' };
}

// ---------------------------------------------------------------------------------------------
// Decoded values in one comparable form.

const scratch = new DataView(new ArrayBuffer(8));
/** FNV-1a over the numbers' float64 bits (every NaN alike), with the count. */
function hashNumbers(v: ArrayLike<number>): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isNaN(x)) scratch.setFloat64(0, NaN); else scratch.setFloat64(0, x);
    for (let k = 0; k < 8; k++) h = Math.imul(h ^ scratch.getUint8(k), 0x01000193);
  }
  return `${v.length}:${(h >>> 0).toString(16)}`;
}

function hashBytes(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return `bytes ${b.length}:${(h >>> 0).toString(16)}`;
}

const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
// protobufjs makes 64-bit values with the `long` package (installed with it), whose objects print
// their decimal value; protobufjs's own Long type declares only the bits.
type LongValue = protobuf.Long & { toString(): string };

function normScalar(t: ScalarType, v: unknown): unknown {
  if (t === 'float' || t === 'double') {
    const x = v as number;
    return Number.isNaN(x) ? 'NaN' : Object.is(x, -0) ? '-0' : x;
  }
  if (INT64.has(t)) return `${typeof v === 'object' && v !== null ? (v as LongValue).toString() : String(v)}n`;
  if (t === 'bytes') return hashBytes(v as Uint8Array);
  return v;
}

function normMapKey(t: ScalarType, k: unknown, ref: boolean): string {
  if (ref && INT64.has(t) && typeof k === 'string') {
    return (protobuf.util.LongBits.fromHash(k).toLong(t === 'uint64' || t === 'fixed64') as LongValue).toString();
  }
  return String(k);
}

/** Known fields only, present ones only (protobufjs adds empty repeated fields and maps). */
function norm(typeName: string, msg: Record<string, unknown> | null, ref: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!msg) return out;
  for (const f of [...MESSAGES[typeName].fields].sort((a, b) => a.no - b.no)) {
    if (ref && !Object.prototype.hasOwnProperty.call(msg, f.name)) continue;
    const v = msg[f.name];
    if (v === undefined || v === null) continue;
    if (f.kind === 'map') {
      const entries = v instanceof Map ? [...v] : Object.entries(v);
      if (entries.length === 0) continue;
      const valueType = f.valueKind === 'enum' ? 'int32' : (f.type as ScalarType);
      out[f.name] = entries
        .map(([k, x]) => [normMapKey(f.keyType!, k, ref), f.valueKind === 'message' ? norm(f.type, x as Record<string, unknown> | null, ref) : normScalar(valueType, x)] as const)
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    } else if (f.kind === 'message') {
      if (f.repeated) {
        const list = v as Record<string, unknown>[];
        if (list.length) out[f.name] = list.map((m) => norm(f.type, m, ref));
      } else out[f.name] = norm(f.type, v as Record<string, unknown>, ref);
    } else {
      const t: ScalarType = f.kind === 'enum' ? 'int32' : (f.type as ScalarType);
      if (!f.repeated) out[f.name] = normScalar(t, v);
      else if ((v as ArrayLike<unknown>).length === 0) continue;
      else if (t === 'float' || t === 'double') out[f.name] = `${t}[${hashNumbers(v as ArrayLike<number>)}]`;
      else out[f.name] = Array.from(v as ArrayLike<unknown>, (x) => normScalar(t, x));
    }
  }
  return out;
}

/** The first place two normalised values differ, as "path: a vs b". */
function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  return `${path || '(root)'}: ours ${JSON.stringify(a)?.slice(0, 120)} vs protobufjs ${JSON.stringify(b)?.slice(0, 120)}`;
}

function attempt<T>(fn: () => T): T | undefined {
  try { return fn(); } catch { return undefined; }
}

function unknownOf(root: object): string[] {
  return [...walkMessages(MODEL_TYPE, root)].flatMap((v) => unknownFieldsOf(v.message).map((u) => `${v.path.join('.')}:${hashBytes(u)}`));
}

// ---------------------------------------------------------------------------------------------

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

const seeds = manifest().filter((m) => isReadable(m) && m.kind === 'mlmodel' && m.bytes <= MAX_SEED_BYTES);

describe.skipIf(!sharedPresent)('differential fuzzing against protobufjs', () => {
  const ref = loadReferenceModelType(join(repoRoot, 'proto'));
  const totals = { compared: 0, rewritten: 0 };

  it('has seed models', () => {
    expect(seeds.length).toBeGreaterThanOrEqual(12);
  });

  it.each(seeds.map((m) => [m.file, m] as const))('%s', (_f, m) => {
    const original = new Uint8Array(readFileSync(modelPath(m)));
    const seedTree = buildTree(MODEL_TYPE, original, []);
    expect(sameBytes(writeTree(seedTree), original)).toBe(true);
    const rng = mulberry32(SEED ^ m.bytes);
    const problems: string[] = [];
    let compared = 0;
    for (let i = 0; i < MUTATIONS_PER_MODEL; i++) {
      const { bytes, what } = mutate(rng, seedTree);
      const label = `#${i} (${what})`;
      const ours = attempt(() => decodeMessage<Record<string, unknown>>(MODEL_TYPE, bytes));
      const canonical = canonicalMessage(MODEL_TYPE, bytes);
      if (!canonical) {
        if (ours) problems.push(`${label}: malformed input accepted`);
        continue;
      }
      if (!ours) continue;
      const theirs = attempt(() => ref.decode(canonical) as unknown as Record<string, unknown>);
      if (!theirs) continue;
      compared++;
      if (!sameBytes(canonical, bytes)) totals.rewritten++;
      const a = norm(MODEL_TYPE, ours, false);
      const diff = firstDifference(a, norm(MODEL_TYPE, theirs, true));
      if (diff) { problems.push(`${label}: ${diff}`); continue; }
      // Re-encoded from its fields (merged messages included), the document must come back whole.
      const again = decodeMessage<Record<string, unknown>>(MODEL_TYPE, encodeMessage(MODEL_TYPE, ours, { reuseRawEncoding: false }));
      const back = firstDifference(a, norm(MODEL_TYPE, again, false));
      if (back) problems.push(`${label}: re-encoded: ${back}`);
      else if (JSON.stringify(unknownOf(again)) !== JSON.stringify(unknownOf(ours))) problems.push(`${label}: re-encoded: unknown fields differ`);
    }
    expect(problems).toEqual([]);
    // Enough inputs survive mutation for the comparison to mean something.
    expect(compared).toBeGreaterThanOrEqual(MUTATIONS_PER_MODEL / 5);
    totals.compared += compared;
  });

  it('compared inputs that needed protobuf\'s merge and oneof rules, not only clean ones', () => {
    expect(totals.rewritten).toBeGreaterThanOrEqual(totals.compared / 10);
  });
});
