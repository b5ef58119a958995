// A stand-in for the converted MobileNetV2 + SSDLite model of the walkthrough
// (../shared/seeds/mobilenetv2-ssdlite-coreml.txt, "Cleaning it up"), with the same interface: a
// 300×300 image input "Preprocessor__sub__0" scaled to [-1, 1], an output
// "Postprocessor__convert_scores__0" declared without a shape, and "concat__0" declared (4, 1917, 1).
// The body is small (pooling, two inner products, two reshapes) but the shapes are real.
import type { Model } from '../../shared/format/schema/types.generated';

const CLASSES = 91;
const ANCHORS = 1917;

function weights(n: number, seed: number): Float32Array {
  const w = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) >>> 0; w[i] = ((s >>> 8) / 0x1000000 - 0.5) * 0.1; }
  return w;
}

export function buildSsdliteLikeModel(): Model {
  const DOUBLE = 65600;
  return {
    specificationVersion: 1,
    description: {
      input: [{ name: 'Preprocessor__sub__0', type: { imageType: { width: 300, height: 300, colorSpace: 20 } } }],
      output: [
        { name: 'Postprocessor__convert_scores__0', type: { multiArrayType: { dataType: DOUBLE } } },
        { name: 'concat__0', type: { multiArrayType: { shape: [4, ANCHORS, 1], dataType: DOUBLE } } },
      ],
      metadata: { shortDescription: 'MobileNetV2 + SSDLite (test stand-in)' },
    },
    neuralNetwork: {
      preprocessing: [{ featureName: 'Preprocessor__sub__0', scaler: { channelScale: 0.007843, redBias: -1, greenBias: -1, blueBias: -1 } }],
      layers: [
        { name: 'FeatureExtractor/pool', input: ['Preprocessor__sub__0'], output: ['FeatureExtractor__pool__0'], pooling: { type: 1, globalPooling: true, valid: {} } },
        {
          name: 'BoxPredictor/ClassPredictor', input: ['FeatureExtractor__pool__0'], output: ['BoxPredictor__class__0'],
          innerProduct: { inputChannels: 3, outputChannels: CLASSES * ANCHORS, hasBias: true, weights: { floatValue: weights(3 * CLASSES * ANCHORS, 1) }, bias: { floatValue: weights(CLASSES * ANCHORS, 2) } },
        },
        { name: 'Postprocessor/convert_scores', input: ['BoxPredictor__class__0'], output: ['Postprocessor__convert_scores__0'], reshape: { targetShape: [1, CLASSES, ANCHORS] } },
        {
          name: 'BoxPredictor/BoxEncodingPredictor', input: ['FeatureExtractor__pool__0'], output: ['BoxPredictor__box__0'],
          innerProduct: { inputChannels: 3, outputChannels: 4 * ANCHORS, hasBias: true, weights: { floatValue: weights(3 * 4 * ANCHORS, 3) }, bias: { floatValue: weights(4 * ANCHORS, 4) } },
        },
        { name: 'concat', input: ['BoxPredictor__box__0'], output: ['concat__0'], reshape: { targetShape: [4, ANCHORS, 1] } },
      ],
    },
  };
}
