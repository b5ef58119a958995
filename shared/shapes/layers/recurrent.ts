// Recurrent layers. NeuralNetwork.proto: input [Seq, Batch, inputVectorSize, 1, 1]; the main
// output is [Seq, Batch, out, 1, 1] with sequenceOutput, else [1, Batch, out, 1, 1]; the state
// outputs (last hidden state, LSTM cell state) are [1, Batch, outputVectorSize, 1, 1].
import { dim, type Dim, type Shape } from '../shape';
import { dimsAtLeast, expectDim, tail } from './common';
import type { LayerShapeInput, PartialLayerShapeTable } from './types';

function recurrent<P>(x: LayerShapeInput<P>, inSize: number, outSize: number, mainSize: number, sequenceOutput: boolean): readonly Shape[] {
  const dims = dimsAtLeast(x, 5, 'recurrent layer');
  if (!dims) return [];
  expectDim(x, tail(dims, -3), inSize, 'input vector size (inputVectorSize)', ['inputVectorSize']);
  const lead: readonly Dim[] = dims.slice(0, -5);
  const seq = sequenceOutput ? tail(dims, -5) : dim(1);
  const batch = tail(dims, -4);
  const main: Shape = { dims: [...lead, seq, batch, dim(mainSize), dim(1), dim(1)] };
  const state: Shape = { dims: [...lead, dim(1), batch, dim(outSize), dim(1), dim(1)] };
  const n = x.layer.output?.length ?? 1;
  return [main, ...Array.from({ length: Math.max(0, n - 1) }, () => state)];
}

export const recurrentShapes = {
  simpleRecurrent: (x) => {
    const p = x.params;
    const out = Number(p.outputVectorSize ?? 0);
    return recurrent(x, Number(p.inputVectorSize ?? 0), out, out, !!p.sequenceOutput);
  },
  gru: (x) => {
    const p = x.params;
    const out = Number(p.outputVectorSize ?? 0);
    return recurrent(x, Number(p.inputVectorSize ?? 0), out, out, !!p.sequenceOutput);
  },
  uniDirectionalLSTM: (x) => {
    const p = x.params;
    const out = Number(p.outputVectorSize ?? 0);
    return recurrent(x, Number(p.inputVectorSize ?? 0), out, out, !!p.params?.sequenceOutput);
  },
  biDirectionalLSTM: (x) => {
    // The main output concatenates the forward and backward outputs: 2 × outputVectorSize.
    const p = x.params;
    const out = Number(p.outputVectorSize ?? 0);
    return recurrent(x, Number(p.inputVectorSize ?? 0), out, 2 * out, !!p.params?.sequenceOutput);
  },
} satisfies PartialLayerShapeTable;
