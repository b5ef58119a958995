// The inspector's weight view of a layer's WeightParams takes the layout from the layer registry's
// weights row: the shape, and for per-channel linear quantization the output-channel stride. A
// deconvolution stores [C_in, C_out / groups, kH, kW] with its output channels on axis 1
// (NeuralNetwork.proto; coremltools quantizes it along axis 1), so value i belongs to channel
// floor(i / (kH·kW)) mod C_out, not to floor(i / (count / C_out)) as for a convolution.
import { describe, expect, it } from 'vitest';
import type { ConvolutionLayerParams, WeightParams } from '../../shared/format';
import { nnWeightLayout } from '../../renderer/src/weights/nnShapes';
import { tensorFromWeightParams } from '../../renderer/src/weights/tensor';

// 2 output channels, 3 kernel channels, 1×2 kernels: 12 weights stored as the 8-bit values 0…11,
// channel 0 scaled by 1 and channel 1 by 10.
const quantized: WeightParams = {
  rawValue: Uint8Array.from({ length: 12 }, (_, i) => i),
  quantization: { numberOfBits: 8, linearQuantization: { scale: Float32Array.of(1, 10), bias: Float32Array.of(0, 0) } },
};
const conv = (isDeconvolution: boolean): ConvolutionLayerParams => ({
  outputChannels: 2, kernelChannels: 3, kernelSize: [1, 2], nGroups: 1, isDeconvolution, weights: quantized,
  valid: {},
});
const decoded = (params: ConvolutionLayerParams): number[] => {
  const layout = nnWeightLayout('convolution', params as Readonly<Record<string, unknown>>, 'weights');
  const view = tensorFromWeightParams(params.weights!, layout)!;
  expect(view.problem).toBeUndefined();
  return Array.from(view.decode()!);
};

describe('per-channel weights in the inspector', () => {
  it('a convolution: shape [C_out, C_in, kH, kW], each output channel a run of C_in·kH·kW values', () => {
    expect(nnWeightLayout('convolution', conv(false) as Readonly<Record<string, unknown>>, 'weights')).toEqual({ shape: [2, 3, 1, 2], channels: { axis: 0, count: 2, stride: 6 } });
    expect(decoded(conv(false))).toEqual([0, 1, 2, 3, 4, 5, 60, 70, 80, 90, 100, 110]);
  });

  it('a deconvolution: shape [C_in, C_out, kH, kW], the output channel changing every kH·kW values', () => {
    expect(nnWeightLayout('convolution', conv(true) as Readonly<Record<string, unknown>>, 'weights')).toEqual({ shape: [3, 2, 1, 2], channels: { axis: 1, count: 2, stride: 2 } });
    expect(decoded(conv(true))).toEqual([0, 1, 20, 30, 4, 5, 60, 70, 8, 9, 100, 110]);
  });

  it('without a layout (a field the registry gives no shape) the values still read, channel = outermost axis', () => {
    expect(Array.from(tensorFromWeightParams(quantized)!.decode()!)).toEqual([0, 1, 2, 3, 4, 5, 60, 70, 80, 90, 100, 110]);
  });
});
