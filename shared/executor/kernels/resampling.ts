// Resampling layers: upsample, resizeBilinear, cropResize (NeuralNetwork.proto, SamplingMode and
// UpsampleLayerParams.LinearUpsampleMode; conformance README points 8-10).
import { chw, makeTensor } from '../tensor';
import type { Tensor } from '../types';
import type { PartialKernelTable } from './types';

const linspace = (a: number, b: number, n: number): number[] =>
  n === 1 ? [a] : Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

/** SamplingMode grid of N points over [0, X-1], shifted by `offset`. */
function samplingGrid(method: number, X: number, N: number): number[] {
  switch (method) {
    case 0: return linspace(0, X - 1, N); // STRICT_ALIGN_ENDPOINTS_MODE
    case 1: return N === 1 ? [(X - 1) / 2] : linspace(0, X - 1, N); // ALIGN_ENDPOINTS_MODE
    case 2: return linspace(0, X - X / N, N).map((g) => Math.min(X - 1, g)); // UPSAMPLE_MODE
    case 3: { // ROI_ALIGN_MODE
      const spacing = Math.max(1, X - 1) / N;
      const start = 0.5 * spacing;
      return linspace(start, start + (N - 1) * spacing, N).map((g) => Math.min(X - 1, g));
    }
    default: throw new Error(`unknown sampling method ${method}`);
  }
}

/** Separable bilinear sampling of every [H, W] plane at grid rows gy and columns gx. */
function bilinear(src: Float32Array, srcOff: number, H: number, W: number, gy: readonly number[], gx: readonly number[], dst: Float32Array, dstOff: number): void {
  const Wo = gx.length;
  for (let i = 0; i < gy.length; i++) {
    const y = Math.min(Math.max(gy[i], 0), H - 1);
    const y0 = Math.floor(y), y1 = Math.min(y0 + 1, H - 1), fy = y - y0;
    for (let j = 0; j < Wo; j++) {
      const x = Math.min(Math.max(gx[j], 0), W - 1);
      const x0 = Math.floor(x), x1 = Math.min(x0 + 1, W - 1), fx = x - x0;
      const a = src[srcOff + y0 * W + x0], b = src[srcOff + y0 * W + x1];
      const c = src[srcOff + y1 * W + x0], d = src[srcOff + y1 * W + x1];
      const top = a + (b - a) * fx, bottom = c + (d - c) * fx;
      dst[dstOff + i * Wo + j] = top + (bottom - top) * fy;
    }
  }
}

function resizePlanes(x: Tensor, gy: readonly number[], gx: readonly number[]): Tensor {
  const { batch, C, H, W, lead } = chw(x.shape);
  const out = makeTensor([...lead, C, gy.length, gx.length]);
  const plane = gy.length * gx.length;
  for (let p = 0; p < batch * C; p++) bilinear(x.data, p * H * W, H, W, gy, gx, out.data, p * plane);
  return out;
}

/** LinearUpsampleMode grids: DEFAULT, ALIGN_CORNERS_TRUE, ALIGN_CORNERS_FALSE. */
function upsampleGrid(mode: number, Xin: number, Xout: number): number[] {
  const clamp = (g: number) => Math.min(Xin - 1, Math.max(0, g));
  if (mode === 1) { const s = Xout > 1 ? (Xin - 1) / (Xout - 1) : 0; return Array.from({ length: Xout }, (_, i) => clamp(i * s)); }
  if (mode === 2) { const s = Xin / Xout; return Array.from({ length: Xout }, (_, i) => clamp(i * s + 0.5 * s - 0.5)); }
  const s = Xout > 1 ? (Xin - Xin / Xout) / (Xout - 1) : 0;
  return Array.from({ length: Xout }, (_, i) => clamp(i * s));
}

export const RESAMPLING_KERNELS = {
  upsample: (ctx) => {
    const p = ctx.params;
    const x = ctx.inputs[0];
    const { batch, C, H, W, lead } = chw(x.shape);
    const frac = (p.fractionalScalingFactor ?? []).map(Number);
    const ints = (p.scalingFactor ?? []).map(Number);
    const [fy, fx] = frac.length === 2 ? frac : ints.length === 2 ? ints : [1, 1];
    const Ho = Math.floor(H * fy), Wo = Math.floor(W * fx);
    if ((p.mode ?? 0) === 1) {
      const lm = p.linearUpsampleMode ?? 0;
      return [resizePlanes(x, upsampleGrid(lm, H, Ho), upsampleGrid(lm, W, Wo))];
    }
    // Nearest neighbour: output pixel i reads input floor(i / factor).
    const out = makeTensor([...lead, C, Ho, Wo]);
    const rows = Array.from({ length: Ho }, (_, i) => Math.min(H - 1, Math.floor(i / fy)));
    const cols = Array.from({ length: Wo }, (_, j) => Math.min(W - 1, Math.floor(j / fx)));
    let o = 0;
    for (let pl = 0; pl < batch * C; pl++) {
      const base = pl * H * W;
      for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) out.data[o++] = x.data[base + rows[i] * W + cols[j]];
    }
    return [out];
  },
  resizeBilinear: (ctx) => {
    const x = ctx.inputs[0];
    const { H, W } = chw(x.shape);
    const t = (ctx.params.targetSize ?? []).map(Number);
    const [Ho, Wo] = t.length === 2 ? t : [1, 1];
    const m = ctx.params.mode?.samplingMethod ?? 0;
    return [resizePlanes(x, samplingGrid(m, H, Ho), samplingGrid(m, W, Wo))];
  },
  cropResize: (ctx) => {
    const p = ctx.params;
    const [x, roi] = ctx.inputs;
    if (!roi) throw new Error('needs 2 inputs (feature map, boxes)');
    if (x.shape.length !== 5 || roi.shape.length !== 5) throw new Error(`inputs must be rank 5, got [${x.shape}] and [${roi.shape}]`);
    const [, B, C, H, W] = x.shape;
    const N = roi.shape[0];
    const coords = roi.shape[2];
    if (coords !== 4 && coords !== 5) throw new Error(`boxes have ${coords} values each, expected 4 or 5`);
    const t = (p.targetSize ?? []).map(Number);
    const [Ho, Wo] = t.length === 2 ? t : [1, 1];
    const method = p.mode?.samplingMethod ?? 0;
    const boxMode = p.boxIndicesMode?.boxMode ?? 0;
    const scale = p.spatialScale || 1;
    const outB = coords === 4 ? B : 1;
    const out = makeTensor([N, outB, C, Ho, Wo]);
    const plane = H * W, oPlane = Ho * Wo;
    const grid = (start: number, end: number, n: number): number[] =>
      samplingGrid(method, end - start + 1, n).map((g) => start + g);
    for (let n = 0; n < N; n++) {
      const v = Array.from(roi.data.subarray(n * coords, (n + 1) * coords));
      const batchId = coords === 5 ? Math.round(v.shift()!) : -1;
      let [a, b, c, d] = v;
      let h1: number, w1: number, h2: number, w2: number;
      if (boxMode === 0) [h1, w1, h2, w2] = [a, b, c, d];
      else if (boxMode === 1) [w1, h1, w2, h2] = [a, b, c, d];
      else {
        if (boxMode === 3) [a, b, c, d] = [b, a, d, c];
        // [h_center, w_center, box_height, box_width]
        [h1, h2, w1, w2] = [a - c / 2, a + c / 2, b - d / 2, b + d / 2];
      }
      if (p.normalizedCoordinates) { h1 *= H - 1; h2 *= H - 1; w1 *= W - 1; w2 *= W - 1; }
      h1 *= scale; h2 *= scale; w1 *= scale; w2 *= scale;
      const gy = grid(h1, h2, Ho), gx = grid(w1, w2, Wo);
      for (let ob = 0; ob < outB; ob++) {
        const ib = coords === 5 ? batchId : ob;
        if (ib < 0 || ib >= B) throw new Error(`box ${n} names batch ${ib}, the input has ${B}`);
        for (let ch = 0; ch < C; ch++) {
          bilinear(x.data, (ib * C + ch) * plane, H, W, gy, gx, out.data, ((n * outB + ob) * C + ch) * oPlane);
        }
      }
    }
    return [out];
  },
} satisfies PartialKernelTable;
