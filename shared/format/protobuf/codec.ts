// Schema-driven protobuf codec for the Core ML format.
//
// Why not a generated protobufjs codec: it turns `repeated float` weights into JS number arrays
// (slow, 2-3x the memory), drops unknown fields, and re-encodes everything canonically. This codec
// - keeps weight payloads as typed-array views of the input (`repeated float` -> Float32Array,
//   `bytes` -> Uint8Array subarray);
// - keeps unknown fields and re-emits them;
// - remembers the exact bytes each decoded message came from, so an untouched message (same
//   object: documents are immutable and edits replace the objects on the path they change) is
//   written back byte for byte, and only edited messages are re-encoded.
import { ENUMS, MESSAGES } from '../schema/descriptors.generated';
import type { FieldDescriptor, MessageDescriptor, ScalarType } from '../schema/descriptor';
import { DecodeError } from './errors';
import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT, WireReader, WireWriter, varintSize } from './wire';
import { forEachMessage } from '../walk';

type Msg = Record<string, unknown>;

/** Objects are trees at most this deep; deeper input is rejected rather than risking the stack. */
export const MAX_DEPTH = 100;

const unknownFields = new WeakMap<object, readonly Uint8Array[]>();

/** Returns its argument from `new`, so a subclass's private fields land on an existing object. */
class Stamped {
  constructor(target: object) {
    return target;
  }
}

/**
 * Where a decoded message came from: the input buffer and the byte range of its payload, kept in
 * private fields stamped onto the message object itself. Decoding thousands of small messages
 * then costs no allocation and no WeakMap entry per message (a WeakMap's entries are also
 * re-traced by every garbage collection). Private fields are invisible to spread, Object.keys,
 * equality in tests and structured cloning, so an edited copy (`{ ...msg, name }`) or a clone
 * never claims the original's bytes.
 */
class RawRange extends Stamped {
  readonly #buf: Uint8Array;
  readonly #start: number;
  readonly #end: number;
  private constructor(target: object, buf: Uint8Array, start: number, end: number) {
    super(target);
    this.#buf = buf;
    this.#start = start;
    this.#end = end;
  }

  static stamp(target: object, buf: Uint8Array, start: number, end: number): void {
    new RawRange(target, buf, start, end);
  }

  static of(msg: object): Uint8Array | undefined {
    return #buf in msg ? msg.#buf.subarray(msg.#start, msg.#end) : undefined;
  }

  static size(msg: object): number {
    return #buf in msg ? msg.#end - msg.#start : -1;
  }

  /** Copies the remembered bytes into `w`; false when `msg` has none. */
  static write(w: WireWriter, msg: object): boolean {
    if (!(#buf in msg)) return false;
    w.bytes(msg.#buf.subarray(msg.#start, msg.#end));
    return true;
  }
}

/**
 * The bytes a decoded message came from, when it corresponds to exactly one byte range of the
 * input: undefined for messages built or edited in memory, and for a singular message field that
 * occurred more than once on the wire (protobuf merges the occurrences into one message, which
 * no single range encodes; such a message is written by re-encoding its fields).
 */
export function rawEncodingOf(msg: object): Uint8Array | undefined {
  return RawRange.of(msg);
}

/** Fields of a decoded message that the schema does not know, each as its raw tag+value bytes. */
export function unknownFieldsOf(msg: object): readonly Uint8Array[] {
  return unknownFields.get(msg) ?? [];
}

/**
 * Carries a message's unknown fields over to an edited copy, so an edit never drops data the
 * schema does not describe. Surgery operations call it through `withFields`.
 */
export function copyUnknownFields<T extends object>(from: object, to: T): T {
  const u = unknownFields.get(from);
  if (u) unknownFields.set(to, u);
  return to;
}

/**
 * A large packed float/double payload that does not start on a multiple of its element size in
 * the input, so no typed array can view it: it is copied the first time the field is read, not
 * while decoding. Opening a model (its graph, shapes, findings) reads how many weights a layer
 * has, rarely the weights themselves, and the copy is the most expensive part of a decode: every
 * byte lands in memory the process has not touched yet (measured here: 100 MB of weights, 375 ms
 * copied, under 10 ms left in place). The field is a getter on the frozen message that returns
 * the same array on every read; spread, structured cloning and the encoder see an ordinary value.
 */
interface LazyFloats {
  readonly buf: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly double: boolean;
  value?: Float32Array | Float64Array;
}

/** Unaligned payloads from this size on are copied on first read (LazyFloats). */
const LAZY_FLOAT_BYTES = 4096;
const lazyFloats = new WeakMap<object, Map<string, LazyFloats>>();

function defineLazyFloats(obj: Msg, name: string, lazy: LazyFloats): void {
  Object.defineProperty(obj, name, {
    enumerable: true,
    configurable: true,
    get: () => (lazy.value ??= floatArray(lazy.buf, lazy.start, lazy.end, lazy.double)),
  });
}

/** The not-yet-copied payload of a lazily decoded float field of `msg`, if it is one. */
function lazyPayload(msg: object, name: string): Uint8Array | undefined {
  const lazy = lazyFloats.get(msg)?.get(name);
  return lazy && !lazy.value ? lazy.buf.subarray(lazy.start, lazy.end) : undefined;
}

/** The fields of `msg` whose float payload is still in the input, not yet copied (LazyFloats). */
export function uncopiedFloatFields(msg: object): string[] {
  const lazy = lazyFloats.get(msg);
  return lazy ? [...lazy].filter(([, l]) => !l.value).map(([name]) => name) : [];
}

/**
 * How many values the repeated field `name` of `msg` holds, without copying a lazily decoded
 * float payload (see LazyFloats): for checks that need a weight count, not the weights.
 */
export function repeatedCount(msg: object, name: string): number {
  const lazy = lazyFloats.get(msg)?.get(name);
  if (lazy) return (lazy.end - lazy.start) / (lazy.double ? 8 : 4);
  return (msg as Record<string, ArrayLike<unknown> | undefined>)[name]?.length ?? 0;
}

/** Unaligned float payloads up to this size are read into a typed array of their own size. */
const SMALL_COPY_BYTES = 256;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** What a field is to the decoder (CompiledField.kind). */
const K_SCALAR = 0, K_REPEATED = 1, K_FLOATS = 2, K_MESSAGE = 3, K_MESSAGES = 4, K_MAP = 5;

interface CompiledField {
  readonly d: FieldDescriptor;
  readonly name: string;
  readonly no: number;
  /** Scalar type used on the wire (enums are int32). */
  readonly scalar?: ScalarType;
  /** Wire type of one value. */
  readonly wire: number;
  readonly packable: boolean;
  readonly message?: string;
  /** The message type's compiled form, filled in on first use (types refer to each other). */
  sub?: CompiledMessage;
  /** Index of the field's oneof group in its message (-1: none). */
  readonly oneof: number;
  readonly tagSize: number;
  /**
   * How decodeRange reads it: K_SCALAR, K_REPEATED, K_FLOATS (a repeated float or double, whose
   * value may be a lazily copied payload: LazyFloats), K_MESSAGE, K_MESSAGES or K_MAP.
   */
  readonly kind: number;
  /**
   * This field's bit in the mask of fields a decode has set so far (see decodeRange), so that
   * reading the message back is skipped for a field not yet set. Bits repeat every 32 fields:
   * a field whose bit another field set is merely read back for nothing.
   */
  readonly bit: number;
}

interface CompiledMessage {
  readonly desc: MessageDescriptor;
  /** Fields by number: an array, since field numbers are small (at most a few thousand). */
  readonly byNo: readonly (CompiledField | undefined)[];
  readonly ordered: readonly CompiledField[];
  /** Member names of each oneof group, by the index in CompiledField.oneof. */
  readonly oneofs: readonly (readonly string[])[];
  /** Names of the repeated fields other than floats (whose arrays are frozen once decoded). */
  readonly arrays: readonly string[];
}

const compiled = new Map<string, CompiledMessage>();

function scalarWire(t: ScalarType): number {
  switch (t) {
    case 'double': case 'fixed64': case 'sfixed64': return WIRE_I64;
    case 'float': case 'fixed32': case 'sfixed32': return WIRE_I32;
    case 'string': case 'bytes': return WIRE_LEN;
    default: return WIRE_VARINT;
  }
}

export function messageDescriptor(typeName: string): MessageDescriptor {
  const d = MESSAGES[typeName];
  if (!d) throw new Error(`unknown message type ${typeName}`);
  return d;
}

function compile(typeName: string): CompiledMessage {
  let c = compiled.get(typeName);
  if (c) return c;
  const desc = messageDescriptor(typeName);
  const groups = Object.keys(desc.oneofs);
  const byNo = new Array<CompiledField | undefined>(Math.max(0, ...desc.fields.map((d) => d.no)) + 1).fill(undefined);
  const fields: CompiledField[] = desc.fields.map((d, i) => {
    const scalar: ScalarType | undefined = d.kind === 'scalar' ? (d.type as ScalarType) : d.kind === 'enum' ? 'int32' : undefined;
    const wire = d.kind === 'message' || d.kind === 'map' ? WIRE_LEN : scalarWire(scalar!);
    const f: CompiledField = {
      d, name: d.name, no: d.no, scalar, wire,
      packable: d.repeated && wire !== WIRE_LEN,
      message: d.kind === 'message' ? d.type : undefined,
      oneof: d.oneof ? groups.indexOf(d.oneof) : -1,
      tagSize: varintSize(d.no * 8),
      kind: d.kind === 'map' ? K_MAP : d.kind === 'message' ? (d.repeated ? K_MESSAGES : K_MESSAGE) : !d.repeated ? K_SCALAR : scalar === 'float' || scalar === 'double' ? K_FLOATS : K_REPEATED,
      bit: 1 << (i & 31),
    };
    byNo[d.no] = f;
    return f;
  });
  c = { desc, byNo, ordered: [...fields].sort((a, b) => a.no - b.no), oneofs: groups.map((g) => desc.oneofs[g]), arrays: fields.filter((f) => f.kind === K_REPEATED || f.kind === K_MESSAGES).map((f) => f.name) };
  compiled.set(typeName, c);
  return c;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** Strings up to this many bytes that are plain ASCII (most names) are decoded without TextDecoder. */
const SHORT_STRING = 48;
/**
 * Scratch arrays of char codes, one of each length up to SHORT_STRING: filled and handed to
 * String.fromCharCode whole. Setting one array's length for each string instead cost a tenth of
 * decoding a chain of small layers.
 */
const charCodes: number[][] = Array.from({ length: SHORT_STRING + 1 }, (_, n) => new Array<number>(n).fill(0));

/**
 * Bytes [s, e) of buf as a string when they are all ASCII, else undefined. Layer and blob names
 * are short ASCII strings, thousands per model: this skips a subarray and a TextDecoder call each.
 */
function shortAscii(buf: Uint8Array, s: number, e: number): string | undefined {
  const n = e - s;
  const codes = charCodes[n];
  for (let i = 0; i < n; i++) {
    const c = buf[s + i];
    if (c >= 0x80) return undefined;
    codes[i] = c;
  }
  return String.fromCharCode.apply(null, codes);
}

function readScalar(r: WireReader, t: ScalarType): unknown {
  switch (t) {
    case 'int32': return r.int32();
    case 'uint32': return r.uint32();
    case 'sint32': return r.sint32();
    case 'int64': return r.int64();
    case 'uint64': return r.uint64();
    case 'sint64': return r.sint64();
    case 'bool': return r.bool();
    case 'fixed32': return r.fixed32();
    case 'sfixed32': return r.sfixed32();
    case 'fixed64': return r.fixed64();
    case 'sfixed64': return r.sfixed64();
    case 'float': return r.float();
    case 'double': return r.double();
    case 'string': {
      const e = r.payloadEnd(), s = r.pos;
      r.pos = e;
      if (e - s <= SHORT_STRING) {
        const ascii = shortAscii(r.buf, s, e);
        if (ascii !== undefined) return ascii;
      }
      try { return utf8.decode(r.buf.subarray(s, e)); } catch { throw new DecodeError('string is not valid UTF-8', s); }
    }
    case 'bytes': {
      const e = r.payloadEnd(), s = r.pos;
      r.pos = e;
      return r.buf.subarray(s, e);
    }
  }
}

/** Refuses a packed float/double payload [s, e) that is not a whole number of values. */
function checkFloatPayload(s: number, e: number, double: boolean): void {
  const size = double ? 8 : 4;
  if ((e - s) % size !== 0) throw new DecodeError(`packed ${double ? 'double' : 'float'} payload of ${e - s} bytes is not a multiple of ${size}`, s);
}

/**
 * A typed array over bytes [s, e) of buf: a view when aligned, otherwise one copy. A small
 * unaligned payload is read value by value through `view` (a DataView of buf's bytes: the
 * reader's) into a typed array of its own, which V8 keeps on the JS heap, much cheaper than a
 * fresh ArrayBuffer; so is any payload on a big-endian machine.
 */
function floatArray(buf: Uint8Array, s: number, e: number, double: boolean, view?: DataView): Float32Array | Float64Array {
  checkFloatPayload(s, e, double);
  const size = double ? 8 : 4;
  const n = (e - s) / size;
  const off = buf.byteOffset + s;
  if (LITTLE_ENDIAN) {
    if (off % size === 0) return double ? new Float64Array(buf.buffer, off, n) : new Float32Array(buf.buffer, off, n);
    if (e - s > SMALL_COPY_BYTES) {
      const copy = Uint8Array.prototype.slice.call(buf, s, e);
      return double ? new Float64Array(copy.buffer, 0, n) : new Float32Array(copy.buffer, 0, n);
    }
  }
  const dv = view ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (double) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = dv.getFloat64(s + i * 8, true);
    return out;
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = dv.getFloat32(s + i * 4, true);
  return out;
}

/** One float/double array from pieces in wire order (packed views and runs of unpacked values). */
function concatFloat(pieces: readonly ArrayLike<number>[], double: boolean): Float32Array | Float64Array {
  let n = 0;
  for (const p of pieces) n += p.length;
  const out = double ? new Float64Array(n) : new Float32Array(n);
  let at = 0;
  for (const p of pieces) { out.set(p, at); at += p.length; }
  return out;
}

function defaultScalar(t: ScalarType): unknown {
  return t === 'string' ? '' : t === 'bool' ? false : t === 'bytes' ? new Uint8Array(0) : 0;
}

/** Reads one map entry into `map` (a later entry with the same key replaces the earlier value). */
function decodeMapEntry(r: WireReader, f: CompiledField, depth: number, map: Map<unknown, unknown>): void {
  const e = r.payloadEnd();
  const outerEnd = r.end;
  r.end = e;
  const keyType = f.d.keyType!;
  const valueScalar: ScalarType | undefined = f.d.valueKind === 'scalar' ? (f.d.type as ScalarType) : f.d.valueKind === 'enum' ? 'int32' : undefined;
  let key: unknown = defaultScalar(keyType);
  let value: unknown = valueScalar ? defaultScalar(valueScalar) : undefined;
  while (r.pos < e) {
    const at = r.pos;
    const tag = r.uint32();
    const no = tag >>> 3, wt = tag & 7;
    if (no === 1 && wt === scalarWire(keyType)) key = readScalar(r, keyType);
    else if (no === 2 && valueScalar && wt === scalarWire(valueScalar)) value = readScalar(r, valueScalar);
    else if (no === 2 && !valueScalar && wt === WIRE_LEN) {
      // The entry is a message: a value given twice is merged like any singular message field.
      value = decodeNested(r, f.sub ??= compile(f.d.type), depth + 1, value as Msg | undefined);
    } else {
      if (no === 0) throw new DecodeError('field number 0', at);
      r.skip(wt, no);
    }
  }
  r.end = outerEnd;
  map.set(key, value === undefined ? Object.freeze({}) : value);
}

/** The length-delimited message at `r.pos`, decoded with `r` bounded to it, then `r` moved past it. */
function decodeNested(r: WireReader, t: CompiledMessage, depth: number, into?: Msg): Msg {
  const e = r.payloadEnd();
  const outerEnd = r.end;
  r.end = e;
  const v = decodeRange(r, t, depth, into);
  r.end = outerEnd;
  return v;
}

/**
 * A writable copy of a message decoded earlier, for a later occurrence of the same singular
 * message field to be parsed into: repeated fields and maps are copied so they can grow.
 */
function thaw(msg: Msg): Msg {
  const obj: Msg = { ...msg };
  for (const k in obj) {
    const v = obj[k];
    if (Array.isArray(v)) obj[k] = v.slice();
    else if (v instanceof Map) obj[k] = new Map(v);
  }
  return obj;
}

/**
 * Repeated float/double fields of one message that need more than a single assignment: fields
 * seen in more than one piece (packed chunks, unpacked values, or an earlier occurrence's array),
 * kept in wire order and joined once the message ends; and fields left in the input to be copied
 * on first read (LazyFloats), by name. Made on first need: most messages have neither.
 */
class FloatState {
  pieces: Map<CompiledField, ArrayLike<number>[]> | undefined = undefined;
  lazy: Map<string, LazyFloats> | undefined = undefined;
}

/** Reads one occurrence (a packed chunk or one value) of the repeated float/double field `f` into `obj`. */
function readFloats(r: WireReader, obj: Msg, f: CompiledField, wt: number, prev: ArrayLike<number> | undefined, fs: FloatState | undefined): FloatState | undefined {
  const name = f.name, double = f.scalar === 'double', buf = r.buf;
  let pieces = fs?.pieces?.get(f);
  if (wt === WIRE_LEN) {
    const e = r.payloadEnd(), s = r.pos;
    r.pos = e;
    if (!pieces && prev === undefined && LITTLE_ENDIAN && e - s >= LAZY_FLOAT_BYTES && (buf.byteOffset + s) % (double ? 8 : 4) !== 0) {
      checkFloatPayload(s, e, double);
      const entry: LazyFloats = { buf, start: s, end: e, double };
      defineLazyFloats(obj, name, entry);
      ((fs ??= new FloatState()).lazy ??= new Map()).set(name, entry);
      return fs;
    }
    const arr = floatArray(buf, s, e, double, r.view());
    if (pieces) pieces.push(arr);
    else if (prev === undefined) obj[name] = arr;
    else ((fs ??= new FloatState()).pieces ??= new Map()).set(f, [prev, arr]);
    return fs;
  }
  if (!pieces) ((fs ??= new FloatState()).pieces ??= new Map()).set(f, pieces = prev === undefined ? [] : [prev]);
  const last = pieces[pieces.length - 1];
  const v = readScalar(r, f.scalar!) as number;
  if (Array.isArray(last)) last.push(v); else pieces.push([v]);
  return fs;
}

/** Joins the float fields read in pieces and records the lazy ones, once the message has ended. */
function finishFloats(obj: Msg, fs: FloatState): void {
  const lazy = fs.lazy;
  if (fs.pieces) {
    for (const [pf, pieces] of fs.pieces) {
      // A lazy first piece was read (copied) into `pieces`: the getter gives way to the joined array.
      if (lazy?.delete(pf.name)) delete obj[pf.name];
      obj[pf.name] = concatFloat(pieces, pf.scalar === 'double');
    }
  }
  if (lazy) {
    // A oneof member read later may have removed a lazy field.
    for (const k of [...lazy.keys()]) if (!Object.prototype.hasOwnProperty.call(obj, k)) lazy.delete(k);
    if (lazy.size) lazyFloats.set(obj, lazy);
  }
}

/**
 * Reads one occurrence (a packed chunk or one value) of a repeated scalar field other than
 * float/double onto `list`; returns the list, a new one when `list` is undefined.
 */
function readRepeatedScalar(r: WireReader, f: CompiledField, wt: number, list: unknown[] | undefined): unknown[] {
  const st = f.scalar!;
  if (wt === WIRE_LEN && f.packable) {
    list ??= [];
    const e = r.payloadEnd(), outerEnd = r.end;
    r.end = e;
    while (r.pos < e) list.push(readScalar(r, st));
    r.end = outerEnd;
    return list;
  }
  // A first value starts a one-element array: most repeated fields hold one or two values, and
  // an empty array's first push reserves room for seventeen.
  if (list === undefined) return [readScalar(r, st)];
  list.push(readScalar(r, st));
  return list;
}

/** The member set so far of each oneof group of a message a merge starts from, by group index. */
function oneofMembersOf(t: CompiledMessage, obj: Msg): (string | undefined)[] {
  return t.oneofs.map((members) => members.find((m) => obj[m] !== undefined));
}

/** Names the field a DecodeError happened in (with its index when it is a repeated message). */
function locate(e: unknown, f: CompiledField | undefined, obj: Msg): void {
  if (e instanceof DecodeError && f !== undefined) {
    const n = f.d.repeated ? ((obj[f.name] as unknown[] | undefined)?.length ?? 0) : -1;
    e.path.unshift(f.kind === K_MESSAGES ? `${f.name}[${n}]` : f.name);
  }
}

/** Freezes every array of a merged message: a merge copied the earlier message's arrays. */
function freezeArraysOf(t: CompiledMessage, obj: Msg): void {
  // The repeated fields of the type (a layer has four of about two hundred fields). Float fields
  // are typed arrays, or lazy: never frozen here.
  for (const k of t.arrays) {
    const v = obj[k];
    if (v !== undefined) Object.freeze(v);
  }
}

/**
 * Decodes `r.buf` from `r.pos` to `r.end` as message type `t`. With `into` (the message a
 * previous occurrence of the same singular field produced), parses into a copy of it, which is
 * protobuf's rule for a singular message field seen more than once: scalars last-one-wins,
 * repeated fields and unknown fields concatenate in wire order, maps merge by key (a later entry
 * replaces), and nested singular messages merge the same way, recursively; a oneof member clears
 * its siblings as it is read, exactly as a single parse over the concatenated occurrences would.
 *
 * Everything but the common cases lives in the helpers above: V8 optimizes a function later the
 * longer it is, and takes longer to, so this one is kept short (measured: when it was four times
 * as long, a deoptimized decoder ran unoptimized for a dozen decodes of a 3,000-layer chain).
 */
function decodeRange(r: WireReader, t: CompiledMessage, depth: number, into?: Msg): Msg {
  const buf = r.buf, start = r.pos, end = r.end;
  if (depth > MAX_DEPTH) throw new DecodeError(`messages nested deeper than ${MAX_DEPTH} levels`, start);
  const byNo = t.byNo;
  const obj: Msg = into === undefined ? {} : thaw(into);
  // Stamped while every new message still has the same (empty) shape: V8 then adds the private
  // fields on one fast path instead of one per message shape. A merged message is not one byte
  // range of the input, so it gets no stamp and is written by re-encoding its fields.
  if (into === undefined) RawRange.stamp(obj, buf, start, end);
  let unknown: Uint8Array[] | undefined = into === undefined ? undefined : unknownFields.get(into)?.slice();
  // The fields set so far, a bit each (CompiledField.bit). A field's value is read back from the
  // message only when its bit is set: V8 looks up a property whose name changes from one read to
  // the next in a shared cache of (hidden class, name) pairs, and most such reads found nothing.
  // A merge starts from an earlier message, where any field may be set.
  let seen = into === undefined ? 0 : -1;
  // The arrays of repeated fields this decode created, frozen once the message is complete
  // (most messages have one or two), so no field is read back to find them.
  let array0: unknown[] | undefined, array1: unknown[] | undefined, moreArrays: unknown[][] | undefined;
  // The member set so far of each oneof group, to clear it when another member is read: one group
  // (a layer's type, an activation's function) in two locals, more (or a merge) in an array by
  // group index. Allocating that array for every layer was a tenth of a decode's garbage.
  let oneofGroup = -1;
  let oneofMember: string | undefined;
  let oneofSet = into !== undefined && t.oneofs.length ? oneofMembersOf(t, obj) : undefined;
  let floats: FloatState | undefined;
  let f: CompiledField | undefined;
  try {
    while (r.pos < end) {
      f = undefined;
      const at = r.pos;
      const tag = r.uint32();
      const no = tag >>> 3, wt = tag & 7;
      if (no === 0) throw new DecodeError('field number 0 (not a protobuf message here)', at);
      f = no < byNo.length ? byNo[no] : undefined;
      if (f === undefined || (wt !== f.wire && !(f.packable && wt === WIRE_LEN))) {
        f = undefined;
        r.skip(wt, no);
        (unknown ??= []).push(buf.subarray(at, r.pos));
        continue;
      }
      const name = f.name;
      const maybeSet = (seen & f.bit) !== 0;
      seen |= f.bit;
      if (f.oneof >= 0) {
        if (oneofSet === undefined && (oneofGroup < 0 || oneofGroup === f.oneof)) {
          if (oneofMember !== undefined && oneofMember !== name) delete obj[oneofMember];
          oneofGroup = f.oneof;
          oneofMember = name;
        } else {
          if (oneofSet === undefined) { oneofSet = []; oneofSet[oneofGroup] = oneofMember; }
          const prev = oneofSet[f.oneof];
          if (prev !== undefined && prev !== name) delete obj[prev];
          oneofSet[f.oneof] = name;
        }
      }
      let created: unknown[] | undefined;
      switch (f.kind) {
        case K_SCALAR:
          obj[name] = readScalar(r, f.scalar!);
          break;
        case K_MESSAGE:
          obj[name] = decodeNested(r, f.sub ??= compile(f.message!), depth + 1, maybeSet ? obj[name] as Msg | undefined : undefined);
          break;
        case K_MESSAGES: {
          const list = maybeSet ? obj[name] as Msg[] | undefined : undefined;
          const v = decodeNested(r, f.sub ??= compile(f.message!), depth + 1);
          // A first element starts a one-element array (see readRepeatedScalar).
          if (list === undefined) obj[name] = created = [v]; else list.push(v);
          break;
        }
        case K_REPEATED: {
          const list = maybeSet ? obj[name] as unknown[] | undefined : undefined;
          const after = readRepeatedScalar(r, f, wt, list);
          if (list === undefined) obj[name] = created = after;
          break;
        }
        case K_FLOATS:
          floats = readFloats(r, obj, f, wt, maybeSet ? obj[name] as ArrayLike<number> | undefined : undefined, floats);
          break;
        default:
          decodeMapEntry(r, f, depth, (maybeSet ? obj[name] as Map<unknown, unknown> | undefined : undefined) ?? (obj[name] = new Map()) as Map<unknown, unknown>);
      }
      if (created !== undefined) {
        if (array0 === undefined) array0 = created; else if (array1 === undefined) array1 = created; else (moreArrays ??= []).push(created);
      }
    }
  } catch (e) {
    locate(e, f, obj);
    throw e;
  }
  if (floats !== undefined) finishFloats(obj, floats);
  if (into !== undefined) freezeArraysOf(t, obj);
  else if (array0 !== undefined) {
    Object.freeze(array0);
    if (array1 !== undefined) Object.freeze(array1);
    if (moreArrays !== undefined) for (const a of moreArrays) Object.freeze(a);
  }
  if (unknown) unknownFields.set(obj, unknown);
  return Object.freeze(obj);
}

/** Decodes `bytes` as the named message type (e.g. 'CoreML.Specification.Model'). */
export function decodeMessage<T>(typeName: string, bytes: Uint8Array): T {
  // A plain Uint8Array view of the same memory: Node's Buffer subclass changes what slice() means.
  const plain = Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return decodeRange(new WireReader(plain, 0, plain.length), compile(typeName), 0) as T;
}

// ---------------------------------------------------------------------------------------------
// Encoding: measure, then write into one buffer.

export interface EncodeOptions {
  /** Write untouched decoded messages from their original bytes (default). Off: re-encode all. */
  reuseRawEncoding?: boolean;
}

class Encoder {
  private readonly sizes = new Map<object, number>();
  private readonly strings = new Map<string, Uint8Array>();
  constructor(private readonly reuse: boolean) {}

  utf8(s: string): Uint8Array {
    let b = this.strings.get(s);
    if (!b) { b = utf8Encoder.encode(s); this.strings.set(s, b); }
    return b;
  }

  scalarSize(t: ScalarType, v: unknown): number {
    switch (t) {
      case 'double': case 'fixed64': case 'sfixed64': return 8;
      case 'float': case 'fixed32': case 'sfixed32': return 4;
      case 'bool': return 1;
      case 'string': { const b = this.utf8(v as string); return varintSize(b.length) + b.length; }
      case 'bytes': { const b = v as Uint8Array; return varintSize(b.length) + b.length; }
      case 'sint32': { const n = v as number; return varintSize(((n << 1) ^ (n >> 31)) >>> 0); }
      case 'sint64': { const n = BigInt(v as number); return varintSize(BigInt.asUintN(64, (n << 1n) ^ (n >> 63n))); }
      case 'uint32': return varintSize((v as number) >>> 0);
      default: return varintSize(v as number);
    }
  }

  messageSize(obj: Msg, typeName: string): number {
    if (this.reuse) { const n = RawRange.size(obj); if (n >= 0) return n; }
    const cached = this.sizes.get(obj);
    if (cached !== undefined) return cached;
    const t = compile(typeName);
    let size = 0;
    for (const f of t.ordered) {
      const raw = f.kind === K_FLOATS ? lazyPayload(obj, f.name) : undefined;
      if (raw) { size += f.tagSize + varintSize(raw.length) + raw.length; continue; }
      const v = obj[f.name];
      if (v !== undefined) size += this.fieldSize(f, v);
    }
    for (const u of unknownFields.get(obj) ?? []) size += u.length;
    this.sizes.set(obj, size);
    return size;
  }

  mapEntrySize(f: CompiledField, k: unknown, v: unknown): number {
    const ks = 1 + this.scalarSize(f.d.keyType!, k);
    let vs: number;
    if (f.d.valueKind === 'message') { const m = this.messageSize(v as Msg, f.d.type); vs = 1 + varintSize(m) + m; }
    else vs = 1 + this.scalarSize(f.d.valueKind === 'enum' ? 'int32' : (f.d.type as ScalarType), v);
    return ks + vs;
  }

  packedPayloadSize(f: CompiledField, v: ArrayLike<unknown>): number {
    const st = f.scalar!;
    if (f.wire === WIRE_I32) return v.length * 4;
    if (f.wire === WIRE_I64) return v.length * 8;
    let s = 0;
    for (let i = 0; i < v.length; i++) s += this.scalarSize(st, v[i]);
    return s;
  }

  fieldSize(f: CompiledField, v: unknown): number {
    switch (f.d.kind) {
      case 'message': {
        if (f.d.repeated) {
          let s = 0;
          for (const m of v as Msg[]) { const n = this.messageSize(m, f.message!); s += f.tagSize + varintSize(n) + n; }
          return s;
        }
        const n = this.messageSize(v as Msg, f.message!);
        return f.tagSize + varintSize(n) + n;
      }
      case 'map': {
        let s = 0;
        for (const [k, val] of v as Map<unknown, unknown>) { const n = this.mapEntrySize(f, k, val); s += f.tagSize + varintSize(n) + n; }
        return s;
      }
      default: {
        if (!f.d.repeated) return f.tagSize + this.scalarSize(f.scalar!, v);
        const arr = v as ArrayLike<unknown>;
        if (arr.length === 0) return 0;
        if (f.packable) { const n = this.packedPayloadSize(f, arr); return f.tagSize + varintSize(n) + n; }
        let s = 0;
        for (let i = 0; i < arr.length; i++) s += f.tagSize + this.scalarSize(f.scalar!, arr[i]);
        return s;
      }
    }
  }

  writeScalar(w: WireWriter, t: ScalarType, v: unknown): void {
    switch (t) {
      case 'double': w.double(v as number); return;
      case 'float': w.float(v as number); return;
      case 'fixed32': case 'sfixed32': w.fixed32(v as number); return;
      case 'fixed64': case 'sfixed64': w.fixed64(v as number); return;
      case 'bool': w.uint32(v ? 1 : 0); return;
      case 'string': { const b = this.utf8(v as string); w.uint32(b.length); w.bytes(b); return; }
      case 'bytes': { const b = v as Uint8Array; w.uint32(b.length); w.bytes(b); return; }
      case 'sint32': { const n = v as number; w.uint32(((n << 1) ^ (n >> 31)) >>> 0); return; }
      case 'sint64': { const n = BigInt(v as number); w.varint(BigInt.asUintN(64, (n << 1n) ^ (n >> 63n))); return; }
      case 'uint32': w.uint32(v as number); return;
      default: w.varint(v as number);
    }
  }

  writeMessage(w: WireWriter, obj: Msg, typeName: string): void {
    if (this.reuse && RawRange.write(w, obj)) return;
    const t = compile(typeName);
    for (const f of t.ordered) {
      // A payload not copied yet is written from the input bytes it would be copied from.
      const raw = f.kind === K_FLOATS ? lazyPayload(obj, f.name) : undefined;
      if (raw) { w.uint32((f.no * 8) | WIRE_LEN); w.uint32(raw.length); w.bytes(raw); continue; }
      const v = obj[f.name];
      if (v !== undefined) this.writeField(w, f, v);
    }
    for (const u of unknownFields.get(obj) ?? []) w.bytes(u);
  }

  writeField(w: WireWriter, f: CompiledField, v: unknown): void {
    const tag = (f.no * 8) | f.wire;
    switch (f.d.kind) {
      case 'message': {
        for (const m of f.d.repeated ? (v as Msg[]) : [v as Msg]) {
          w.uint32(tag);
          w.uint32(this.messageSize(m, f.message!));
          this.writeMessage(w, m, f.message!);
        }
        return;
      }
      case 'map': {
        const valueKind = f.d.valueKind;
        for (const [k, val] of v as Map<unknown, unknown>) {
          w.uint32(tag);
          w.uint32(this.mapEntrySize(f, k, val));
          const kt = f.d.keyType!;
          w.uint32((1 << 3) | scalarWire(kt));
          this.writeScalar(w, kt, k);
          if (valueKind === 'message') {
            w.uint32((2 << 3) | WIRE_LEN);
            w.uint32(this.messageSize(val as Msg, f.d.type));
            this.writeMessage(w, val as Msg, f.d.type);
          } else {
            const vt: ScalarType = valueKind === 'enum' ? 'int32' : (f.d.type as ScalarType);
            w.uint32((2 << 3) | scalarWire(vt));
            this.writeScalar(w, vt, val);
          }
        }
        return;
      }
      default: {
        const st = f.scalar!;
        if (!f.d.repeated) { w.uint32(tag); this.writeScalar(w, st, v); return; }
        const arr = v as ArrayLike<unknown>;
        if (arr.length === 0) return;
        if (!f.packable) { for (let i = 0; i < arr.length; i++) { w.uint32(tag); this.writeScalar(w, st, arr[i]); } return; }
        w.uint32((f.no * 8) | WIRE_LEN);
        w.uint32(this.packedPayloadSize(f, arr));
        if (LITTLE_ENDIAN && ((st === 'float' && arr instanceof Float32Array) || (st === 'double' && arr instanceof Float64Array))) {
          w.bytes(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
          return;
        }
        for (let i = 0; i < arr.length; i++) this.writeScalar(w, st, arr[i]);
      }
    }
  }
}

/**
 * One instance of each class the codec's hot loops run on, alive for as long as the module is
 * (so are the messages of an open document, whose shapes the decoder's code also refers to).
 * V8's optimized code holds the hidden classes it was compiled for weakly, and these classes
 * reach their final hidden class through transitions (fields are added as the constructor runs),
 * which are weak too. So once a full garbage collection found no reader alive (a decode's reader
 * is dropped when it returns), the hidden class went and V8 threw the optimized decoder away:
 * the next decode ran in the interpreter while V8 optimized it again. Measured on the
 * 3,000-layer chain: 12-13 ms per decode after a full GC, 2.2-2.5 ms with a reader kept alive.
 */
export const hiddenClassAnchors: readonly object[] = Object.freeze([new WireReader(new Uint8Array(0), 0, 0), new WireWriter(0), new Encoder(true), new FloatState()]);

/** Encodes a message; untouched decoded sub-messages are copied from their original bytes. */
export function encodeMessage(typeName: string, obj: object, options: EncodeOptions = {}): Uint8Array {
  const reuse = options.reuseRawEncoding !== false;
  if (reuse) {
    const raw = RawRange.of(obj);
    if (raw) return new Uint8Array(raw);
  }
  const enc = new Encoder(reuse);
  const size = enc.messageSize(obj as Msg, typeName);
  const w = new WireWriter(size);
  enc.writeMessage(w, obj as Msg, typeName);
  if (w.pos !== size) throw new Error(`internal: encoded ${w.pos} bytes, measured ${size}`);
  return w.buf;
}

/** Value names of an enum, for display: number -> NAME. */
export function enumValueName(enumName: string, value: number): string | undefined {
  const e = ENUMS[enumName];
  if (!e) return undefined;
  for (const [k, v] of Object.entries(e.values)) if (v === value) return k;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Handing a decoded document to another thread. Structured cloning copies the objects but not
// what this module remembers about them (their original bytes, their unknown fields), and a
// clone is no longer frozen. The sender describes those as offsets into the input bytes, in the
// order walkMessages visits messages; the receiver walks its clone in the same order and adopts
// them against its own copy of the same bytes. No second decode is needed.
/** Per message in walk order: start, end (-1 when none), unknown-field count, then their ranges. */
export function rawEncodingTable(typeName: string, root: object, input: Uint8Array): Float64Array {
  const out: number[] = [];
  const base = input.byteOffset;
  const sameBuffer = (b: Uint8Array) => b.buffer === input.buffer && b.byteOffset >= base && b.byteOffset + b.length <= base + input.length;
  forEachMessage(typeName, root, (message) => {
    const raw = RawRange.of(message);
    if (raw && sameBuffer(raw)) out.push(raw.byteOffset - base, raw.byteOffset - base + raw.length);
    else out.push(-1, -1);
    const unknown = (unknownFields.get(message) ?? []).filter(sameBuffer);
    out.push(unknown.length);
    for (const u of unknown) out.push(u.byteOffset - base, u.byteOffset - base + u.length);
  });
  return Float64Array.from(out);
}

/** Gives a structured clone of a decoded document back its remembered bytes, and freezes it. */
export function adoptRawEncodings(typeName: string, root: object, input: Uint8Array, table: Float64Array): void {
  let i = 0;
  forEachMessage(typeName, root, (message) => {
    if (i + 3 > table.length) throw new Error('raw encoding table is shorter than the document');
    const start = table[i++], end = table[i++], n = table[i++];
    if (start >= 0 && RawRange.size(message) < 0) RawRange.stamp(message, input, start, end);
    if (n > 0) {
      const list: Uint8Array[] = [];
      for (let k = 0; k < n; k++) { list.push(input.subarray(table[i], table[i + 1])); i += 2; }
      unknownFields.set(message, list);
    }
    for (const k in message) { const val = message[k]; if (Array.isArray(val)) Object.freeze(val); }
    Object.freeze(message);
  });
  if (i !== table.length) throw new Error('raw encoding table does not match the document');
}
