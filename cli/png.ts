// A PNG decoder for the command line's --image (PNG specification, W3C 2nd edition): every colour
// type (gray, RGB, palette, gray+alpha, RGBA), bit depths 1-16, Adam7 interlacing, tRNS
// transparency; zlib through node:zlib. Returns 8-bit RGBA (16-bit samples keep their high
// byte). No dependency: nothing in node_modules decodes images.
import { deflateSync, inflateSync } from 'node:zlib';

export class ImageDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

export interface RgbaImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ALLOWED_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
// Adam7 passes: x start, y start, x step, y step.
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

export const isPng = (b: Uint8Array): boolean => SIGNATURE.every((v, i) => b[i] === v);
export const isJpeg = (b: Uint8Array): boolean => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

export function decodePng(bytes: Uint8Array): RgbaImage {
  if (!isPng(bytes)) throw new ImageDecodeError('not a PNG file (no PNG signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0, height = 0, depth = 0, colorType = 0, interlace = 0;
  let palette: Uint8Array | undefined, trns: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  let seenHeader = false, ended = false;
  for (let o = 8; o + 8 <= bytes.length && !ended;) {
    const length = view.getUint32(o);
    const type = String.fromCharCode(...bytes.subarray(o + 4, o + 8));
    const data = bytes.subarray(o + 8, o + 8 + length);
    if (data.length !== length) throw new ImageDecodeError(`truncated PNG: chunk ${type} needs ${length} bytes`);
    if (type === 'IHDR') {
      width = view.getUint32(o + 8); height = view.getUint32(o + 12);
      depth = data[8]; colorType = data[9]; interlace = data[12];
      if (data[10] !== 0 || data[11] !== 0) throw new ImageDecodeError('unknown PNG compression or filter method');
      if (!ALLOWED_DEPTHS[colorType]?.includes(depth)) throw new ImageDecodeError(`invalid PNG colour type ${colorType} with bit depth ${depth}`);
      seenHeader = true;
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    o += 12 + length;
  }
  if (!seenHeader) throw new ImageDecodeError('PNG without an IHDR header');
  if (!(width > 0 && height > 0)) throw new ImageDecodeError(`PNG of ${width}×${height} pixels`);
  if (colorType === 3 && !palette) throw new ImageDecodeError('palette PNG without a PLTE chunk');
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (e) {
    throw new ImageDecodeError(`PNG image data does not inflate: ${(e as Error).message}`);
  }
  const channels = CHANNELS[colorType];
  const bitsPerPixel = channels * depth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const out = new Uint8Array(width * height * 4);
  let offset = 0;
  const passes = interlace ? ADAM7 : [[0, 0, 1, 1]];
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((width - x0) / dx), ph = Math.ceil((height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    const stride = Math.ceil((pw * bitsPerPixel) / 8);
    const rows = unfilter(raw, offset, stride, ph, bpp);
    offset += ph * (stride + 1);
    for (let y = 0; y < ph; y++) {
      const row = rows.subarray(y * stride, (y + 1) * stride);
      for (let x = 0; x < pw; x++) writePixel(out, ((y0 + y * dy) * width + x0 + x * dx) * 4, row, x, colorType, depth, palette, trns);
    }
  }
  return { width, height, pixels: out };
}

/** Reverses the per-row filters (None, Sub, Up, Average, Paeth). */
function unfilter(raw: Uint8Array, offset: number, stride: number, rows: number, bpp: number): Uint8Array {
  if (offset + rows * (stride + 1) > raw.length) throw new ImageDecodeError('truncated PNG image data');
  const out = new Uint8Array(stride * rows);
  for (let y = 0; y < rows; y++) {
    const filter = raw[offset + y * (stride + 1)];
    const src = offset + y * (stride + 1) + 1;
    const cur = y * stride, prev = (y - 1) * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[cur + i - bpp] : 0;
      const b = y > 0 ? out[prev + i] : 0;
      const c = y > 0 && i >= bpp ? out[prev + i - bpp] : 0;
      let v = raw[src + i];
      switch (filter) {
        case 0: break;
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) >> 1; break;
        case 4: {
          const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new ImageDecodeError(`unknown PNG filter type ${filter}`);
      }
      out[cur + i] = v & 0xff;
    }
  }
  return out;
}

function sample(row: Uint8Array, index: number, depth: number): number {
  if (depth === 8) return row[index];
  if (depth === 16) return (row[index * 2] << 8) | row[index * 2 + 1];
  const perByte = 8 / depth;
  const byte = row[Math.floor(index / perByte)];
  const shift = 8 - depth * ((index % perByte) + 1);
  return (byte >> shift) & ((1 << depth) - 1);
}

function writePixel(out: Uint8Array, o: number, row: Uint8Array, x: number, colorType: number, depth: number, palette?: Uint8Array, trns?: Uint8Array): void {
  const max = (1 << depth) - 1;
  const to8 = (v: number) => (depth === 16 ? v >> 8 : depth === 8 ? v : Math.round((v * 255) / max));
  const ch = CHANNELS[colorType];
  if (colorType === 3) {
    const i = sample(row, x, depth);
    if (i * 3 + 2 >= palette!.length) throw new ImageDecodeError(`PNG palette index ${i} is outside the palette`);
    out[o] = palette![i * 3]; out[o + 1] = palette![i * 3 + 1]; out[o + 2] = palette![i * 3 + 2];
    out[o + 3] = trns && i < trns.length ? trns[i] : 255;
    return;
  }
  const s = (k: number) => sample(row, x * ch + k, depth);
  if (colorType === 0 || colorType === 4) {
    const g = s(0);
    out[o] = out[o + 1] = out[o + 2] = to8(g);
    const transparent = colorType === 0 && trns && trns.length >= 2 && g === ((trns[0] << 8) | trns[1]);
    out[o + 3] = colorType === 4 ? to8(s(1)) : transparent ? 0 : 255;
    return;
  }
  const r = s(0), g = s(1), b = s(2);
  out[o] = to8(r); out[o + 1] = to8(g); out[o + 2] = to8(b);
  if (colorType === 6) out[o + 3] = to8(s(3));
  else {
    const key = trns && trns.length >= 6 ? [(trns[0] << 8) | trns[1], (trns[2] << 8) | trns[3], (trns[4] << 8) | trns[5]] : undefined;
    out[o + 3] = key && key[0] === r && key[1] === g && key[2] === b ? 0 : 255;
  }
}

/** A PNG writer for tests and fixtures: 8-bit RGBA, filter None, no interlace. */
export function encodePng(img: RgbaImage): Uint8Array {
  // node:zlib's deflate, and the CRC-32 of ISO 3309 that PNG chunks carry.
  const rows = new Uint8Array(img.height * (img.width * 4 + 1));
  for (let y = 0; y < img.height; y++) rows.set(img.pixels.subarray(y * img.width * 4, (y + 1) * img.width * 4), y * (img.width * 4 + 1) + 1);
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, img.width); dv.setUint32(4, img.height);
  ihdr[8] = 8; ihdr[9] = 6;
  return Buffer.concat([Buffer.from(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', new Uint8Array(0))]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}
