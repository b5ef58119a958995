// The contract of a layer kernel: the layer, its parameters and its input tensors in, one tensor
// per output out. Control-flow kernels (branch, loop) also reach the running network through
// `ctx.run`.
import type { BatchnormLayerParams, NeuralNetwork, NeuralNetworkLayer, WeightParams } from '../../format';
import type { LayerParams, LayerType } from '../../layers';
import type { ReadWeightsOptions } from '../../weights';
import type { Tensor } from '../types';

export interface KernelContext<P> {
  readonly layer: NeuralNetworkLayer;
  readonly name: string;
  readonly type: LayerType;
  /** The layer's parameters message (the member of the `layer` oneof). */
  readonly params: P;
  /** `layer.input` resolved to tensors, in order. */
  readonly inputs: readonly Tensor[];
  /** True when the network runs with N-d tensors (spec ≥ 4 layers or EXACT mapping). */
  readonly nd: boolean;
  /** Weights as float32, decoded once per run and cached (shared/weights). */
  weights(w: WeightParams | undefined, options?: ReadWeightsOptions): Float32Array;
  /** The running network, for control flow. */
  readonly run: NetworkRunner;
  /**
   * A clamp the runner fused into this layer (a ReLU or clip that alone reads its output): the
   * convolution kernel applies it in its store.
   */
  readonly clamp?: { min: number; max: number };
  /**
   * A batchnorm the runner folded into this convolution (it alone reads the convolution's
   * output): the convolution kernel runs with the folded weights and bias.
   */
  readonly batchnorm?: BatchnormLayerParams;
  /**
   * Per input, whether the kernel may write its result over it (nobody reads it afterwards and it
   * lives in the kernel heap); a kernel that does returns a tensor over the same floats.
   */
  readonly overwritable?: readonly boolean[];
}

export interface NetworkRunner {
  /** Runs a nested network (branch body, loop body or condition) in the enclosing scope. */
  runNetwork(nn: NeuralNetwork): void;
  /** A blob currently in scope. */
  blob(name: string): Tensor | undefined;
}

/** Returns one tensor per layer output (none for branch, loop, loopBreak, loopContinue). */
export type Kernel<P> = (ctx: KernelContext<P>) => Tensor[];

export type KernelTable = { readonly [K in LayerType]: Kernel<LayerParams<K>> };
export type PartialKernelTable = { readonly [K in LayerType]?: Kernel<LayerParams<K>> };

/** Thrown by loopBreak / loopContinue and caught by the enclosing loop kernel. */
export class LoopSignal {
  constructor(readonly kind: 'break' | 'continue') {}
}
