// Warming up: what opening a file runs, run once on a small model built here while the window
// waits for the user to choose one. A page's code starts cold (parsed on its first call, then
// interpreted until the engine has seen it run); the first real open otherwise pays that on the
// critical path, in the window (decode, graph, layout) and in the decode worker (decode, shapes,
// the model panel's facts, validation). Measured with bench/ui-profile.ts: see actions.ts.
import { encodeModel, ImageFeatureType_ColorSpace, PoolingLayerParams_PoolingType, type Model, type NeuralNetworkLayer, type WeightParams } from '../../../shared/format';
import { buildGraph } from '../../../shared/graph';
import { openModelContents } from '../../../shared/io';
import { buildViewGraph } from '../canvas/viewGraph';
import { dataflowLayout } from '../layout/dataflowLayout';
import { applyOperationChecked } from '../../../shared/surgery';
import { keepUnchanged, shapeLabelsOf, toEdges, toNodes } from '../canvas/flowElements';
import { updateLayout } from '../layout/incremental';
import type { Placements } from '../layout/types';
import type { ModelDocument } from '../store/documentStore';
import { analyze, findings } from './analysis';
import { indexDiagnostics } from './diagnosticIndex';

const weights = (n: number): WeightParams => ({ floatValue: new Float32Array(n).fill(0.01) });

/**
 * A small image classifier with the layers most models have: convolution, batch norm, ReLU,
 * pooling, a residual add, concat, flatten, inner product, softmax; image preprocessing and string
 * class labels. Built in code so the warm-up needs no file.
 */
export function warmUpModel(): Model {
  const c = 8;
  const layers: NeuralNetworkLayer[] = [
    { name: 'conv1', input: ['image'], output: ['c1'], convolution: { outputChannels: c, kernelChannels: 3, kernelSize: [3, 3], stride: [1, 1], dilationFactor: [1, 1], same: {}, hasBias: true, weights: weights(c * 3 * 9), bias: weights(c) } },
    { name: 'bn1', input: ['c1'], output: ['b1'], batchnorm: { channels: c, epsilon: 1e-5, gamma: weights(c), beta: weights(c), mean: weights(c), variance: weights(c) } },
    { name: 'relu1', input: ['b1'], output: ['r1'], activation: { ReLU: {} } },
    { name: 'conv2', input: ['r1'], output: ['c2'], convolution: { outputChannels: c, kernelChannels: c, kernelSize: [1, 1], stride: [1, 1], dilationFactor: [1, 1], valid: {}, hasBias: false, weights: weights(c * c) } },
    { name: 'add1', input: ['r1', 'c2'], output: ['a1'], add: {} },
    { name: 'pool1', input: ['a1'], output: ['p1'], pooling: { type: PoolingLayerParams_PoolingType.MAX, kernelSize: [2, 2], stride: [2, 2], valid: {} } },
    { name: 'pool2', input: ['a1'], output: ['p2'], pooling: { type: PoolingLayerParams_PoolingType.AVERAGE, kernelSize: [2, 2], stride: [2, 2], valid: {} } },
    { name: 'concat1', input: ['p1', 'p2'], output: ['cat'], concat: {} },
    { name: 'flatten1', input: ['cat'], output: ['f1'], flatten: {} },
    { name: 'fc1', input: ['f1'], output: ['logits'], innerProduct: { inputChannels: 2 * c * 16 * 16, outputChannels: 4, hasBias: true, weights: weights(2 * c * 16 * 16 * 4), bias: weights(4) } },
    { name: 'softmax1', input: ['logits'], output: ['probs'], softmax: {} },
  ];
  return {
    specificationVersion: 4,
    description: {
      input: [{ name: 'image', shortDescription: 'an image', type: { imageType: { width: 32, height: 32, colorSpace: ImageFeatureType_ColorSpace.BGR } } }],
      output: [
        { name: 'probs', type: { dictionaryType: { stringKeyType: {} } } },
        { name: 'label', type: { stringType: {} } },
      ],
      predictedFeatureName: 'label',
      predictedProbabilitiesName: 'probs',
      metadata: { shortDescription: 'warm-up', author: 'ML Surgeon', userDefined: new Map([['purpose', 'warm-up']]) },
    },
    neuralNetworkClassifier: {
      layers,
      preprocessing: [{ featureName: 'image', scaler: { channelScale: 1 / 255, redBias: -0.5, greenBias: -0.5, blueBias: -0.5 } }],
      stringClassLabels: { vector: ['a', 'b', 'c', 'd'] },
    },
  };
}

let encoded: Uint8Array | undefined;
/** The warm-up model as a file's bytes (encoded once). */
export const encodedWarmUpModel = (): Uint8Array => (encoded ??= encodeModel(warmUpModel()));

/**
 * What the window runs when a file is opened, up to the layout (not React, which needs the DOM),
 * with the analysis it runs itself for a small model (actions.ts).
 */
export function warmUpWindow(rounds = 3): void {
  for (let i = 0; i < rounds; i++) {
    const opened = openModelContents('warm-up.mlmodel', encodedWarmUpModel());
    dataflowLayout(buildViewGraph(buildGraph(opened.spec, { foldConstants: true }), new Set()));
    findings(opened.spec, opened.format, opened.package);
  }
}

/** What the decode worker runs on an open. */
export function warmUpAnalysis(rounds = 3): void {
  for (let i = 0; i < rounds; i++) {
    const opened = openModelContents('warm-up.mlmodel', encodedWarmUpModel());
    findings(opened.spec, opened.format, opened.package);
  }
}

/**
 * What the first edit of an opened document runs on this thread, run once on that document while
 * the user looks at it, and thrown away: the operation and its check, the analysis of the result,
 * the canvas's view graph, incremental layout and React Flow elements. Measured on model_cpm
 * (757 layers, bench/ui-open.ts), the first rename took about 200 ms on cold code and later ones
 * about 75 ms; this brings the first one to the second's. Nothing here reaches a store.
 */
export function warmUpEditing(doc: ModelDocument, collapsed: ReadonlySet<string>, positions: Placements, rounds = 3): void {
  for (let i = 0; i < rounds; i++) warmUpEdit(doc, collapsed, positions, i);
}

function warmUpEdit(doc: ModelDocument, collapsed: ReadonlySet<string>, positions: Placements, round: number): void {
  const features = [...(doc.spec.description?.output ?? []), ...(doc.spec.description?.input ?? [])];
  const from = features.find((f) => f.name)?.name;
  if (!from) return;
  let spec: Model;
  try {
    spec = applyOperationChecked(doc.spec, 'renameFeature', { from, to: `${from}\u0000warm-up ${round}` }, { force: true }).spec;
  } catch {
    return; // a model this edit does not apply to: nothing to learn from it
  }
  const a = analyze(spec, doc.format, doc.package, doc.foldConstants);
  indexDiagnostics(a.graph, a.diagnostics);
  const before = buildViewGraph(doc.graph, collapsed);
  const view = buildViewGraph(a.graph, collapsed);
  const { mode, ...layout } = updateLayout({ view: before, layout: { placements: positions, routes: new Map() } }, view);
  const shown = { ...doc, spec, graph: a.graph, diagnostics: a.diagnostics };
  const laid = { view, doc: shown, collapsed, layout, mode };
  const labels = shapeLabelsOf(shown);
  keepUnchanged(toNodes(before, positions, null), toNodes(view, layout.placements, null));
  // Built, then compared with themselves as the canvas compares them with the edges on screen.
  const edges = toEdges(laid, layout.placements, null, null, labels);
  toEdges(laid, layout.placements, null, null, labels, edges);
}
