// Layer parameters Core ML rejects outright (Apple's NeuralNetworkLayerValidator), apart from
// weights (weights.ts) and shapes (shape inference): padding types, parameter vector lengths,
// slice bounds, block sizes.
import { repeatedCount, type NeuralNetworkLayer, type PathStep } from '../format';
import type { LayerType } from '../layers';
import type { DiagnosticSink } from './diagnostic';

export function validateLayerParams(layer: NeuralNetworkLayer, type: LayerType, layerPath: readonly PathStep[], out: DiagnosticSink): void {
  const pp = [...layerPath, type];
  const label = `layer ${layer.name ?? ''} (${type})`;
  const err = (message: string, field: readonly PathStep[] = []): void => out.error('layer-parameter', `${label}: ${message}`, [...pp, ...field]);
  const nIn = layer.input?.length ?? 0;
  switch (type) {
    case 'convolution': {
      const p = layer.convolution!;
      if (!p.valid && !p.same) err('padding type is not set; choose valid or same padding');
      if (nIn > 1 && p.isDeconvolution) err('a deconvolution cannot take its weights as an input', ['isDeconvolution']);
      if (nIn > 1 && (p.dilationFactor ?? []).some((d) => Number(d) > 1)) err('a dilated convolution cannot take its weights as an input', ['dilationFactor']);
      if (nIn > 1 && p.hasBias) err('a convolution with weights as an input cannot have a static bias', ['hasBias']);
      break;
    }
    case 'pooling':
      if (!layer.pooling!.valid && !layer.pooling!.same && !layer.pooling!.includeLastPixel) err('padding type is not set; choose valid, same or includeLastPixel');
      break;
    case 'padding': {
      const p = layer.padding!;
      const n = p.paddingAmounts?.borderAmounts?.length ?? 0;
      if (n !== 0 && n !== 2) err(`paddingAmounts has ${n} entries; give 2 ([H, W]) or none`, ['paddingAmounts']);
      if (!p.constant && !p.reflection && !p.replication) err('padding type is not set; choose constant, reflection or replication');
      break;
    }
    case 'slice': {
      const p = layer.slice!;
      const stride = Number(p.stride ?? 0);
      if (stride < 1) err(`stride is ${stride}; it must be at least 1`, ['stride']);
      const start = Number(p.startIndex ?? 0);
      const end = Number(p.endIndex ?? 0);
      // Apple's validator: a positive end before the start, or negative bounds in the wrong order.
      if ((end > 0 && end < start) || (end < 0 && start < 0 && start > end)) err(`endIndex ${end} comes before startIndex ${start}`, ['endIndex']);
      break;
    }
    case 'scale': {
      const p = layer.scale!;
      const ns = p.shapeScale?.length ?? 0;
      if (ns !== 1 && ns !== 3) err(`shapeScale has ${ns} values; it must be [1], [C], [1, H, W] or [C, H, W]`, ['shapeScale']);
      const nb = p.shapeBias?.length ?? 0;
      if (p.hasBias && nb !== 1 && nb !== 3) err(`shapeBias has ${nb} values; it must be [1], [C], [1, H, W] or [C, H, W]`, ['shapeBias']);
      break;
    }
    case 'bias': {
      const n = layer.bias!.shape?.length ?? 0;
      if (n !== 1 && n !== 3) err(`shape has ${n} values; it must be [1], [C], [1, H, W] or [C, H, W]`, ['shape']);
      break;
    }
    case 'loadConstant': {
      const n = layer.loadConstant!.shape?.length ?? 0;
      if (n !== 3) err(`shape has ${n} values; a loadConstant holds a [C, H, W] constant`, ['shape']);
      break;
    }
    case 'reshape': {
      const n = layer.reshape!.targetShape?.length ?? 0;
      if (n !== 3 && n !== 4) err(`targetShape has ${n} values; give [C, H, W] or [Seq, C, H, W]`, ['targetShape']);
      break;
    }
    case 'permute': {
      const a = (layer.permute!.axis ?? []).map(Number);
      if (a.length && [...a].sort().join() !== '0,1,2,3') err(`axis [${a.join(', ')}] must be a permutation of [0, 1, 2, 3]`, ['axis']);
      break;
    }
    case 'lrn':
      if ((layer.lrn!.k ?? 0) < 0) err(`k is ${layer.lrn!.k}; it must not be negative`, ['k']);
      break;
    case 'reorganizeData':
      if (Number(layer.reorganizeData!.blockSize ?? 0) < 2) err(`blockSize is ${layer.reorganizeData!.blockSize ?? 0}; it must be greater than 1`, ['blockSize']);
      break;
    case 'upsample': {
      const p = layer.upsample!;
      if (p.scalingFactor?.length && p.fractionalScalingFactor?.length) err('scalingFactor and fractionalScalingFactor are mutually exclusive; keep one', ['fractionalScalingFactor']);
      for (const f of ['scalingFactor', 'fractionalScalingFactor'] as const) {
        const n = p[f]?.length ?? 0;
        if (n !== 0 && n !== 2) err(`${f} has ${n} values; give [H, W]`, [f]);
      }
      break;
    }
    case 'activation': {
      const a = layer.activation!;
      if (!Object.keys(a).length) err('no activation function is set');
      if (a.PReLU && !((a.PReLU.alpha && repeatedCount(a.PReLU.alpha, 'floatValue')) || a.PReLU.alpha?.float16Value?.length)) err('PReLU has no alpha values', ['PReLU', 'alpha']);
      break;
    }
    default:
      break;
  }
}
