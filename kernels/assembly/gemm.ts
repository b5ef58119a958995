// Register-tiled SIMD GEMM: C[M x N] = A[M x K] * B[K x N], every matrix row-major f32.
// B is packed in panels of 8 columns (8 floats per k); A is read in place, four row streams at a
// time (packing A would cost a pass over every weight on every call, ~7% of MobileNetV2); the
// 4x8 micro-kernel keeps 8 f32x4 accumulators in registers.

import { tiles, EDGE_TILE, EDGE_BIAS } from './tiles';

export const BIAS_NONE: i32 = 0;
/** One bias per row of C: a convolution's per-output-channel bias. */
export const BIAS_PER_ROW: i32 = 1;
/** One bias per column of C: innerProduct / the gemm contract (bias of length N on each row). */
export const BIAS_PER_COL: i32 = 2;

/**
 * a * b + c: one fused multiply-add where the host has relaxed SIMD (the second build of this
 * module, see scripts/build-kernels.mjs), else a multiply and an add. relaxed_madd may or may not
 * round once; either is within the references' tolerance.
 */
// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

@inline
function clamp4(v: v128, lo: v128, hi: v128): v128 {
  // pmin/pmax keep a NaN in v (the comparison is false), as the scalar reference does.
  return f32x4.pmax(f32x4.pmin(v, hi), lo);
}

/** Packs columns [n0, n0 + cols) of a row-major B (row stride ldb bytes) into one 8-wide panel. */
export function packBRows(b: usize, ldb: usize, K: i32, n0: i32, cols: i32, dst: usize): void {
  let s = b + (<usize>n0 << 2);
  let d = dst;
  if (cols == 8) {
    for (let k = 0; k < K; k++) {
      v128.store(d, v128.load(s));
      v128.store(d, v128.load(s, 16), 16);
      s += ldb;
      d += 32;
    }
  } else {
    for (let k = 0; k < K; k++) {
      for (let c = 0; c < 8; c++) store<f32>(d + (<usize>c << 2), c < cols ? load<f32>(s + (<usize>c << 2)) : 0);
      s += ldb;
      d += 32;
    }
  }
}

/** Packs rows [n0, n0 + cols) of Bt (N x K row-major, i.e. B transposed) into one 8-wide panel. */
export function packBTransposed(bt: usize, K: i32, n0: i32, cols: i32, dst: usize): void {
  for (let c = 0; c < 8; c++) {
    let d = dst + (<usize>c << 2);
    if (c < cols) {
      let s = bt + <usize>(n0 + c) * <usize>K * 4;
      for (let k = 0; k < K; k++) {
        store<f32>(d, load<f32>(s));
        s += 4;
        d += 32;
      }
    } else {
      for (let k = 0; k < K; k++) {
        store<f32>(d, 0);
        d += 32;
      }
    }
  }
}

/**
 * One 4x8 tile of C at c (row stride ldc bytes) from rows of A at a (row stride lda bytes) and a
 * packed B panel. rows <= 4 and cols <= 8 are the valid part; missing rows re-read row 0 and
 * missing columns are zero padding, both computed and dropped.
 */
// @ts-ignore: decorator
@inline
export function kernel4x8(
  K: i32, a: usize, lda: usize, bp: usize, c: usize, ldc: usize, rows: i32, cols: i32,
  biasMode: i32, biasRow: usize, biasCol: usize, lo: v128, hi: v128,
): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  if (biasMode == BIAS_PER_ROW) {
    c00 = v128.load32_splat(biasRow); c01 = c00;
    if (rows > 1) { c10 = v128.load32_splat(biasRow, 4); c11 = c10; }
    if (rows > 2) { c20 = v128.load32_splat(biasRow, 8); c21 = c20; }
    if (rows > 3) { c30 = v128.load32_splat(biasRow, 12); c31 = c30; }
  } else if (biasMode == BIAS_PER_COL) {
    let bc = biasCol;
    if (cols < 8) {
      bc = tiles + EDGE_BIAS;
      for (let j = 0; j < 8; j++) store<f32>(bc + (<usize>j << 2), j < cols ? load<f32>(biasCol + (<usize>j << 2)) : 0);
    }
    c00 = v128.load(bc); c01 = v128.load(bc, 16);
    c10 = c00; c11 = c01; c20 = c00; c21 = c01; c30 = c00; c31 = c01;
  }
  let p0 = a;
  let p1 = rows > 1 ? a + lda : a;
  let p2 = rows > 2 ? a + 2 * lda : a;
  let p3 = rows > 3 ? a + 3 * lda : a;
  let b = bp;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(p0);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(p1);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(p2);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(p3);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    p0 += 4;
    p1 += 4;
    p2 += 4;
    p3 += 4;
    b += 32;
  }
  c00 = clamp4(c00, lo, hi); c01 = clamp4(c01, lo, hi);
  c10 = clamp4(c10, lo, hi); c11 = clamp4(c11, lo, hi);
  c20 = clamp4(c20, lo, hi); c21 = clamp4(c21, lo, hi);
  c30 = clamp4(c30, lo, hi); c31 = clamp4(c31, lo, hi);
  if (rows == 4 && cols == 8) {
    v128.store(c, c00); v128.store(c, c01, 16); c += ldc;
    v128.store(c, c10); v128.store(c, c11, 16); c += ldc;
    v128.store(c, c20); v128.store(c, c21, 16); c += ldc;
    v128.store(c, c30); v128.store(c, c31, 16);
    return;
  }
  const t = tiles + EDGE_TILE;
  v128.store(t, c00); v128.store(t, c01, 16);
  v128.store(t, c10, 32); v128.store(t, c11, 48);
  v128.store(t, c20, 64); v128.store(t, c21, 80);
  v128.store(t, c30, 96); v128.store(t, c31, 112);
  for (let r = 0; r < rows; r++) {
    const src = t + (<usize>r << 5);
    const dst = c + <usize>r * ldc;
    for (let j = 0; j < cols; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
  }
}

/**
 * Columns packed per chunk: the chunk's panels (K x chunk floats) stay in L2 while every 4-row
 * block of A sweeps them, and a strided source (1x1 convolution input planes) is read in runs of
 * chunk floats instead of 8. 128 KB of panels.
 */
export function chunkColumns(K: i32): i32 {
  return max(8, min(512, (32768 / max(K, 1)) & ~7));
}

/** Bytes of scratch gemm and conv2d need: one chunk of B panels. */
export function gemmScratchBytes(K: i32): i32 {
  return chunkColumns(K) * K * 4;
}

/**
 * C = A * Bt' for a few rows of A (an innerProduct on one vector): each output is a dot product of
 * a row of A with a row of Bt, both contiguous, so packing Bt into panels (a pass over every
 * weight per call) would cost more than the products. Four rows of Bt at a time.
 */
function gemvTransB(
  N: i32, K: i32, a: usize, bt: usize, c: usize, bias: usize, biasMode: i32, lo: f32, hi: f32, m0: i32, m1: i32, n0: i32, n1: i32,
): void {
  const K4 = K & ~3;
  const rowBytes = <usize>K << 2;
  for (let m = m0; m < m1; m++) {
    const am = a + <usize>m * rowBytes;
    const cm = c + <usize>m * (<usize>N << 2);
    let n = n0;
    for (; n + 4 <= n1; n += 4) {
      const b0 = bt + <usize>n * rowBytes;
      const b1 = b0 + rowBytes, b2 = b1 + rowBytes, b3 = b2 + rowBytes;
      let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
      for (let k = 0; k < K4; k += 4) {
        const o = <usize>k << 2;
        const av = v128.load(am + o);
        s0 = madd(av, v128.load(b0 + o), s0);
        s1 = madd(av, v128.load(b1 + o), s1);
        s2 = madd(av, v128.load(b2 + o), s2);
        s3 = madd(av, v128.load(b3 + o), s3);
      }
      let r0 = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3);
      let r1 = f32x4.extract_lane(s1, 0) + f32x4.extract_lane(s1, 1) + f32x4.extract_lane(s1, 2) + f32x4.extract_lane(s1, 3);
      let r2 = f32x4.extract_lane(s2, 0) + f32x4.extract_lane(s2, 1) + f32x4.extract_lane(s2, 2) + f32x4.extract_lane(s2, 3);
      let r3 = f32x4.extract_lane(s3, 0) + f32x4.extract_lane(s3, 1) + f32x4.extract_lane(s3, 2) + f32x4.extract_lane(s3, 3);
      for (let k = K4; k < K; k++) {
        const o = <usize>k << 2;
        const x = load<f32>(am + o);
        r0 += x * load<f32>(b0 + o);
        r1 += x * load<f32>(b1 + o);
        r2 += x * load<f32>(b2 + o);
        r3 += x * load<f32>(b3 + o);
      }
      store<f32>(cm + (<usize>n << 2), clampScalar(r0 + biasAt(bias, biasMode, m, n), lo, hi));
      store<f32>(cm + (<usize>n << 2), clampScalar(r1 + biasAt(bias, biasMode, m, n + 1), lo, hi), 4);
      store<f32>(cm + (<usize>n << 2), clampScalar(r2 + biasAt(bias, biasMode, m, n + 2), lo, hi), 8);
      store<f32>(cm + (<usize>n << 2), clampScalar(r3 + biasAt(bias, biasMode, m, n + 3), lo, hi), 12);
    }
    for (; n < n1; n++) {
      const bn = bt + <usize>n * rowBytes;
      let s = f32x4.splat(0);
      for (let k = 0; k < K4; k += 4) {
        const o = <usize>k << 2;
        s = madd(v128.load(am + o), v128.load(bn + o), s);
      }
      let r = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
      for (let k = K4; k < K; k++) r += load<f32>(am + (<usize>k << 2)) * load<f32>(bn + (<usize>k << 2));
      store<f32>(cm + (<usize>n << 2), clampScalar(r + biasAt(bias, biasMode, m, n), lo, hi));
    }
  }
}

@inline
function biasAt(bias: usize, biasMode: i32, m: i32, n: i32): f32 {
  if (biasMode == BIAS_PER_COL) return load<f32>(bias + (<usize>n << 2));
  if (biasMode == BIAS_PER_ROW) return load<f32>(bias + (<usize>m << 2));
  return 0;
}

@inline
function clampScalar(v: f32, lo: f32, hi: f32): f32 {
  // As clamp4: a NaN stays NaN.
  if (hi < v) v = hi;
  if (v < lo) v = lo;
  return v;
}

/**
 * The block [m0, m1) x [n0, n1) of C = A * B (+ bias) clamped to [lo, hi] (the whole of C is
 * 0, M, 0, N). B is K x N row-major, or N x K when transB (an innerProduct weight matrix
 * [outC, inC] used as is). biasMode: BIAS_NONE / BIAS_PER_ROW / BIAS_PER_COL.
 *
 * Every element of C is computed by the same sequence of operations whatever the block: its own
 * row of A against its own column of B in k order, started from its bias. The path (one-vector
 * product or 4x8 tiles) is chosen from the whole M, never from the block. So two threads that
 * each compute one block write exactly what one thread computing all of C writes.
 */
export function gemm(
  M: i32, N: i32, K: i32, a: usize, b: usize, transB: i32, c: usize,
  bias: usize, biasMode: i32, lo: f32, hi: f32, scratch: usize, m0: i32, m1: i32, n0: i32, n1: i32,
): void {
  if (transB && M <= 2) {
    gemvTransB(N, K, a, b, c, bias, biasMode, lo, hi, m0, m1, n0, n1);
    return;
  }
  const bp = scratch;
  const lda = <usize>K << 2;
  const loV = f32x4.splat(lo);
  const hiV = f32x4.splat(hi);
  const ldc = <usize>N << 2;
  const panelBytes = <usize>K * 32;
  const chunk = chunkColumns(K);
  for (let c0 = n0; c0 < n1; c0 += chunk) {
    const cn = min(chunk, n1 - c0);
    for (let n = c0; n < c0 + cn; n += 8) {
      const dst = bp + <usize>((n - c0) >> 3) * panelBytes;
      if (transB) packBTransposed(b, K, n, min(8, n1 - n), dst);
      else packBRows(b, ldc, K, n, min(8, n1 - n), dst);
    }
    for (let m = m0; m < m1; m += 4) {
      const am = a + <usize>m * lda;
      const rows = min(4, m1 - m);
      const crow = c + <usize>m * ldc;
      for (let n = c0; n < c0 + cn; n += 8) {
        kernel4x8(
          K, am, lda, bp + <usize>((n - c0) >> 3) * panelBytes, crow + (<usize>n << 2), ldc,
          rows, min(8, n1 - n), biasMode, bias + (<usize>m << 2), bias + (<usize>n << 2), loV, hiV,
        );
      }
    }
  }
}
