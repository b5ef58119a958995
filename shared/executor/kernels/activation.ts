// Activations (NeuralNetwork.proto, ActivationParams and the element-wise unary layers of spec 4+).
import type { ActivationParams, WeightParams } from '../../format';
import type { ReadWeightsOptions } from '../../weights';
import { chw, emptyTensor, unary } from '../tensor';
import { clampF32 } from '../wasm/elementwise';
import type { Tensor } from '../types';
import type { PartialKernelTable } from './types';

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
// log(1 + e^x) without overflow.
const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** erf to double precision: Taylor series near 0, Laplace's continued fraction for erfc beyond. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  let r: number;
  if (ax < 3) {
    let term = ax, sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
    let f = ax;
    for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
    r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  }
  return x < 0 ? -r : r;
}

type Weights = (w: WeightParams | undefined, o?: ReadWeightsOptions) => Float32Array;

/**
 * An activation as a function of the value and its channel (PReLU and parametric softplus carry
 * one parameter per channel, axis -3, or one for all).
 */
export function activationFunction(p: ActivationParams | undefined, weights: Weights, channels: number): (x: number, c: number) => number {
  if (!p) throw new Error('no activation is set');
  if (p.linear) { const a = p.linear.alpha ?? 0, b = p.linear.beta ?? 0; return (x) => a * x + b; }
  if (p.ReLU) return (x) => (x > 0 ? x : 0);
  if (p.leakyReLU) { const a = p.leakyReLU.alpha ?? 0; return (x) => (x >= 0 ? x : a * x); }
  if (p.thresholdedReLU) { const a = p.thresholdedReLU.alpha ?? 0; return (x) => (x >= a ? x : 0); }
  if (p.tanh) return Math.tanh;
  if (p.scaledTanh) { const a = p.scaledTanh.alpha ?? 0, b = p.scaledTanh.beta ?? 0; return (x) => a * Math.tanh(b * x); }
  if (p.sigmoid) return sigmoid;
  if (p.sigmoidHard) { const a = p.sigmoidHard.alpha ?? 0, b = p.sigmoidHard.beta ?? 0; return (x) => Math.min(Math.max(a * x + b, 0), 1); }
  if (p.ELU) { const a = p.ELU.alpha ?? 0; return (x) => (x >= 0 ? x : a * (Math.exp(x) - 1)); }
  if (p.softsign) return (x) => x / (1 + Math.abs(x));
  if (p.softplus) return softplus;
  if (p.PReLU) {
    const alpha = perChannel(weights(p.PReLU.alpha, { what: 'PReLU alpha' }), channels, 'PReLU alpha');
    return (x, c) => (x >= 0 ? x : alpha(c) * x);
  }
  if (p.parametricSoftplus) {
    const alpha = perChannel(weights(p.parametricSoftplus.alpha, { what: 'parametric softplus alpha' }), channels, 'parametric softplus alpha');
    const beta = perChannel(weights(p.parametricSoftplus.beta, { what: 'parametric softplus beta' }), channels, 'parametric softplus beta');
    return (x, c) => alpha(c) * softplus(beta(c) * x);
  }
  throw new Error('the activation type is not set');
}

function perChannel(v: Float32Array, channels: number, what: string): (c: number) => number {
  if (v.length === 1) { const a = v[0]; return () => a; }
  if (v.length !== channels) throw new Error(`${what} has ${v.length} values; it needs 1 or one per channel (${channels})`);
  return (c) => v[c];
}

/**
 * min(max(x, lo), hi) (ReLU, clip and ReLU6 are most of a network's activations): SIMD when the
 * arrays are in the kernel heap, else one tight loop; over x itself when `inPlace`.
 */
export function clampTensor(x: Tensor, lo: number, hi: number, inPlace = false): Tensor {
  const out = inPlace ? x : emptyTensor(x.shape);
  clampF32(x.data, out.data, lo, hi);
  return out;
}

/** The clamp an activation is, when it is one (ReLU; linear identity is not a clamp). */
export function activationClamp(p: ActivationParams | undefined): { min: number; max: number } | undefined {
  return p?.ReLU ? { min: 0, max: Infinity } : undefined;
}

/** Applies an activation to a tensor whose channel axis is -3. */
export function applyActivation(p: ActivationParams | undefined, x: Tensor, weights: Weights, inPlace = false): Tensor {
  if (p?.ReLU) return clampTensor(x, 0, Infinity, inPlace);
  // Tight loops for the common per-element activations (a shared call site through a closure
  // is not inlined once it has seen several activations); every element is written, so the
  // output may be the input.
  const out = inPlace ? x : emptyTensor(x.shape);
  const d = x.data, o = out.data, n = d.length;
  if (p?.sigmoid) { for (let i = 0; i < n; i++) { const v = d[i]; o[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)); } return out; }
  if (p?.tanh) { for (let i = 0; i < n; i++) o[i] = Math.tanh(d[i]); return out; }
  if (p?.leakyReLU) { const a = p.leakyReLU.alpha ?? 0; for (let i = 0; i < n; i++) { const v = d[i]; o[i] = v >= 0 ? v : a * v; } return out; }
  if (p?.linear) { const a = p.linear.alpha ?? 0, b = p.linear.beta ?? 0; for (let i = 0; i < n; i++) o[i] = a * d[i] + b; return out; }
  const { batch, C, H, W } = chw(x.shape);
  const f = activationFunction(p, weights, C);
  const hw = H * W;
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < C; c++) {
      const base = (b * C + c) * hw;
      for (let i = 0; i < hw; i++) o[base + i] = f(d[base + i], c);
    }
  }
  return out;
}

const elementwise = (f: (x: number) => number) => (ctx: { inputs: readonly Tensor[] }) => [unary(ctx.inputs[0], f)];

// Round half away from zero, as C's roundf (numpy's round-half-to-even differs only at .5).
const roundHalfAway = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));

export const ACTIVATION_KERNELS = {
  activation: (ctx) => [applyActivation(ctx.params, ctx.inputs[0], ctx.weights, !!ctx.overwritable?.[0])],
  clip: (ctx) => [clampTensor(ctx.inputs[0], ctx.params.minVal ?? 0, ctx.params.maxVal ?? 0, !!ctx.overwritable?.[0])],
  clampedReLU: (ctx) => {
    const a = ctx.params.alpha ?? 0, b = ctx.params.beta ?? 0;
    return [unary(ctx.inputs[0], (x) => Math.min(b, x >= 0 ? x : a * x))];
  },
  ceil: elementwise(Math.ceil),
  floor: elementwise(Math.floor),
  sign: elementwise((x) => (x > 0 ? 1 : x < 0 ? -1 : 0)),
  round: elementwise(roundHalfAway),
  exp2: elementwise((x) => 2 ** x),
  sin: elementwise(Math.sin),
  cos: elementwise(Math.cos),
  tan: elementwise(Math.tan),
  asin: elementwise(Math.asin),
  acos: elementwise(Math.acos),
  atan: elementwise(Math.atan),
  sinh: elementwise(Math.sinh),
  cosh: elementwise(Math.cosh),
  tanh: elementwise(Math.tanh),
  asinh: elementwise(Math.asinh),
  acosh: elementwise(Math.acosh),
  atanh: elementwise(Math.atanh),
  erf: elementwise(erf),
  gelu: (ctx) => {
    const mode = ctx.params.mode ?? 0;
    const k = Math.sqrt(2 / Math.PI);
    const f = mode === 1
      ? (x: number) => 0.5 * x * (1 + Math.tanh(k * (x + 0.044715 * x * x * x)))
      : mode === 2
        ? (x: number) => x * sigmoid(1.702 * x)
        : (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));
    return [unary(ctx.inputs[0], f)];
  },
  unary: (ctx) => {
    // NeuralNetwork.proto, UnaryFunctionLayerParams: x <- scale*x + shift first; scale 0 means 1,
    // epsilon 0 means 1e-6.
    const p = ctx.params;
    const scale = p.scale || 1, shift = p.shift ?? 0, eps = p.epsilon || 1e-6, alpha = p.alpha ?? 0;
    const pre = (x: number) => scale * x + shift;
    const op = p.type ?? 0;
    const f: (x: number) => number =
      op === 0 ? (x) => Math.sqrt(pre(x))
      : op === 1 ? (x) => 1 / Math.sqrt(pre(x) + eps)
      : op === 2 ? (x) => 1 / (pre(x) + eps)
      : op === 3 ? (x) => pre(x) ** alpha
      : op === 4 ? (x) => Math.exp(pre(x))
      : op === 5 ? (x) => Math.log(pre(x))
      : op === 6 ? (x) => Math.abs(pre(x))
      : op === 7 ? (x) => Math.max(alpha, pre(x))
      : (() => { throw new Error(`unknown unary operation ${op}`); })();
    return [unary(ctx.inputs[0], f)];
  },
} satisfies PartialKernelTable;
