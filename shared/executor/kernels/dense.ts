// Matrix layers: innerProduct, batchedMatmul, embedding, embeddingND (NeuralNetwork.proto).
// int8DynamicQuantize layers run in float32 on the dequantized int8 weights: Core ML quantizes the
// input to int8 at run time, so its results differ from ours by that rounding.
import { broadcastShapes, broadcastStrides, emptyTensor, makeTensor, sizeOf } from '../tensor';
import { gemm, gemmGeneral } from './conv';
import type { PartialKernelTable } from './types';

/** Index values (embedding inputs, gather indices) must be integers in range. */
function index(v: number, n: number, what: string): number {
  const i = Math.round(v);
  if (!(i >= 0 && i < n)) throw new Error(`${what} ${v} is outside [0, ${n - 1}]`);
  return i;
}

export const DENSE_KERNELS = {
  innerProduct: (ctx) => {
    const p = ctx.params;
    const x = ctx.inputs[0];
    const cin = Number(p.inputChannels ?? 0), cout = Number(p.outputChannels ?? 0);
    const s = x.shape, r = s.length;
    // NeuralNetwork.proto, InnerProductLayerParams: how each input rank becomes a matrix.
    let rows: number, outShape: number[];
    if (r === 1) { rows = 1; outShape = [cout]; }
    else if (r === 2) { rows = s[0]; outShape = [s[0], cout]; }
    else if (r === 3) { rows = s[0] * s[1]; outShape = [s[0], s[1], cout]; }
    else if (r === 4) { rows = s[0]; outShape = [s[0], cout, 1, 1]; }
    else if (r === 5) { rows = s[0] * s[1]; outShape = [s[0], s[1], cout, 1, 1]; }
    else throw new Error(`input rank ${r} (innerProduct takes rank 1 to 5)`);
    if (x.data.length !== rows * cin) throw new Error(`input [${s}] does not hold rows of inputChannels ${cin}`);
    const w = ctx.weights(p.weights, { count: cin * cout, what: 'weights' });
    const bias = p.hasBias ? ctx.weights(p.bias, { count: cout, what: 'bias' }) : undefined;
    const out = emptyTensor(outShape);
    // Weights [C_out, C_in] as stored are Bᵀ; cached per model, so the kernel heap keeps its copy.
    gemmGeneral({ M: rows, N: cout, K: cin, A: x.data, B: w, transB: true, C: out.data, bias, constantB: true });
    return [out];
  },
  batchedMatmul: (ctx) => {
    const p = ctx.params;
    const [a0, b0] = ctx.inputs;
    if (!b0) {
      // One input: weights [X1, X2] stored column-major, i.e. the stored floats are Wᵀ row-major.
      const x1 = Number(p.weightMatrixFirstDimension ?? 0), x2 = Number(p.weightMatrixSecondDimension ?? 0);
      const k = a0.shape[a0.shape.length - 1];
      if (k !== x1) throw new Error(`input's last axis is ${k}, weightMatrixFirstDimension is ${x1}`);
      const stored = ctx.weights(p.weights, { count: x1 * x2, what: 'weights' });
      const bias = p.hasBias ? ctx.weights(p.bias, { count: x2, what: 'bias' }) : undefined;
      const rows = a0.data.length / x1;
      const out = makeTensor(a0.shape.length <= 1 ? [x2] : [...a0.shape.slice(0, -1), x2]);
      gemmGeneral({ M: rows, N: x2, K: x1, A: a0.data, B: stored, transB: true, C: out.data, bias, constantB: true });
      return [out];
    }
    // Two inputs: numpy.matmul with broadcasting over the leading axes.
    let a = a0, b = b0;
    const aVec = a.shape.length === 1, bVec = b.shape.length === 1;
    if (aVec) a = makeTensor([1, a.shape[0]], a.data);
    if (bVec) b = makeTensor([b.shape[0], 1], b.data);
    const ta = !!p.transposeA, tb = !!p.transposeB;
    const ar = a.shape.length, br = b.shape.length;
    const [am, ak] = ta ? [a.shape[ar - 1], a.shape[ar - 2]] : [a.shape[ar - 2], a.shape[ar - 1]];
    const [bk, bn] = tb ? [b.shape[br - 1], b.shape[br - 2]] : [b.shape[br - 2], b.shape[br - 1]];
    if (ak !== bk) throw new Error(`inner dimensions differ: [${a0.shape}] × [${b0.shape}]`);
    const lead = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const outRank = Math.max(2, a0.shape.length, b0.shape.length);
    const shape = [...lead, am, bn];
    while (shape.length < outRank) shape.unshift(1);
    const out = makeTensor(shape);
    const sa = broadcastStrides(a.shape.slice(0, -2), lead).map((v) => v * a.shape[ar - 2] * a.shape[ar - 1]);
    const sb = broadcastStrides(b.shape.slice(0, -2), lead).map((v) => v * b.shape[br - 2] * b.shape[br - 1]);
    const nb = sizeOf(lead);
    const A = new Float32Array(am * ak), B = new Float32Array(bk * bn), C = new Float32Array(am * bn);
    const idx = new Array<number>(lead.length).fill(0);
    for (let i = 0; i < nb; i++) {
      let oa = 0, ob = 0;
      for (let d = 0; d < lead.length; d++) { oa += idx[d] * sa[d]; ob += idx[d] * sb[d]; }
      for (let m = 0; m < am; m++) for (let kk = 0; kk < ak; kk++) A[m * ak + kk] = ta ? a.data[oa + kk * am + m] : a.data[oa + m * ak + kk];
      for (let kk = 0; kk < bk; kk++) for (let n = 0; n < bn; n++) B[kk * bn + n] = tb ? b.data[ob + n * bk + kk] : b.data[ob + kk * bn + n];
      gemm(am, bn, ak, A, B, C);
      out.data.set(C, i * am * bn);
      for (let d = lead.length - 1; d >= 0; d--) { if (++idx[d] < lead[d]) break; idx[d] = 0; }
    }
    return [out];
  },
  embedding: (ctx) => {
    const p = ctx.params;
    const x = ctx.inputs[0];
    const dim = Number(p.inputDim ?? 0), cout = Number(p.outputChannels ?? 0);
    const s = x.shape;
    if (s.length < 3 || s.slice(-3).some((d) => d !== 1)) throw new Error(`input [${s}] must end in 1, 1, 1`);
    const w = ctx.weights(p.weights, { count: dim * cout, what: 'weights' });
    const bias = p.hasBias ? ctx.weights(p.bias, { count: cout, what: 'bias' }) : undefined;
    const n = x.data.length;
    const out = makeTensor([...s.slice(0, -3), cout, 1, 1]);
    for (let i = 0; i < n; i++) {
      const k = index(x.data[i], dim, 'index');
      for (let c = 0; c < cout; c++) out.data[i * cout + c] = w[c * dim + k] + (bias ? bias[c] : 0);
    }
    return [out];
  },
  embeddingND: (ctx) => {
    const p = ctx.params;
    const x = ctx.inputs[0];
    const vocab = Number(p.vocabSize ?? 0), e = Number(p.embeddingSize ?? 0);
    if (x.shape[x.shape.length - 1] !== 1) throw new Error(`input [${x.shape}] must end in 1`);
    const w = ctx.weights(p.weights, { count: vocab * e, what: 'weights' });
    const bias = p.hasBias ? ctx.weights(p.bias, { count: e, what: 'bias' }) : undefined;
    const out = makeTensor([...x.shape.slice(0, -1), e]);
    for (let i = 0; i < x.data.length; i++) {
      const k = index(x.data[i], vocab, 'index');
      for (let c = 0; c < e; c++) out.data[i * e + c] = w[c * vocab + k] + (bias ? bias[c] : 0);
    }
    return [out];
  },
} satisfies PartialKernelTable;
