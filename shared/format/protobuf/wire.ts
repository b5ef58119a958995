// Protocol buffer wire primitives (https://protobuf.dev/programming-guides/encoding/).
import { DecodeError } from './errors';

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_SGROUP = 3;
export const WIRE_EGROUP = 4;
export const WIRE_I32 = 5;

const TWO_32 = 4294967296;

/**
 * A cursor over a byte range. All reads check the range and throw DecodeError past its end.
 * Reads allocate nothing (decoding files of many small messages is mostly varints and lengths).
 */
export class WireReader {
  pos: number;
  /**
   * High 32 bits of the last 64-bit varint read, as a signed int32 (read it with `>>> 0`). An
   * unsigned value from 2^31 up (any negative int64) is no small integer to V8: storing one gave
   * readers a new hidden class, which no living reader kept once a decode returned, so the next
   * full GC threw away the optimized decoder (see codec.ts, hiddenClassAnchors).
   */
  private hi = 0;
  /** A view of the whole buffer, made on first use (small unaligned float arrays are read through it). */
  private dataView: DataView | undefined = undefined;
  constructor(readonly buf: Uint8Array, start: number, public end: number) {
    this.pos = start;
  }

  view(): DataView {
    return (this.dataView ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
  }

  /** Running out of bytes at the end of the whole input is truncation; inside it, a malformed field. */
  private truncated(): never {
    if (this.end === this.buf.length) throw new DecodeError('truncated', this.end);
    throw new DecodeError('field runs past the end of its enclosing message', this.end);
  }

  /** Reads a varint of up to 64 bits: returns its low 32 bits (unsigned) and leaves the high ones in `hi`. */
  private varint64(): number {
    const buf = this.buf;
    let lo = 0, hi = 0, shift = 0;
    const start = this.pos;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.truncated();
      const b = buf[this.pos++];
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) { lo |= (b & 0x0f) << 28; hi |= (b & 0x7f) >>> 4; }
      else hi |= (b & 0x7f) << (shift - 32);
      if (b < 0x80) { this.hi = hi | 0; return lo >>> 0; }
      shift += 7;
    }
    throw new DecodeError('varint longer than 10 bytes', start);
  }

  /** uint32 (and tags, lengths): a varint truncated to 32 bits. */
  uint32(): number {
    const buf = this.buf, end = this.end;
    let p = this.pos;
    if (p < end && buf[p] < 0x80) { this.pos = p + 1; return buf[p]; }
    const start = p;
    let v = 0;
    // The first five bytes carry the low 32 bits (bits shifted past 31 fall off)…
    for (let shift = 0; shift < 35; shift += 7) {
      if (p >= end) { this.pos = p; this.truncated(); }
      const b = buf[p++];
      v |= (b & 0x7f) << shift;
      if (b < 0x80) { this.pos = p; return v >>> 0; }
    }
    // …and up to five more only continue it (a negative int32 is sign-extended to ten bytes).
    for (let i = 5; i < 10; i++) {
      if (p >= end) { this.pos = p; this.truncated(); }
      if (buf[p++] < 0x80) { this.pos = p; return v >>> 0; }
    }
    throw new DecodeError('varint longer than 10 bytes', start);
  }

  int32(): number {
    return this.uint32() | 0;
  }

  /** int64: a signed 64-bit value; a number when exact, a bigint otherwise. */
  int64(): number | bigint {
    const lo = this.varint64();
    return combineSigned(lo, this.hi >>> 0);
  }

  uint64(): number | bigint {
    const lo = this.varint64();
    return combineUnsigned(lo, this.hi >>> 0);
  }

  sint32(): number {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  sint64(): number | bigint {
    const lo = this.varint64();
    const u = (BigInt(this.hi >>> 0) << 32n) | BigInt(lo);
    const v = (u >> 1n) ^ -(u & 1n);
    return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  }

  bool(): boolean {
    const lo = this.varint64();
    return lo !== 0 || this.hi !== 0;
  }

  private need(n: number): number {
    const p = this.pos;
    if (n > this.end - p) this.truncated();
    this.pos = p + n;
    return p;
  }

  fixed32(): number {
    const p = this.need(4);
    const b = this.buf;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  sfixed32(): number {
    return this.fixed32() | 0;
  }

  fixed64(): number | bigint {
    const lo = this.fixed32();
    const hi = this.fixed32();
    return combineUnsigned(lo, hi);
  }

  sfixed64(): number | bigint {
    const lo = this.fixed32();
    const hi = this.fixed32();
    return combineSigned(lo, hi);
  }

  float(): number {
    return this.view().getFloat32(this.need(4), true);
  }

  double(): number {
    return this.view().getFloat64(this.need(8), true);
  }

  /** A length prefix followed by that many bytes; returns [start, end) of the payload. */
  lengthDelimited(): [number, number] {
    const end = this.payloadEnd();
    const start = this.pos;
    this.pos = end;
    return [start, end];
  }

  /** Reads a length prefix: returns where the payload ends and leaves `pos` at its start. */
  payloadEnd(): number {
    const at = this.pos;
    const len = this.uint32();
    if (len > this.end - this.pos) {
      if (this.end === this.buf.length) throw new DecodeError('truncated', this.buf.length);
      throw new DecodeError(`length ${len} runs past the end of its enclosing message`, at);
    }
    return this.pos + len;
  }

  /** Skips one field's value of the given wire type (groups included, to a bounded depth). */
  skip(wireType: number, fieldNo: number, depth = 0): void {
    switch (wireType) {
      case WIRE_VARINT: this.varint64(); return;
      case WIRE_I64: this.need(8); return;
      case WIRE_LEN: this.lengthDelimited(); return;
      case WIRE_I32: this.need(4); return;
      case WIRE_SGROUP: {
        if (depth > 64) throw new DecodeError('groups nested too deeply', this.pos);
        for (;;) {
          const at = this.pos;
          if (this.pos >= this.end) throw new DecodeError(`group ${fieldNo} is not closed`, at);
          const tag = this.uint32();
          const wt = tag & 7, no = tag >>> 3;
          if (wt === WIRE_EGROUP) {
            if (no !== fieldNo) throw new DecodeError(`group ${fieldNo} closed by end-group ${no}`, at);
            return;
          }
          if (no === 0) throw new DecodeError('field number 0', at);
          this.skip(wt, no, depth + 1);
        }
      }
      default:
        throw new DecodeError(`invalid wire type ${wireType} for field ${fieldNo}`, this.pos);
    }
  }
}

function combineUnsigned(lo: number, hi: number): number | bigint {
  if (hi < 0x200000) return hi * TWO_32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function combineSigned(lo: number, hi: number): number | bigint {
  if (hi & 0x80000000) {
    // Negative: two's complement. Small negatives (e.g. -1 as an unbounded shape) are exact numbers.
    const nlo = (~lo + 1) >>> 0;
    const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
    if (nhi < 0x200000) return -(nhi * TWO_32 + nlo);
    return -((BigInt(nhi) << 32n) | BigInt(nlo));
  }
  return combineUnsigned(lo, hi);
}

/**
 * A byte sink sized in advance: the encoder measures every message first, then writes once into
 * a single buffer, so large weight payloads are copied exactly once.
 */
export class WireWriter {
  readonly buf: Uint8Array;
  private readonly view: DataView;
  pos = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  uint32(n: number): void {
    n >>>= 0;
    const buf = this.buf;
    while (n > 0x7f) { buf[this.pos++] = (n & 0x7f) | 0x80; n >>>= 7; }
    buf[this.pos++] = n;
  }

  /** Any integer as a 64-bit two's complement varint (int32 negatives take 10 bytes, as protobuf requires). */
  varint(n: number | bigint): void {
    if (typeof n === 'number' && n >= 0 && n <= 0xffffffff && Number.isInteger(n)) { this.uint32(n); return; }
    let u = BigInt.asUintN(64, BigInt(n));
    const buf = this.buf;
    while (u > 0x7fn) { buf[this.pos++] = Number(u & 0x7fn) | 0x80; u >>= 7n; }
    buf[this.pos++] = Number(u);
  }

  fixed32(n: number): void { this.view.setUint32(this.pos, n >>> 0, true); this.pos += 4; }
  fixed64(n: number | bigint): void { this.view.setBigUint64(this.pos, BigInt.asUintN(64, BigInt(n)), true); this.pos += 8; }
  float(n: number): void { this.view.setFloat32(this.pos, n, true); this.pos += 4; }
  double(n: number): void { this.view.setFloat64(this.pos, n, true); this.pos += 8; }
  bytes(b: Uint8Array): void { this.buf.set(b, this.pos); this.pos += b.length; }
}

export function varintSize(n: number | bigint): number {
  if (typeof n === 'number' && n >= 0 && n <= 0xffffffff && Number.isInteger(n)) {
    return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
  }
  let u = BigInt.asUintN(64, BigInt(n));
  let s = 1;
  while (u > 0x7fn) { u >>= 7n; s++; }
  return s;
}
