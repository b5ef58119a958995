// Convolution as GEMM per group: C[outC/groups x outH*outW] = W[outC/groups x K] * col[K x outH*outW],
// K = (inC/groups) * kH * kW, which is exactly Core ML's weight layout [outC, inC/groups, kH, kW].
// The im2col matrix is never built whole: each 8-column panel (8 output pixels) is gathered
// straight into the packed form the micro-kernel reads, a chunk of panels at a time (see chunkColumns).
import { packBRows, kernel4x8, chunkColumns, BIAS_NONE, BIAS_PER_ROW } from './gemm';
import { tiles, ORIGIN_X, ORIGIN_Y } from './tiles';

function im2colPanel(
  input: usize, cinG: i32, inH: i32, inW: i32, kH: i32, kW: i32, sy: i32, sx: i32, dy: i32, dx: i32,
  pt: i32, pl: i32, outW: i32, n0: i32, cols: i32, dst: usize,
): void {
  const oy = n0 / outW;
  const ox = n0 - oy * outW;
  const plane = <usize>inH * <usize>inW * 4;
  const rowBytes = <usize>inW * 4;
  let d = dst;
  if (cols == 8 && ox + 8 <= outW) {
    // The 8 pixels lie on one output row: contiguous (stride 1) or every other (stride 2) input.
    const iy0 = oy * sy - pt;
    const ix0 = ox * sx - pl;
    const zero = f32x4.splat(0);
    for (let ic = 0; ic < cinG; ic++) {
      const chan = input + <usize>ic * plane;
      for (let ky = 0; ky < kH; ky++) {
        const iy = iy0 + ky * dy;
        if (iy < 0 || iy >= inH) {
          for (let kx = 0; kx < kW; kx++) {
            v128.store(d, zero);
            v128.store(d, zero, 16);
            d += 32;
          }
          continue;
        }
        const row = chan + <usize>iy * rowBytes;
        for (let kx = 0; kx < kW; kx++) {
          const ix = ix0 + kx * dx;
          if (sx == 1 && ix >= 0 && ix + 8 <= inW) {
            const s = row + (<usize>ix << 2);
            v128.store(d, v128.load(s));
            v128.store(d, v128.load(s, 16), 16);
          } else if (sx == 2 && ix >= 0 && ix + 16 <= inW) {
            const s = row + (<usize>ix << 2);
            const v0 = v128.load(s);
            const v1 = v128.load(s, 16);
            const v2 = v128.load(s, 32);
            const v3 = v128.load(s, 48);
            v128.store(d, f32x4.shuffle(v0, v1, 0, 2, 4, 6));
            v128.store(d, f32x4.shuffle(v2, v3, 0, 2, 4, 6), 16);
          } else {
            for (let p = 0; p < 8; p++) {
              const x = ix + p * sx;
              store<f32>(d + (<usize>p << 2), x >= 0 && x < inW ? load<f32>(row + (<usize>x << 2)) : 0);
            }
          }
          d += 32;
        }
      }
    }
    return;
  }
  // General panel: pixels may wrap to the next output row, or fewer than 8 remain.
  const originY = tiles + ORIGIN_Y;
  const originX = tiles + ORIGIN_X;
  for (let p = 0; p < 8; p++) {
    const n = n0 + p;
    const py = n / outW;
    const px = n - py * outW;
    store<i32>(originY + (<usize>p << 2), py * sy - pt);
    store<i32>(originX + (<usize>p << 2), px * sx - pl);
  }
  for (let ic = 0; ic < cinG; ic++) {
    const chan = input + <usize>ic * plane;
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        for (let p = 0; p < 8; p++) {
          let v: f32 = 0;
          if (p < cols) {
            const iy = load<i32>(originY + (<usize>p << 2)) + ky * dy;
            const ix = load<i32>(originX + (<usize>p << 2)) + kx * dx;
            if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) v = load<f32>(chan + <usize>iy * rowBytes + (<usize>ix << 2));
          }
          store<f32>(d + (<usize>p << 2), v);
        }
        d += 32;
      }
    }
  }
}

/** Bytes of scratch conv2d needs: one chunk of im2col panels. */
export function conv2dScratchBytes(inC: i32, kH: i32, kW: i32, groups: i32): i32 {
  const K = (inC / groups) * kH * kW;
  return chunkColumns(K) * K * 4;
}

/**
 * One batch item; pointers are byte offsets; padBottom/padRight are implied by outH/outW.
 * Computes output channels [m0, m1) of each group (0 <= m0 < m1 <= outC / groups) at output
 * pixels [n0, n1) (of outH * outW): the whole convolution is 0, outC / groups, 0, outH * outW.
 * An output element is computed the same way whatever the block (see gemm), so blocks computed
 * by two threads equal the whole computed by one.
 */
export function conv2d(
  inC: i32, inH: i32, inW: i32, outC: i32, kH: i32, kW: i32, sy: i32, sx: i32, dy: i32, dx: i32,
  pt: i32, pl: i32, groups: i32, input: usize, weights: usize, bias: usize, hasBias: i32,
  output: usize, outH: i32, outW: i32, lo: f32, hi: f32, scratch: usize, m0: i32, m1: i32, n0: i32, n1: i32,
): void {
  const cinG = inC / groups;
  const coutG = outC / groups;
  const K = cinG * kH * kW;
  const N = outH * outW;
  const bp = scratch;
  const lda = <usize>K << 2;
  const ldc = <usize>N << 2;
  const loV = f32x4.splat(lo);
  const hiV = f32x4.splat(hi);
  // A 1x1 stride-1 unpadded convolution is a plain GEMM on the input planes.
  const pointwise = kH == 1 && kW == 1 && sy == 1 && sx == 1 && pt == 0 && pl == 0 && outH == inH && outW == inW;
  const biasMode = hasBias ? BIAS_PER_ROW : BIAS_NONE;
  const chunk = chunkColumns(K);
  const panelBytes = <usize>K * 32;
  for (let g = 0; g < groups; g++) {
    const wG = weights + <usize>g * <usize>coutG * lda;
    const inG = input + <usize>g * <usize>cinG * <usize>inH * <usize>inW * 4;
    const outG = output + <usize>g * <usize>coutG * ldc;
    const biasG = bias + <usize>g * <usize>coutG * 4;
    for (let c0 = n0; c0 < n1; c0 += chunk) {
      const cn = min(chunk, n1 - c0);
      for (let n = c0; n < c0 + cn; n += 8) {
        const dst = bp + <usize>((n - c0) >> 3) * panelBytes;
        if (pointwise) packBRows(inG, ldc, K, n, min(8, n1 - n), dst);
        else im2colPanel(inG, cinG, inH, inW, kH, kW, sy, sx, dy, dx, pt, pl, outW, n, min(8, n1 - n), dst);
      }
      for (let m = m0; m < m1; m += 4) {
        const am = wG + <usize>m * lda;
        const rows = min(4, m1 - m);
        const crow = outG + <usize>m * ldc;
        const biasM = biasG + (<usize>m << 2);
        for (let n = c0; n < c0 + cn; n += 8) {
          kernel4x8(K, am, lda, bp + <usize>((n - c0) >> 3) * panelBytes, crow + (<usize>n << 2), ldc, rows, min(8, n1 - n), biasMode, biasM, 0, loV, hiV);
        }
      }
    }
  }
}
