// Facts the model panel shows that InspectResult summarises but does not list in full: every
// class label, every preprocessing parameter, every updatable flag.
import { forEachMessage, formatPath, walkMessages, type Model, type NeuralNetworkPreprocessing, type WeightParams } from '../../../shared/format';
import { MODEL_TYPE } from '../inspector/specPath';
import { isPlainLayer, LAYER_MESSAGE } from '../../../shared/layers';

export interface ClassLabelList {
  readonly path: string;
  readonly kind: 'string' | 'int64';
  readonly labels: readonly string[];
}

export interface Preprocessing {
  readonly path: string;
  readonly featureName: string;
  readonly scaler?: { channelScale: number; redBias: number; greenBias: number; blueBias: number; grayBias: number };
  readonly meanImageLength?: number;
}

export interface ModelFacts {
  readonly classLabels: readonly ClassLabelList[];
  readonly preprocessing: readonly Preprocessing[];
  readonly updatableLayers: number;
  readonly updatableWeights: number;
  readonly hasUpdateParams: boolean;
}

const cache = new WeakMap<Model, ModelFacts>();

/**
 * Updatable weight tensors below a layer with no network inside it (not a branch or a loop), once
 * per layer object: an edit shares the layers it leaves alone, so only the ones it touched are
 * walked again. Nothing else this pass looks for can be below such a layer.
 */
const updatableWeightsOfLayer = new WeakMap<object, number>();

function updatableWeightsBelow(layer: Readonly<Record<string, unknown>>): number {
  let n = updatableWeightsOfLayer.get(layer);
  if (n === undefined) {
    let found = 0;
    forEachMessage(LAYER_MESSAGE, layer, (m, typeName) => { if (typeName === 'CoreML.Specification.WeightParams' && (m as WeightParams).isUpdatable) found++; });
    updatableWeightsOfLayer.set(layer, n = found);
  }
  return n;
}

export function modelFacts(spec: Model): ModelFacts {
  const hit = cache.get(spec);
  if (hit) return hit;
  const classLabels: ClassLabelList[] = [];
  const preprocessing: Preprocessing[] = [];
  let updatableLayers = 0, updatableWeights = 0, hasUpdateParams = false;
  for (const v of walkMessages(MODEL_TYPE, spec, [], (typeName, m) => !isPlainLayer(typeName, m))) {
    const m = v.message;
    if (v.typeName === 'CoreML.Specification.NeuralNetworkPreprocessing') {
      const p = m as NeuralNetworkPreprocessing;
      preprocessing.push({
        path: formatPath(v.path),
        featureName: p.featureName ?? '',
        ...(p.scaler ? {
          scaler: {
            // proto3 leaves zeros off the wire: an absent field is 0, as Core ML reads it.
            channelScale: p.scaler.channelScale ?? 0, redBias: p.scaler.redBias ?? 0, greenBias: p.scaler.greenBias ?? 0,
            blueBias: p.scaler.blueBias ?? 0, grayBias: p.scaler.grayBias ?? 0,
          },
        } : {}),
        ...(p.meanImage ? { meanImageLength: p.meanImage.meanImage?.length ?? 0 } : {}),
      });
    } else if (v.typeName === LAYER_MESSAGE) {
      if (m.isUpdatable) updatableLayers++;
      if (isPlainLayer(LAYER_MESSAGE, m)) updatableWeights += updatableWeightsBelow(m);
    } else if (v.typeName === 'CoreML.Specification.WeightParams') {
      if ((m as WeightParams).isUpdatable) updatableWeights++;
    } else if (v.typeName === 'CoreML.Specification.NetworkUpdateParameters') {
      hasUpdateParams = true;
    }
    const s = m.stringClassLabels as { vector?: readonly string[] } | undefined;
    const i = m.int64ClassLabels as { vector?: readonly (number | bigint)[] } | undefined;
    if (s || i) classLabels.push({ path: formatPath(v.path), kind: s ? 'string' : 'int64', labels: s ? s.vector ?? [] : (i?.vector ?? []).map(String) });
  }
  const facts = { classLabels, preprocessing, updatableLayers, updatableWeights, hasUpdateParams };
  cache.set(spec, facts);
  return facts;
}
