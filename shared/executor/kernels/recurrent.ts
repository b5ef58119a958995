// Recurrent layers (NeuralNetwork.proto): simpleRecurrent, gru, uniDirectionalLSTM,
// biDirectionalLSTM. Input [Seq, Batch, inputVectorSize, 1, 1]; optional initial states
// [1, Batch, outputVectorSize, 1, 1]; pre-activations are clipped to [-50, 50].
// Reading in reverse: a unidirectional layer with reverseInput hands out its outputs in the order
// it computed them (output k after k+1 steps from the end), as coremltools' recurrent op tests
// expect of the NN backend (torch run on the flipped sequence, outputs not flipped back); the
// backward half of biDirectionalLSTM is aligned with the input instead, as the proto's example
// lays out ([yf_1, yb_3] first).
import type { ActivationParams, LSTMParams, LSTMWeightParams, WeightParams } from '../../format';
import type { ReadWeightsOptions } from '../../weights';
import { makeTensor } from '../tensor';
import type { Tensor } from '../types';
import { activationFunction } from './activation';
import type { PartialKernelTable } from './types';

type Weights = (w: WeightParams | undefined, o?: ReadWeightsOptions) => Float32Array;
type Act = (x: number) => number;

const clip50 = (v: number): number => (v > 50 ? 50 : v < -50 ? -50 : v);

function act(p: ActivationParams | undefined, weights: Weights, dflt: Act): Act {
  if (!p) return dflt;
  const f = activationFunction(p, weights, 1);
  return (x) => f(x, 0);
}

function sequenceOf(x: Tensor, inSize: number): { seq: number; batch: number } {
  const s = x.shape;
  const seq = s.length >= 5 ? s[s.length - 5] : 1;
  const batch = s.length >= 4 ? s[s.length - 4] : 1;
  if (seq * batch * inSize !== x.data.length) throw new Error(`input [${s}] does not hold vectors of inputVectorSize ${inSize}`);
  return { seq, batch };
}

/** y += M · v for an [rows, cols] row-major matrix. */
function matVec(m: Float32Array, v: Float32Array | Float64Array, vOff: number, rows: number, cols: number, y: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const base = r * cols;
    for (let c = 0; c < cols; c++) s += m[base + c] * v[vOff + c];
    y[r] += s;
  }
}

function initialState(t: Tensor | undefined, batch: number, n: number, what: string): Float64Array {
  const s = new Float64Array(batch * n);
  if (t) {
    if (t.data.length !== batch * n) throw new Error(`${what} holds ${t.data.length} values, expected ${batch * n}`);
    s.set(t.data);
  }
  return s;
}

interface LstmRun { y: Float32Array; h: Float64Array; c: Float64Array }

function runLstm(
  x: Tensor, seq: number, batch: number, inSize: number, out: number, params: LSTMParams | undefined, w: LSTMWeightParams | undefined,
  acts: readonly (ActivationParams | undefined)[], weights: Weights, reverse: boolean, h0: Tensor | undefined, c0: Tensor | undefined,
  yStride: number, yOffset: number, y: Float32Array, alignToInput: boolean,
): LstmRun {
  const p = params ?? {};
  const W = (m: WeightParams | undefined, what: string) => weights(m, { count: out * inSize, what });
  const R = (m: WeightParams | undefined, what: string) => weights(m, { count: out * out, what });
  const V = (m: WeightParams | undefined, what: string, on: boolean) => (on ? weights(m, { count: out, what }) : new Float32Array(out));
  const Wi = W(w?.inputGateWeightMatrix, 'inputGateWeightMatrix'), Wf = W(w?.forgetGateWeightMatrix, 'forgetGateWeightMatrix');
  const Wz = W(w?.blockInputWeightMatrix, 'blockInputWeightMatrix'), Wo = W(w?.outputGateWeightMatrix, 'outputGateWeightMatrix');
  const Ri = R(w?.inputGateRecursionMatrix, 'inputGateRecursionMatrix'), Rf = R(w?.forgetGateRecursionMatrix, 'forgetGateRecursionMatrix');
  const Rz = R(w?.blockInputRecursionMatrix, 'blockInputRecursionMatrix'), Ro = R(w?.outputGateRecursionMatrix, 'outputGateRecursionMatrix');
  const bias = !!p.hasBiasVectors, peep = !!p.hasPeepholeVectors;
  const bi = V(w?.inputGateBiasVector, 'inputGateBiasVector', bias), bf = V(w?.forgetGateBiasVector, 'forgetGateBiasVector', bias);
  const bz = V(w?.blockInputBiasVector, 'blockInputBiasVector', bias), bo = V(w?.outputGateBiasVector, 'outputGateBiasVector', bias);
  const pi = V(w?.inputGatePeepholeVector, 'inputGatePeepholeVector', peep), pf = V(w?.forgetGatePeepholeVector, 'forgetGatePeepholeVector', peep);
  const po = V(w?.outputGatePeepholeVector, 'outputGatePeepholeVector', peep);
  const sigmoid: Act = (v) => 1 / (1 + Math.exp(-v));
  const fA = act(acts[0], weights, sigmoid), gA = act(acts[1], weights, Math.tanh), hA = act(acts[2], weights, Math.tanh);
  const forgetOne = p.forgetBias ? 1 : 0;
  const cellClip = p.cellClipThreshold || 50;
  const h = initialState(h0, batch, out, 'initial output state'), c = initialState(c0, batch, out, 'initial cell state');
  const gi = new Float64Array(out), gf = new Float64Array(out), gz = new Float64Array(out), go = new Float64Array(out);
  for (let step = 0; step < seq; step++) {
    const t = reverse ? seq - 1 - step : step;
    for (let b = 0; b < batch; b++) {
      const xOff = (t * batch + b) * inSize;
      const hb = h.subarray(b * out, (b + 1) * out), cb = c.subarray(b * out, (b + 1) * out);
      gi.fill(0); gf.fill(0); gz.fill(0); go.fill(0);
      matVec(Wi, x.data, xOff, out, inSize, gi); matVec(Ri, hb, 0, out, out, gi);
      matVec(Wf, x.data, xOff, out, inSize, gf); matVec(Rf, hb, 0, out, out, gf);
      matVec(Wz, x.data, xOff, out, inSize, gz); matVec(Rz, hb, 0, out, out, gz);
      matVec(Wo, x.data, xOff, out, inSize, go); matVec(Ro, hb, 0, out, out, go);
      for (let k = 0; k < out; k++) {
        const i = fA(clip50(gi[k] + pi[k] * cb[k] + bi[k]));
        const f = fA(clip50(gf[k] + pf[k] * cb[k] + bf[k] + forgetOne));
        const z = gA(clip50(gz[k] + bz[k]));
        let cn = p.coupledInputAndForgetGate ? cb[k] * (1 - i) + i * z : cb[k] * f + i * z;
        cn = Math.min(cellClip, Math.max(-cellClip, cn));
        const o = fA(clip50(go[k] + po[k] * cn + bo[k]));
        cb[k] = cn;
        gi[k] = hA(cn) * o; // the new output, written to h after every gate has read the old one
      }
      hb.set(gi);
      const yi = (p.sequenceOutput ? (alignToInput ? t : step) : 0) * batch + b;
      for (let k = 0; k < out; k++) y[yi * yStride + yOffset + k] = hb[k];
    }
  }
  if (!p.sequenceOutput) {
    for (let b = 0; b < batch; b++) for (let k = 0; k < out; k++) y[b * yStride + yOffset + k] = h[b * out + k];
  }
  return { y, h, c };
}

const state = (v: Float64Array, batch: number, n: number): Tensor => makeTensor([1, batch, n, 1, 1], Float32Array.from(v));

export const RECURRENT_KERNELS = {
  simpleRecurrent: (ctx) => {
    const p = ctx.params;
    const [x, h0] = ctx.inputs;
    const inSize = Number(p.inputVectorSize ?? 0), out = Number(p.outputVectorSize ?? 0);
    const { seq, batch } = sequenceOf(x, inSize);
    const W = ctx.weights(p.weightMatrix, { count: out * inSize, what: 'weightMatrix' });
    const R = ctx.weights(p.recursionMatrix, { count: out * out, what: 'recursionMatrix' });
    const bias = p.hasBiasVector ? ctx.weights(p.biasVector, { count: out, what: 'biasVector' }) : new Float32Array(out);
    const f = act(p.activation, ctx.weights, Math.tanh);
    const h = initialState(h0, batch, out, 'initial state');
    const yShape = [p.sequenceOutput ? seq : 1, batch, out, 1, 1];
    const y = makeTensor(yShape);
    const acc = new Float64Array(out);
    for (let step = 0; step < seq; step++) {
      const t = p.reverseInput ? seq - 1 - step : step;
      for (let b = 0; b < batch; b++) {
        acc.fill(0);
        const hb = h.subarray(b * out, (b + 1) * out);
        matVec(W, x.data, (t * batch + b) * inSize, out, inSize, acc);
        matVec(R, hb, 0, out, out, acc);
        for (let k = 0; k < out; k++) hb[k] = f(clip50(acc[k] + bias[k]));
        if (p.sequenceOutput) for (let k = 0; k < out; k++) y.data[(step * batch + b) * out + k] = hb[k];
      }
    }
    if (!p.sequenceOutput) y.data.set(Float32Array.from(h));
    return [y, state(h, batch, out)];
  },
  gru: (ctx) => {
    const p = ctx.params;
    const [x, h0] = ctx.inputs;
    const inSize = Number(p.inputVectorSize ?? 0), out = Number(p.outputVectorSize ?? 0);
    const { seq, batch } = sequenceOf(x, inSize);
    const W = (m: WeightParams | undefined, what: string) => ctx.weights(m, { count: out * inSize, what });
    const R = (m: WeightParams | undefined, what: string) => ctx.weights(m, { count: out * out, what });
    const V = (m: WeightParams | undefined, what: string) => (p.hasBiasVectors ? ctx.weights(m, { count: out, what }) : new Float32Array(out));
    const Wz = W(p.updateGateWeightMatrix, 'updateGateWeightMatrix'), Wr = W(p.resetGateWeightMatrix, 'resetGateWeightMatrix'), Wo = W(p.outputGateWeightMatrix, 'outputGateWeightMatrix');
    const Rz = R(p.updateGateRecursionMatrix, 'updateGateRecursionMatrix'), Rr = R(p.resetGateRecursionMatrix, 'resetGateRecursionMatrix'), Ro = R(p.outputGateRecursionMatrix, 'outputGateRecursionMatrix');
    const bz = V(p.updateGateBiasVector, 'updateGateBiasVector'), br = V(p.resetGateBiasVector, 'resetGateBiasVector'), bo = V(p.outputGateBiasVector, 'outputGateBiasVector');
    const acts = p.activations ?? [];
    const f = act(acts[0], ctx.weights, (v) => 1 / (1 + Math.exp(-v))), g = act(acts[1], ctx.weights, Math.tanh);
    const h = initialState(h0, batch, out, 'initial state');
    const y = makeTensor([p.sequenceOutput ? seq : 1, batch, out, 1, 1]);
    const z = new Float64Array(out), r = new Float64Array(out), o = new Float64Array(out), cvec = new Float64Array(out);
    for (let step = 0; step < seq; step++) {
      const t = p.reverseInput ? seq - 1 - step : step;
      for (let b = 0; b < batch; b++) {
        const hb = h.subarray(b * out, (b + 1) * out);
        const xOff = (t * batch + b) * inSize;
        z.fill(0); r.fill(0); o.fill(0);
        matVec(Wz, x.data, xOff, out, inSize, z); matVec(Rz, hb, 0, out, out, z);
        matVec(Wr, x.data, xOff, out, inSize, r); matVec(Rr, hb, 0, out, out, r);
        for (let k = 0; k < out; k++) { z[k] = f(clip50(z[k] + bz[k])); r[k] = f(clip50(r[k] + br[k])); cvec[k] = hb[k] * r[k]; }
        matVec(Wo, x.data, xOff, out, inSize, o); matVec(Ro, cvec, 0, out, out, o);
        for (let k = 0; k < out; k++) { const ok = g(clip50(o[k] + bo[k])); hb[k] = (1 - z[k]) * ok + z[k] * hb[k]; }
        if (p.sequenceOutput) for (let k = 0; k < out; k++) y.data[(step * batch + b) * out + k] = hb[k];
      }
    }
    if (!p.sequenceOutput) y.data.set(Float32Array.from(h));
    return [y, state(h, batch, out)];
  },
  uniDirectionalLSTM: (ctx) => {
    const p = ctx.params;
    const [x, h0, c0] = ctx.inputs;
    const inSize = Number(p.inputVectorSize ?? 0), out = Number(p.outputVectorSize ?? 0);
    const { seq, batch } = sequenceOf(x, inSize);
    const seqOut = !!p.params?.sequenceOutput;
    const y = makeTensor([seqOut ? seq : 1, batch, out, 1, 1]);
    const r = runLstm(x, seq, batch, inSize, out, p.params, p.weightParams, p.activations ?? [], ctx.weights, !!p.reverseInput, h0, c0, out, 0, y.data, false);
    return [y, state(r.h, batch, out), state(r.c, batch, out)];
  },
  biDirectionalLSTM: (ctx) => {
    const p = ctx.params;
    const [x, h0f, c0f, h0b, c0b] = ctx.inputs;
    const inSize = Number(p.inputVectorSize ?? 0), out = Number(p.outputVectorSize ?? 0);
    const { seq, batch } = sequenceOf(x, inSize);
    const seqOut = !!p.params?.sequenceOutput;
    const w = p.weightParams ?? [];
    if (w.length !== 2) throw new Error(`weightParams must hold 2 entries (forward, backward), has ${w.length}`);
    const y = makeTensor([seqOut ? seq : 1, batch, 2 * out, 1, 1]);
    const fwd = runLstm(x, seq, batch, inSize, out, p.params, w[0], p.activationsForwardLSTM ?? [], ctx.weights, false, h0f, c0f, 2 * out, 0, y.data, true);
    const bwdActs = p.activationsBackwardLSTM?.length ? p.activationsBackwardLSTM : p.activationsForwardLSTM ?? [];
    const bwd = runLstm(x, seq, batch, inSize, out, p.params, w[1], bwdActs, ctx.weights, true, h0b, c0b, 2 * out, out, y.data, true);
    return [y, state(fwd.h, batch, out), state(fwd.c, batch, out), state(bwd.h, batch, out), state(bwd.c, batch, out)];
  },
} satisfies PartialKernelTable;
