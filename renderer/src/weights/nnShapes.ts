// Shapes of NeuralNetwork weight tensors, where NeuralNetwork.proto states them. WeightParams
// itself carries no shape; the layer's parameters imply it. Unlisted fields show an element
// count without a shape.
// TODO(registry): move into the layer registry (shared/layers) once it carries weight shapes.
type Params = Readonly<Record<string, unknown>>;

const num = (v: unknown, fallback = 0): number => (v === undefined ? fallback : Number(v));
const list = (v: unknown): number[] => ((v as readonly unknown[] | undefined) ?? []).map(Number);

type ShapeRule = (p: Params) => Partial<Record<string, number[]>>;

const RULES: Readonly<Record<string, ShapeRule>> = {
  // "Weights: [outputChannels, kernelChannels, kernelHeight, kernelWidth]; for deconvolution
  // [kernelChannels, outputChannels / nGroups, kernelHeight, kernelWidth]". kernelSize defaults to 3×3.
  convolution: (p) => {
    const k = list(p.kernelSize);
    const [kh, kw] = k.length === 2 ? k : [3, 3];
    const out = num(p.outputChannels), kc = num(p.kernelChannels), groups = num(p.nGroups, 1) || 1;
    return {
      weights: p.isDeconvolution ? [kc, out / groups, kh, kw] : [out, kc, kh, kw],
      bias: [out],
    };
  },
  innerProduct: (p) => ({ weights: [num(p.outputChannels), num(p.inputChannels)], bias: [num(p.outputChannels)] }),
  batchnorm: (p) => {
    const c = [num(p.channels)];
    return { gamma: c, beta: c, mean: c, variance: c };
  },
  embedding: (p) => ({ weights: [num(p.outputChannels), num(p.inputDim)], bias: [num(p.outputChannels)] }),
  embeddingND: (p) => ({ weights: [num(p.embeddingSize), num(p.vocabSize)], bias: [num(p.embeddingSize)] }),
  batchedMatmul: (p) => ({
    weights: [num(p.weightMatrixFirstDimension), num(p.weightMatrixSecondDimension)],
    bias: [num(p.weightMatrixSecondDimension)],
  }),
  scale: (p) => ({ scale: list(p.shapeScale), bias: list(p.shapeBias) }),
  bias: (p) => ({ bias: list(p.shape) }),
  loadConstant: (p) => ({ data: list(p.shape) }),
  loadConstantND: (p) => ({ data: list(p.shape) }),
};

/** The shape of `field` of a layer's parameters, when the proto implies one and it is non-empty. */
export function nnWeightShape(layerType: string, params: Params, field: string): number[] | undefined {
  const shape = RULES[layerType]?.(params)[field];
  return shape && shape.length && shape.every((d) => Number.isFinite(d) && d > 0) ? shape : undefined;
}
