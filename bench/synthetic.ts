// Models the benchmarks build themselves, so the numbers do not depend on which real models are
// at hand: a large one (over 100 MB of fp32 weights, for decode speed and memory) and a long one
// (thousands of small layers, for graph building and layout).
import { ArrayFeatureType_ArrayDataType, type FeatureDescription, type Model, type NeuralNetworkLayer } from '../shared/format/schema/types.generated';

/** Over 100 MB of fp32 weights: 25 dense layers of 1024×1024 (104,857,600 weight bytes) plus biases. */
export const LARGE_MODEL_LAYERS = 25;
export const LARGE_MODEL_WIDTH = 1024;

/** Deterministic weights (xorshift32), small values: the bytes vary, so nothing compresses them away. */
function fillWeights(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = (s / 4294967296 - 0.5) * 0.1;
  }
  return out;
}

function vectorFeature(name: string, size: number): FeatureDescription {
  return { name, type: { multiArrayType: { shape: [size], dataType: ArrayFeatureType_ArrayDataType.FLOAT32 } } };
}

function denseLayer(name: string, input: string, output: string, width: number, seed: number): NeuralNetworkLayer {
  return {
    name,
    input: [input],
    output: [output],
    innerProduct: {
      inputChannels: width,
      outputChannels: width,
      hasBias: true,
      weights: { floatValue: fillWeights(width * width, seed) },
      bias: { floatValue: fillWeights(width, seed + 0x9e37) },
    },
  };
}

function neuralNetwork(layers: NeuralNetworkLayer[], width: number, input: string, output: string): Model {
  return {
    specificationVersion: 4,
    description: {
      input: [vectorFeature(input, width)],
      output: [vectorFeature(output, width)],
      metadata: { shortDescription: 'Synthetic model built by bench/synthetic.ts', author: 'ML Surgeon benchmarks' },
    },
    neuralNetwork: { layers },
  };
}

/**
 * A NeuralNetwork of `layers` innerProduct layers of width×width fp32 weights with fp32 biases,
 * chained input → dense_0 → … → output. The defaults give 25 layers and 104,857,600 bytes of
 * weights (plus 102,400 bytes of biases).
 */
export function buildLargeModel(layers = LARGE_MODEL_LAYERS, width = LARGE_MODEL_WIDTH): Model {
  const list: NeuralNetworkLayer[] = [];
  for (let i = 0; i < layers; i++) {
    list.push(denseLayer(`dense_${i}`, i === 0 ? 'input' : `x_${i}`, i === layers - 1 ? 'output' : `x_${i + 1}`, width, i + 1));
  }
  return neuralNetwork(list, width, 'input', 'output');
}

/**
 * A chain of `layers` small layers, alternating innerProduct (width×width weights and a bias) and
 * ReLU activation: layer_0 is innerProduct, layer_1 ReLU, and so on. For graph benchmarks, where
 * the layer count matters and the weights do not.
 */
export function buildChainModel(layers: number, width = 4): Model {
  if (!Number.isInteger(layers) || layers < 1) throw new Error(`buildChainModel: layers must be a positive integer, got ${layers}`);
  const list: NeuralNetworkLayer[] = [];
  for (let i = 0; i < layers; i++) {
    const name = `layer_${i}`;
    const input = i === 0 ? 'input' : `blob_${i}`;
    const output = i === layers - 1 ? 'output' : `blob_${i + 1}`;
    list.push(i % 2 === 0
      ? denseLayer(name, input, output, width, i + 1)
      : { name, input: [input], output: [output], activation: { ReLU: {} } });
  }
  return neuralNetwork(list, width, 'input', 'output');
}

