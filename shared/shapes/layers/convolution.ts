// Convolution, deconvolution and pooling (2-D and 3-D). Formulas from NeuralNetwork.proto:
// ValidPadding, SamePadding, PoolingLayerParams.ValidCompletePadding, Convolution3DLayerParams.
import { Convolution3DLayerParams_PaddingType, type BorderAmounts } from '../../format';
import { UNKNOWN_DIM, dim, formatDim, mapDim, type Dim } from '../shape';
import { dimsAtLeast, dimsExactly, expectDim, pair, withTail, tail } from './common';
import type { LayerShapeInput, PartialLayerShapeTable } from './types';

type Padding2D = { kind: 'valid'; amounts: [number, number] } | { kind: 'same' };

function borderSums(b: BorderAmounts | undefined): [number, number] {
  const e = b?.borderAmounts ?? [];
  const sum = (i: number): number => Number(e[i]?.startEdgeSize ?? 0) + Number(e[i]?.endEdgeSize ?? 0);
  return [sum(0), sum(1)];
}

const floorDiv = (a: number, b: number): number => Math.floor(a / b);
const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/** Output size of one spatial axis of a convolution or pooling window. */
function windowOut(d: Dim, kernel: number, stride: number, pad: { kind: 'valid'; total: number } | { kind: 'same' }): Dim {
  // ValidPadding: H_out = floor((H_in + pads - k) / stride) + 1. SamePadding: H_out = ceil(H_in / stride).
  if (pad.kind === 'same') return mapDim(d, (n) => ceilDiv(n, stride));
  return mapDim(d, (n) => (n + pad.total < kernel ? 0 : floorDiv(n + pad.total - kernel, stride) + 1));
}

/** Output size of one spatial axis of a deconvolution (ValidPadding "With Deconvolution", SamePadding). */
function deconvOut(d: Dim, kernel: number, stride: number, pad: { kind: 'valid'; total: number } | { kind: 'same' }): Dim {
  if (pad.kind === 'same') return mapDim(d, (n) => n * stride);
  return mapDim(d, (n) => (n - 1) * stride + kernel - pad.total);
}

function positive<P>(x: LayerShapeInput<P>, v: number, field: string): number | undefined {
  if (v > 0) return v;
  x.issue(`${field} must be positive, got ${v}`, [field]);
  return undefined;
}

/** The 3-D window fields shared by Convolution3DLayerParams and Pooling3DLayerParams. */
interface Window3dParams {
  readonly kernelDepth?: number; readonly kernelHeight?: number; readonly kernelWidth?: number;
  readonly strideDepth?: number; readonly strideHeight?: number; readonly strideWidth?: number;
  readonly customPaddingFront?: number; readonly customPaddingBack?: number;
  readonly customPaddingTop?: number; readonly customPaddingBottom?: number;
  readonly customPaddingLeft?: number; readonly customPaddingRight?: number;
  readonly paddingType?: number;
}

// Pooling3DLayerParams.Pooling3DPaddingType numbers its modes as Convolution3DLayerParams.PaddingType does.
const { CUSTOM, SAME } = Convolution3DLayerParams_PaddingType;

/** Kernel, stride, total custom padding per axis (D, H, W) and padding mode (CUSTOM, VALID or SAME). */
function window3d<P>(x: LayerShapeInput<P>, p: Window3dParams): { k: number[]; s: number[]; pads: number[]; mode: number } | undefined {
  const k = [p.kernelDepth, p.kernelHeight, p.kernelWidth].map((v, i) => positive(x, Number(v ?? 0), ['kernelDepth', 'kernelHeight', 'kernelWidth'][i]));
  const s = [p.strideDepth, p.strideHeight, p.strideWidth].map((v, i) => positive(x, Number(v ?? 0), ['strideDepth', 'strideHeight', 'strideWidth'][i]));
  if (k.some((v) => v === undefined) || s.some((v) => v === undefined)) return undefined;
  const pads = [
    Number(p.customPaddingFront ?? 0) + Number(p.customPaddingBack ?? 0),
    Number(p.customPaddingTop ?? 0) + Number(p.customPaddingBottom ?? 0),
    Number(p.customPaddingLeft ?? 0) + Number(p.customPaddingRight ?? 0),
  ];
  return { k: k as number[], s: s as number[], pads, mode: p.paddingType ?? 0 };
}

export const convolutionShapes = {
  convolution: (x) => {
    const p = x.params;
    const dims = x.nd ? dimsAtLeast(x, 4, 'convolution') : dimsAtLeast(x, 3, 'convolution');
    if (!dims) return [];
    const deconv = !!p.isDeconvolution;
    const groups = Number(p.nGroups ?? 0) || 1;
    const kernelChannels = Number(p.kernelChannels ?? 0);
    const outC = Number(p.outputChannels ?? 0);
    const cIn = tail(dims, -3);
    if (x.inputs.length < 2 && kernelChannels > 0) {
      // NeuralNetwork.proto: kernelChannels == inputChannels / nGroups (convolution), == inputChannels (deconvolution).
      const expected = deconv ? kernelChannels : kernelChannels * groups;
      expectDim(x, cIn, expected, deconv ? 'input channels (kernelChannels)' : `input channels (kernelChannels ${kernelChannels} × nGroups ${groups})`, ['kernelChannels']);
    }
    const [kh, kw] = pair(p.kernelSize, 3);
    const [sh, sw] = pair(p.stride, 1);
    const [dh, dw] = pair(p.dilationFactor, 1);
    if (!sh || !sw) { x.issue('stride must be positive', ['stride']); return []; }
    const pad: Padding2D | undefined = p.same ? { kind: 'same' } : p.valid ? { kind: 'valid', amounts: borderSums(p.valid.paddingAmounts) } : undefined;
    const h = tail(dims, -2);
    const w = tail(dims, -1);
    let oh: Dim;
    let ow: Dim;
    if (deconv && p.outputShape?.length) {
      // ConvolutionLayerParams.outputShape: used as is for deconvolution; padding type then ignored.
      if (p.outputShape.length !== 2) { x.issue(`outputShape must have 2 values [H_out, W_out], has ${p.outputShape.length}`, ['outputShape']); return []; }
      oh = dim(Number(p.outputShape[0]));
      ow = dim(Number(p.outputShape[1]));
    } else {
      if (!pad) { x.issue('padding type (valid or same) is not set'); return [withTail(dims, { [-3]: dim(outC), [-2]: UNKNOWN_DIM, [-1]: UNKNOWN_DIM })]; }
      const padH = pad.kind === 'same' ? pad : { kind: 'valid' as const, total: pad.amounts[0] };
      const padW = pad.kind === 'same' ? pad : { kind: 'valid' as const, total: pad.amounts[1] };
      if (deconv) {
        // Dilation is ignored for deconvolution (ConvolutionLayerParams.dilationFactor).
        oh = deconvOut(h, kh, sh, padH);
        ow = deconvOut(w, kw, sw, padW);
      } else {
        oh = windowOut(h, (kh - 1) * dh + 1, sh, padH);
        ow = windowOut(w, (kw - 1) * dw + 1, sw, padW);
      }
    }
    if (oh.max === 0 || ow.max === 0) x.issue(`the kernel does not fit the ${formatDim(h)}×${formatDim(w)} input: the output would be empty`, ['kernelSize']);
    return [withTail(dims, { [-3]: dim(outC), [-2]: oh, [-1]: ow })];
  },

  pooling: (x) => {
    const p = x.params;
    const dims = x.nd ? dimsAtLeast(x, 4, 'pooling') : dimsAtLeast(x, 3, 'pooling');
    if (!dims) return [];
    if (p.globalPooling) return [withTail(dims, { [-2]: dim(1), [-1]: dim(1) })];
    const [kh, kw] = pair(p.kernelSize, 3);
    const [sh, sw] = pair(p.stride, 1);
    if (!sh || !sw) { x.issue('stride must be positive', ['stride']); return []; }
    const h = tail(dims, -2);
    const w = tail(dims, -1);
    if (p.includeLastPixel) {
      // PoolingLayerParams.ValidCompletePadding: H_out = ceil((H + 2p - k) / s) + 1, minus one when
      // there is padding and the last window would start at or beyond H + p.
      const [ph, pw] = pair(p.includeLastPixel.paddingAmounts, 0);
      const padded = ph > 0 || pw > 0;
      const complete = (n: number, k: number, s: number, pd: number): number => {
        if (n + 2 * pd < k) return 0;
        let out = ceilDiv(n + 2 * pd - k, s) + 1;
        if (padded && (out - 1) * s >= n + pd) out -= 1;
        return out;
      };
      return [withTail(dims, { [-2]: mapDim(h, (n) => complete(n, kh, sh, ph)), [-1]: mapDim(w, (n) => complete(n, kw, sw, pw)) })];
    }
    if (p.same) return [withTail(dims, { [-2]: windowOut(h, kh, sh, { kind: 'same' }), [-1]: windowOut(w, kw, sw, { kind: 'same' }) })];
    if (p.valid) {
      const [th, tw] = borderSums(p.valid.paddingAmounts);
      return [withTail(dims, { [-2]: windowOut(h, kh, sh, { kind: 'valid', total: th }), [-1]: windowOut(w, kw, sw, { kind: 'valid', total: tw }) })];
    }
    x.issue('padding type (valid, same or includeLastPixel) is not set');
    return [];
  },

  convolution3d: (x) => {
    const p = x.params;
    const dims = dimsExactly(x, 5, 'convolution3d');
    if (!dims) return [];
    const inC = Number(p.inputChannels ?? 0);
    if (inC > 0) expectDim(x, dims[1], inC, 'input channels (inputChannels)', ['inputChannels']);
    const w = window3d(x, p);
    if (!w) return [];
    const { k, s, pads, mode } = w;
    const dil = [p.dilationDepth, p.dilationHeight, p.dilationWidth].map((v) => Number(v ?? 0) || 1);
    const out: Dim[] = [dims[0], dim(Number(p.outputChannels ?? 0))];
    for (let i = 0; i < 3; i++) {
      const d = dims[2 + i];
      const kEff = (k[i] - 1) * dil[i] + 1;
      if (p.isDeconvolution) {
        if (p.outputShape?.length === 3) { out.push(dim(Number(p.outputShape[i]))); continue; }
        out.push(mode === SAME ? mapDim(d, (n) => n * s[i]) : mapDim(d, (n) => (n - 1) * s[i] + kEff - (mode === CUSTOM ? pads[i] : 0)));
      } else {
        out.push(mode === SAME ? windowOut(d, kEff, s[i], { kind: 'same' }) : windowOut(d, kEff, s[i], { kind: 'valid', total: mode === CUSTOM ? pads[i] : 0 }));
      }
    }
    return [{ dims: out }];
  },

  pooling3d: (x) => {
    const p = x.params;
    const dims = dimsExactly(x, 5, 'pooling3d');
    if (!dims) return [];
    const w = window3d(x, p);
    if (!w) return [];
    const { k, s, pads, mode } = w;
    const out: Dim[] = [dims[0], dims[1]];
    for (let i = 0; i < 3; i++) {
      out.push(mode === SAME ? windowOut(dims[2 + i], k[i], s[i], { kind: 'same' }) : windowOut(dims[2 + i], k[i], s[i], { kind: 'valid', total: mode === CUSTOM ? pads[i] : 0 }));
    }
    return [{ dims: out }];
  },

  globalPooling3d: (x) => {
    const dims = dimsExactly(x, 5, 'globalPooling3d');
    if (!dims) return [];
    return [{ dims: [dims[0], dims[1], dim(1), dim(1), dim(1)] }];
  },
} satisfies PartialLayerShapeTable;
