// Colour families for ML Program (MIL) operations, so a `conv` op and a NeuralNetwork
// convolution layer look alike on the canvas. MIL's op set is open-ended (new opsets add ops), so
// this is a table of known names plus name patterns; anything unknown is a generic 'layer'.
import type { LayerCategory } from './types';

const BY_NAME: Readonly<Record<string, LayerCategory>> = {
  conv: 'convolution', conv_transpose: 'convolution',
  max_pool: 'pooling', avg_pool: 'pooling', l2_pool: 'pooling',
  relu: 'activation', relu6: 'activation', leaky_relu: 'activation', prelu: 'activation', elu: 'activation',
  sigmoid: 'activation', sigmoid_hard: 'activation', silu: 'activation', gelu: 'activation', tanh: 'activation',
  scaled_tanh: 'activation', softplus: 'activation', softplus_parametric: 'activation', softsign: 'activation',
  softmax: 'activation', clamped_relu: 'activation', thresholded_relu: 'activation', linear_activation: 'activation',
  batch_norm: 'normalization', instance_norm: 'normalization', layer_norm: 'normalization', l2_norm: 'normalization',
  local_response_norm: 'normalization',
  reshape: 'shape', reshape_like: 'shape', transpose: 'shape', concat: 'shape', split: 'shape', stack: 'shape',
  squeeze: 'shape', expand_dims: 'shape', flatten2d: 'shape', pad: 'shape', tile: 'shape', reverse: 'shape',
  reverse_sequence: 'shape', slice_by_index: 'shape', slice_by_size: 'shape', sliding_windows: 'shape',
  space_to_depth: 'shape', depth_to_space: 'shape', pixel_shuffle: 'shape', pixel_unshuffle: 'shape',
  space_to_batch: 'shape', batch_to_space: 'shape', shape: 'shape', crop: 'shape', crop_resize: 'shape',
  const: 'data', range_1d: 'data', fill: 'data', fill_like: 'data', one_hot: 'data', non_zero: 'data',
  cond: 'control', while_loop: 'control', identity: 'control', make_list: 'control', list_read: 'control',
  list_write: 'control', list_gather: 'control', list_scatter: 'control', list_length: 'control',
  read_state: 'control', coreml_update_state: 'control',
  lstm: 'recurrent', gru: 'recurrent', rnn: 'recurrent',
};

const BY_PREFIX: readonly (readonly [string, LayerCategory])[] = [
  ['constexpr_', 'data'], ['gather', 'data'], ['scatter', 'data'], ['random_', 'data'],
  ['upsample_', 'shape'], ['resize', 'shape'], ['affine', 'shape'],
];

export function milOpCategory(opType: string): LayerCategory {
  const known = BY_NAME[opType];
  if (known) return known;
  for (const [prefix, category] of BY_PREFIX) if (opType.startsWith(prefix)) return category;
  return 'layer';
}
