// Matrix products and lookups: innerProduct, embedding, embeddingND, batchedMatmul.
import { dim, formatShape, isKnownDim, productDims, type Dim, type Shape } from '../shape';
import { broadcast, dimsAtLeast, expectDim, first, input, tail } from './common';
import type { PartialLayerShapeTable } from './types';

export const denseShapes = {
  innerProduct: (x) => {
    const p = x.params;
    const s = first(x);
    if (!s.dims) return [];
    const dims = s.dims;
    const cIn = Number(p.inputChannels ?? 0);
    const cOut = dim(Number(p.outputChannels ?? 0));
    // InnerProductLayerParams: how each input rank is folded into a matrix.
    switch (dims.length) {
      case 1:
      case 2:
      case 3:
        expectDim(x, tail(dims, -1), cIn, 'input size (inputChannels)', ['inputChannels']);
        return [{ dims: [...dims.slice(0, -1), cOut] }];
      case 4:
        expectDim(x, productDims(dims.slice(1)), cIn, 'input size C×H×W (inputChannels)', ['inputChannels']);
        return [{ dims: [dims[0], cOut, dim(1), dim(1)] }];
      case 5:
        expectDim(x, productDims(dims.slice(2)), cIn, 'input size C×H×W (inputChannels)', ['inputChannels']);
        return [{ dims: [dims[0], dims[1], cOut, dim(1), dim(1)] }];
      default:
        x.issue(`innerProduct takes inputs of rank 1 to 5, got rank ${dims.length}`);
        return [];
    }
  },

  embedding: (x) => {
    // EmbeddingLayerParams: rank 4 (x1,1,1,1) or 5 (x1,x2,1,1,1); axis -3 becomes outputChannels.
    const dims = dimsAtLeast(x, 3, 'embedding');
    if (!dims) return [];
    for (const k of [-3, -2, -1]) {
      const d = tail(dims, k);
      if (isKnownDim(d) && d.min !== 1) x.issue(`embedding needs the last three axes of its input to be 1, got ${formatShape(first(x))}`);
    }
    return [{ dims: [...dims.slice(0, -3), dim(Number(x.params.outputChannels ?? 0)), dim(1), dim(1)] }];
  },

  embeddingND: (x) => {
    // EmbeddingNDLayerParams: rank ≥ 2 with a last axis of 1, which becomes embeddingSize.
    const dims = dimsAtLeast(x, 2, 'embeddingND');
    if (!dims) return [];
    const last = tail(dims, -1);
    if (isKnownDim(last) && last.min !== 1) x.issue(`embeddingND needs a last axis of 1, got ${formatShape(first(x))}`);
    return [{ dims: [...dims.slice(0, -1), dim(Number(x.params.embeddingSize ?? 0))] }];
  },

  batchedMatmul: (x) => {
    const p = x.params;
    if (x.inputs.length < 2) {
      // One input: a [.., X1] times the [X1, X2] weight matrix gives [.., X2].
      const dims = dimsAtLeast(x, 1, 'batchedMatmul');
      if (!dims) return [];
      expectDim(x, tail(dims, -1), Number(p.weightMatrixFirstDimension ?? 0), 'last axis (weightMatrixFirstDimension)', ['weightMatrixFirstDimension']);
      return [{ dims: [...dims.slice(0, -1), dim(Number(p.weightMatrixSecondDimension ?? 0))] }];
    }
    const a = first(x);
    const b = input(x, 1);
    if (!a.dims || !b.dims) return [];
    // BatchedMatMulLayerParams: a 1-D a becomes (1, D), a 1-D b becomes (D, 1); the result has
    // rank max(2, rank a, rank b).
    let ad: readonly Dim[] = a.dims.length === 1 ? [dim(1), a.dims[0]] : a.dims;
    let bd: readonly Dim[] = b.dims.length === 1 ? [b.dims[0], dim(1)] : b.dims;
    if (p.transposeA) ad = [...ad.slice(0, -2), tail(ad, -1), tail(ad, -2)];
    if (p.transposeB) bd = [...bd.slice(0, -2), tail(bd, -1), tail(bd, -2)];
    const k1 = tail(ad, -1);
    const k2 = tail(bd, -2);
    if (k1.max < k2.min || k2.max < k1.min) x.issue(`inner dimensions differ: ${formatShape(a)} × ${formatShape(b)}`);
    const batch: Shape = broadcast(x, [{ dims: ad.slice(0, -2) }, { dims: bd.slice(0, -2) }]);
    if (!batch.dims) return [];
    return [{ dims: [...batch.dims, tail(ad, -2), tail(bd, -1)] }];
  },
} satisfies PartialLayerShapeTable;
