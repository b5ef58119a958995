// Depthwise 3x3 (groups == inC == outC, dilation 1), stride 1 or 2, four output pixels per f32x4.
// Each channel is copied into a zero-bordered plane first, so the inner loop has no bounds tests;
// the border sits at the same place for every channel, so it is zeroed once per call.
import { madd } from './gemm';

@inline
function clamp4(v: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmax(f32x4.pmin(v, hi), lo);
}

function paddedWidth(inW: i32, stride: i32, pl: i32, outW: i32): i32 {
  const outW4 = (outW + 3) & ~3;
  return max(pl + inW, stride * outW4 + 2);
}

function paddedHeight(inH: i32, stride: i32, pt: i32, outH: i32): i32 {
  return max(pt + inH, (outH - 1) * stride + 3);
}

export function depthwise3x3ScratchBytes(inH: i32, inW: i32, stride: i32, pt: i32, pl: i32, outH: i32, outW: i32): i32 {
  return paddedWidth(inW, stride, pl, outW) * paddedHeight(inH, stride, pt, outH) * 4;
}

@inline
function storeRow(o: usize, acc: v128, valid: i32): void {
  if (valid >= 4) {
    v128.store(o, acc);
    return;
  }
  store<f32>(o, f32x4.extract_lane(acc, 0));
  if (valid > 1) store<f32>(o, f32x4.extract_lane(acc, 1), 4);
  if (valid > 2) store<f32>(o, f32x4.extract_lane(acc, 2), 8);
}

export function depthwise3x3(
  C: i32, inH: i32, inW: i32, stride: i32, pt: i32, pl: i32, input: usize, weights: usize,
  bias: usize, hasBias: i32, output: usize, outH: i32, outW: i32, lo: f32, hi: f32, scratch: usize,
): void {
  const PW = paddedWidth(inW, stride, pl, outW);
  const PH = paddedHeight(inH, stride, pt, outH);
  const pwBytes = <usize>PW << 2;
  memory.fill(scratch, 0, <usize>PW * <usize>PH * 4);
  const loV = f32x4.splat(lo);
  const hiV = f32x4.splat(hi);
  const inPlane = <usize>inH * <usize>inW * 4;
  const outPlane = <usize>outH * <usize>outW * 4;
  const inRow = <usize>inW << 2;
  const interior = scratch + <usize>pt * pwBytes + (<usize>pl << 2);
  for (let ch = 0; ch < C; ch++) {
    const src = input + <usize>ch * inPlane;
    for (let y = 0; y < inH; y++) memory.copy(interior + <usize>y * pwBytes, src + <usize>y * inRow, inRow);
    const w = weights + <usize>ch * 36;
    const w0 = v128.load32_splat(w), w1 = v128.load32_splat(w, 4), w2 = v128.load32_splat(w, 8);
    const w3 = v128.load32_splat(w, 12), w4 = v128.load32_splat(w, 16), w5 = v128.load32_splat(w, 20);
    const w6 = v128.load32_splat(w, 24), w7 = v128.load32_splat(w, 28), w8 = v128.load32_splat(w, 32);
    const b = hasBias ? v128.load32_splat(bias + (<usize>ch << 2)) : f32x4.splat(0);
    const dstPlane = output + <usize>ch * outPlane;
    for (let oy = 0; oy < outH; oy++) {
      const r0 = scratch + <usize>(oy * stride) * pwBytes;
      const r1 = r0 + pwBytes;
      const r2 = r1 + pwBytes;
      const o = dstPlane + <usize>oy * <usize>outW * 4;
      if (stride == 1) {
        for (let ox = 0; ox < outW; ox += 4) {
          const p = <usize>ox << 2;
          let acc = madd(v128.load(r0 + p), w0, b);
          acc = madd(v128.load(r0 + p, 4), w1, acc);
          acc = madd(v128.load(r0 + p, 8), w2, acc);
          acc = madd(v128.load(r1 + p), w3, acc);
          acc = madd(v128.load(r1 + p, 4), w4, acc);
          acc = madd(v128.load(r1 + p, 8), w5, acc);
          acc = madd(v128.load(r2 + p), w6, acc);
          acc = madd(v128.load(r2 + p, 4), w7, acc);
          acc = madd(v128.load(r2 + p, 8), w8, acc);
          storeRow(o + p, clamp4(acc, loV, hiV), outW - ox);
        }
      } else {
        for (let ox = 0; ox < outW; ox += 4) {
          const p = <usize>ox << 3;
          let acc = b;
          let v0 = v128.load(r0 + p), v1 = v128.load(r0 + p, 16), v2 = v128.load(r0 + p, 8), v3 = v128.load(r0 + p, 24);
          acc = madd(f32x4.shuffle(v0, v1, 0, 2, 4, 6), w0, acc);
          acc = madd(f32x4.shuffle(v0, v1, 1, 3, 5, 7), w1, acc);
          acc = madd(f32x4.shuffle(v2, v3, 0, 2, 4, 6), w2, acc);
          v0 = v128.load(r1 + p); v1 = v128.load(r1 + p, 16); v2 = v128.load(r1 + p, 8); v3 = v128.load(r1 + p, 24);
          acc = madd(f32x4.shuffle(v0, v1, 0, 2, 4, 6), w3, acc);
          acc = madd(f32x4.shuffle(v0, v1, 1, 3, 5, 7), w4, acc);
          acc = madd(f32x4.shuffle(v2, v3, 0, 2, 4, 6), w5, acc);
          v0 = v128.load(r2 + p); v1 = v128.load(r2 + p, 16); v2 = v128.load(r2 + p, 8); v3 = v128.load(r2 + p, 24);
          acc = madd(f32x4.shuffle(v0, v1, 0, 2, 4, 6), w6, acc);
          acc = madd(f32x4.shuffle(v0, v1, 1, 3, 5, 7), w7, acc);
          acc = madd(f32x4.shuffle(v2, v3, 0, 2, 4, 6), w8, acc);
          storeRow(o + p / 2, clamp4(acc, loV, hiV), outW - ox);
        }
      }
    }
  }
}
