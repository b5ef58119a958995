// The kernel table: one kernel per NeuralNetwork layer type. The type checker insists that every
// member of the schema's `layer` oneof has an entry (KernelTable is keyed by LayerType).
import { ACTIVATION_KERNELS } from './activation';
import { CONTROL_KERNELS } from './control';
import { DENSE_KERNELS } from './dense';
import { ELEMENTWISE_KERNELS } from './elementwise';
import { INDEXING_KERNELS } from './indexing';
import { NORMALIZATION_KERNELS } from './normalization';
import { RECURRENT_KERNELS } from './recurrent';
import { REDUCE_KERNELS } from './reduce';
import { RESAMPLING_KERNELS } from './resampling';
import { RESHAPE_KERNELS } from './reshape';
import { SLIDING_KERNELS } from './sliding';
import type { KernelTable } from './types';

export const KERNELS: KernelTable = {
  ...ACTIVATION_KERNELS,
  ...CONTROL_KERNELS,
  ...DENSE_KERNELS,
  ...ELEMENTWISE_KERNELS,
  ...INDEXING_KERNELS,
  ...NORMALIZATION_KERNELS,
  ...RECURRENT_KERNELS,
  ...REDUCE_KERNELS,
  ...RESAMPLING_KERNELS,
  ...RESHAPE_KERNELS,
  ...SLIDING_KERNELS,
};

export type { Kernel, KernelContext, KernelTable } from './types';
