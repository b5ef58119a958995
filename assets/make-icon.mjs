// Draws the app icon, assets/icon.svg and assets/icon.png (512×512), from one list of shapes: a
// small layer graph with one connection being cut. No image library: shapes are rasterised with
// 4×4 supersampling and written as an RGBA PNG with node:zlib.
//   node assets/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const here = dirname(fileURLToPath(import.meta.url));

const TOP = [0x26, 0x3d, 0x6e];
const BOTTOM = [0x0f, 0x17, 0x2a];
const EDGE = '#94a3b8';
const CUT = '#f97316';

const A = [256, 132], B = [156, 268], C = [356, 268], D = [256, 396];
const mid = [(C[0] + D[0]) / 2, (C[1] + D[1]) / 2];

/** Painted in order. Every shape is a rounded rectangle, a circle or a round-capped line. */
const shapes = [
  { kind: 'rect', x: 20, y: 20, w: 472, h: 472, r: 108, fill: 'gradient' },
  { kind: 'line', from: A, to: B, width: 20, fill: EDGE },
  { kind: 'line', from: A, to: C, width: 20, fill: EDGE },
  { kind: 'line', from: B, to: D, width: 20, fill: EDGE },
  { kind: 'line', from: C, to: D, width: 20, fill: EDGE },
  { kind: 'circle', c: A, r: 48, fill: '#38bdf8' },
  { kind: 'circle', c: B, r: 48, fill: '#a78bfa' },
  { kind: 'circle', c: C, r: 48, fill: '#a78bfa' },
  { kind: 'circle', c: D, r: 48, fill: '#34d399' },
  // The cut: a gap across the C–D connection, then the blade's line through it.
  { kind: 'line', from: [mid[0] - 40, mid[1] - 29], to: [mid[0] + 40, mid[1] + 29], width: 34, fill: 'gradient' },
  { kind: 'line', from: [mid[0] - 50, mid[1] - 36], to: [mid[0] + 50, mid[1] + 36], width: 12, fill: CUT },
];

// ---------------------------------------------------------------------------------------------
// SVG

function svg() {
  const body = shapes.map((s) => {
    const fill = s.fill === 'gradient' ? 'url(#bg)' : s.fill;
    if (s.kind === 'rect') return `<rect x="${s.x}" y="${s.y}" width="${s.w}" height="${s.h}" rx="${s.r}" fill="${fill}"/>`;
    if (s.kind === 'circle') return `<circle cx="${s.c[0]}" cy="${s.c[1]}" r="${s.r}" fill="${fill}"/>`;
    return `<line x1="${s.from[0]}" y1="${s.from[1]}" x2="${s.to[0]}" y2="${s.to[1]}" stroke="${fill}" stroke-width="${s.width}" stroke-linecap="round"/>`;
  });
  const hex = (c) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">`,
    '<title>ML Surgeon</title>',
    `<defs><linearGradient id="bg" gradientUnits="userSpaceOnUse" x1="0" y1="20" x2="0" y2="492"><stop offset="0" stop-color="${hex(TOP)}"/><stop offset="1" stop-color="${hex(BOTTOM)}"/></linearGradient></defs>`,
    ...body.map((b) => `  ${b}`),
    '</svg>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Raster

const rgb = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
const gradientAt = (y) => {
  const t = Math.min(1, Math.max(0, (y - 20) / 472));
  return TOP.map((v, i) => v + (BOTTOM[i] - v) * t);
};

function inside(s, x, y) {
  if (s.kind === 'circle') return (x - s.c[0]) ** 2 + (y - s.c[1]) ** 2 <= s.r ** 2;
  if (s.kind === 'rect') {
    const qx = Math.abs(x - (s.x + s.w / 2)) - (s.w / 2 - s.r);
    const qy = Math.abs(y - (s.y + s.h / 2)) - (s.h / 2 - s.r);
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) <= s.r;
  }
  const [ax, ay] = s.from, [bx, by] = s.to;
  const dx = bx - ax, dy = by - ay;
  const t = Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy)) <= s.width / 2;
}

function raster() {
  const N = 4;
  const px = Buffer.alloc(SIZE * SIZE * 4);
  const colors = shapes.map((s) => (s.fill === 'gradient' ? null : rgb(s.fill)));
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < N; sy++) {
        for (let sx = 0; sx < N; sx++) {
          const fx = x + (sx + 0.5) / N, fy = y + (sy + 0.5) / N;
          let c = null;
          for (let i = shapes.length - 1; i >= 0; i--) {
            if (inside(shapes[i], fx, fy)) { c = colors[i] ?? gradientAt(fy); break; }
          }
          if (c) { r += c[0]; g += c[1]; b += c[2]; a += 1; }
        }
      }
      const o = (y * SIZE + x) * 4;
      if (a > 0) { px[o] = Math.round(r / a); px[o + 1] = Math.round(g / a); px[o + 2] = Math.round(b / a); }
      px[o + 3] = Math.round((a / (N * N)) * 255);
    }
  }
  return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) rgba.copy(rows, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

writeFileSync(join(here, 'icon.svg'), svg());
const out = png(raster());
writeFileSync(join(here, 'icon.png'), out);
console.log(`assets/icon.svg, assets/icon.png (${SIZE}×${SIZE}, ${out.length} bytes)`);
