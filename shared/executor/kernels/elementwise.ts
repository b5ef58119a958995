// Element-wise layers with two or more inputs: the rank-5 ones with limited broadcasting (add,
// multiply, average, max, min), scale, bias, dot, and the spec-4 broadcastable, comparison and
// logical layers (numpy broadcasting).
import { binary, broadcastShapes, broadcastTo, chw, emptyTensor, makeTensor, unary } from '../tensor';
import { addF32 } from '../wasm/elementwise';
import type { Tensor } from '../types';
import type { PartialKernelTable } from './types';

function reduceAll(inputs: readonly Tensor[], f: (a: number, b: number) => number): Tensor {
  let acc = inputs[0];
  for (let i = 1; i < inputs.length; i++) acc = binary(acc, inputs[i], f);
  return acc === inputs[0] ? makeTensor(acc.shape, Float32Array.from(acc.data)) : acc;
}

/** A one-or-two-input comparison: with one input the second operand is the parameter alpha. */
const compare = (f: (a: number, b: number) => boolean) => (ctx: { inputs: readonly Tensor[]; params: { alpha?: number } }): Tensor[] => {
  const [a, b] = ctx.inputs;
  if (!b) { const alpha = ctx.params.alpha ?? 0; return [unary(a, (x) => (f(x, alpha) ? 1 : 0))]; }
  return [binary(a, b, (x, y) => (f(x, y) ? 1 : 0))];
};

const two = (f: (a: number, b: number) => number) => (ctx: { inputs: readonly Tensor[] }): Tensor[] => {
  if (ctx.inputs.length !== 2) throw new Error(`needs 2 inputs, has ${ctx.inputs.length}`);
  return [binary(ctx.inputs[0], ctx.inputs[1], f)];
};

/**
 * Scale and bias parameters have shape [1], [C], [1,H,W] or [C,H,W] (NeuralNetwork.proto,
 * ScaleLayerParams / BiasLayerParams) and apply to the last three axes of the input.
 */
function paramTensor(values: Float32Array, shape: readonly number[], what: string): Tensor {
  const dims = shape.map(Number);
  const n = dims.reduce((a, b) => a * b, 1);
  if (dims.length === 0) dims.push(values.length);
  if (values.length !== n && !(shape.length === 0)) throw new Error(`${what} holds ${values.length} values, its shape [${dims}] needs ${n}`);
  if (dims.length === 1) return makeTensor([dims[0], 1, 1], values);
  if (dims.length === 3) return makeTensor(dims, values);
  throw new Error(`${what} shape [${dims}] must be [1], [C], [1,H,W] or [C,H,W]`);
}

const sameShape = (a: Tensor, b: Tensor): boolean => a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

/**
 * a + b for two tensors of one shape (a residual connection): SIMD when both are in the kernel
 * heap, written over an input the runner says nobody reads afterwards.
 */
function addSameShape(a: Tensor, b: Tensor, overwritable: readonly boolean[] | undefined): Tensor {
  const out = overwritable?.[0] ? a : overwritable?.[1] ? b : emptyTensor(a.shape);
  addF32(a.data, b.data, out.data);
  return out;
}

export const ELEMENTWISE_KERNELS = {
  add: (ctx) => ctx.inputs.length === 1
    ? [unary(ctx.inputs[0], (x) => x + (ctx.params.alpha ?? 0))]
    : ctx.inputs.length === 2 && sameShape(ctx.inputs[0], ctx.inputs[1])
      ? [addSameShape(ctx.inputs[0], ctx.inputs[1], ctx.overwritable)]
      : [reduceAll(ctx.inputs, (a, b) => a + b)],
  multiply: (ctx) => ctx.inputs.length === 1
    ? [unary(ctx.inputs[0], (x) => x * (ctx.params.alpha ?? 0))]
    : [reduceAll(ctx.inputs, (a, b) => a * b)],
  average: (ctx) => {
    const n = ctx.inputs.length;
    return [unary(reduceAll(ctx.inputs, (a, b) => a + b), (x) => x / n)];
  },
  max: (ctx) => [reduceAll(ctx.inputs, Math.max)],
  min: (ctx) => [reduceAll(ctx.inputs, Math.min)],
  scale: (ctx) => {
    const p = ctx.params;
    const x = ctx.inputs[0];
    const s = paramTensor(ctx.weights(p.scale, { what: 'scale' }), (p.shapeScale ?? []).map(Number), 'scale');
    let y = binary(x, s, (a, b) => a * b);
    if (p.hasBias) {
      const b = paramTensor(ctx.weights(p.bias, { what: 'bias' }), (p.shapeBias ?? []).map(Number), 'bias');
      y = binary(y, b, (a, c) => a + c);
    }
    return [y];
  },
  bias: (ctx) => {
    const b = paramTensor(ctx.weights(ctx.params.bias, { what: 'bias' }), (ctx.params.shape ?? []).map(Number), 'bias');
    return [binary(ctx.inputs[0], b, (a, c) => a + c)];
  },
  dot: (ctx) => {
    // Inputs [..., C, 1, 1]; output [..., 1, 1, 1].
    const [a, b] = ctx.inputs;
    if (!b) throw new Error('needs 2 inputs');
    const { batch, C, H, W } = chw(a.shape);
    const n = C * H * W;
    if (b.data.length !== a.data.length) throw new Error(`inputs have shapes [${a.shape}] and [${b.shape}]`);
    const shape = [...a.shape];
    for (let i = Math.max(0, shape.length - 3); i < shape.length; i++) shape[i] = 1;
    const out = makeTensor(shape);
    for (let i = 0; i < batch; i++) {
      let dot = 0, na = 0, nb = 0;
      for (let j = 0; j < n; j++) {
        const x = a.data[i * n + j], y = b.data[i * n + j];
        dot += x * y; na += x * x; nb += y * y;
      }
      out.data[i] = ctx.params.cosineSimilarity ? dot / (Math.sqrt(na) * Math.sqrt(nb)) : dot;
    }
    return [out];
  },
  addBroadcastable: two((a, b) => a + b),
  subtractBroadcastable: two((a, b) => a - b),
  multiplyBroadcastable: two((a, b) => a * b),
  divideBroadcastable: two((a, b) => a / b),
  maxBroadcastable: two(Math.max),
  minBroadcastable: two(Math.min),
  powBroadcastable: two((a, b) => a ** b),
  floorDivBroadcastable: two((a, b) => Math.floor(a / b)),
  // numpy.mod: the result takes the sign of the divisor.
  modBroadcastable: two((a, b) => { const r = a % b; return r !== 0 && (r < 0) !== (b < 0) ? r + b : r; }),
  equal: compare((a, b) => a === b),
  notEqual: compare((a, b) => a !== b),
  lessThan: compare((a, b) => a < b),
  lessEqual: compare((a, b) => a <= b),
  greaterThan: compare((a, b) => a > b),
  greaterEqual: compare((a, b) => a >= b),
  logicalAnd: two((a, b) => (a !== 0 && b !== 0 ? 1 : 0)),
  logicalOr: two((a, b) => (a !== 0 || b !== 0 ? 1 : 0)),
  logicalXor: two((a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0)),
  logicalNot: (ctx) => [unary(ctx.inputs[0], (x) => (x === 0 ? 1 : 0))],
  whereBroadcastable: (ctx) => {
    const [c, x, y] = ctx.inputs;
    if (!y) throw new Error('needs 3 inputs (condition, x, y)');
    const shape = broadcastShapes(c.shape, x.shape, y.shape);
    const [cb, xb, yb] = [c, x, y].map((t) => broadcastTo(t, shape));
    const out = makeTensor(shape);
    for (let i = 0; i < out.data.length; i++) out.data[i] = cb.data[i] !== 0 ? xb.data[i] : yb.data[i];
    return [out];
  },
} satisfies PartialKernelTable;
