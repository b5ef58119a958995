// Spatial resampling: upsample, resizeBilinear, cropResize.
import { UNKNOWN_DIM, dim, formatShape, isKnownDim, mapDim } from '../shape';
import { dimsAtLeast, input, pair, tail, withTail } from './common';
import type { PartialLayerShapeTable } from './types';

export const resamplingShapes = {
  upsample: (x) => {
    const dims = dimsAtLeast(x, 3, 'upsample');
    if (!dims) return [];
    const frac = x.params.fractionalScalingFactor;
    if (frac?.length) {
      if (x.params.scalingFactor?.length) x.issue('scalingFactor and fractionalScalingFactor are mutually exclusive', ['fractionalScalingFactor']);
      if (frac.length !== 2) { x.issue(`fractionalScalingFactor must have 2 values [H, W], has ${frac.length}`, ['fractionalScalingFactor']); return []; }
      const [fh, fw] = [frac[0], frac[1]];
      return [withTail(dims, { [-2]: mapDim(tail(dims, -2), (n) => Math.floor(n * fh)), [-1]: mapDim(tail(dims, -1), (n) => Math.floor(n * fw)) })];
    }
    // UpsampleLayerParams.scalingFactor: [H, W], default [1, 1].
    const [sh, sw] = pair(x.params.scalingFactor, 1);
    return [withTail(dims, { [-2]: mapDim(tail(dims, -2), (n) => n * sh), [-1]: mapDim(tail(dims, -1), (n) => n * sw) })];
  },

  resizeBilinear: (x) => {
    const dims = dimsAtLeast(x, 3, 'resizeBilinear');
    if (!dims) return [];
    const [h, w] = pair(x.params.targetSize, 1);
    return [withTail(dims, { [-2]: dim(h || 1), [-1]: dim(w || 1) })];
  },

  cropResize: (x) => {
    // CropResizeLayerParams: image [1, B, C, H, W] and boxes [N, 1, 4 or 5, 1, 1] give
    // [N, B, C, H_out, W_out] (4 coordinates) or [N, 1, C, H_out, W_out] (batch index + 4).
    const img = dimsAtLeast(x, 5, 'cropResize');
    const roi = dimsAtLeast(x, 5, 'cropResize boxes', input(x, 1));
    const [h, w] = pair(x.params.targetSize, 1);
    if (!img) return [];
    const n = roi ? tail(roi, -5) : UNKNOWN_DIM;
    const coords = roi ? tail(roi, -3) : undefined;
    if (coords && isKnownDim(coords) && coords.min !== 4 && coords.min !== 5) x.issue(`boxes must be shaped [N, 1, 4 or 5, 1, 1], got ${formatShape(input(x, 1))}`);
    const batch = coords && isKnownDim(coords) ? (coords.min === 5 ? dim(1) : tail(img, -4)) : { min: 1, max: tail(img, -4).max };
    return [{ dims: [...img.slice(0, -5), n, batch, tail(img, -3), dim(h || 1), dim(w || 1)] }];
  },
} satisfies PartialLayerShapeTable;
