// A small pipeline in the shape of the MobileNetV2 + SSDLite walkthrough
// (../shared/seeds/mobilenetv2-ssdlite-coreml.txt, "Putting it together into a pipeline"):
// model 0 stands in for SSD and outputs "scores"; model 1 is the start of the decoder, which
// declares its input "scores" as (91, 1917, 1), permutes it with (0, 3, 2, 1) and slices off the
// "unknown" class to give "raw_confidence" (1917, 90). The walkthrough's bug: SSD's output was
// declared (91, 1917) and had to be changed to (91, 1917, 1) before the models would connect.
import type { FeatureType, Model } from '../../shared/format/schema/types.generated';

const DOUBLE = 65600;
const CLASSES = 90;
const ANCHORS = 1917;

const array = (shape: readonly number[]): FeatureType => ({ multiArrayType: { shape, dataType: DOUBLE } });

export interface DecoderPipelineOptions {
  /** The shape SSD declares for its "scores" output; (91, 1917, 1) connects, (91, 1917) does not. */
  readonly ssdScoresShape?: readonly number[];
}

export function buildDecoderPipeline(options: DecoderPipelineOptions = {}): Model {
  const scoresShape = options.ssdScoresShape ?? [CLASSES + 1, ANCHORS, 1];
  const ssd: Model = {
    specificationVersion: 1,
    description: {
      input: [{ name: 'features', type: array([CLASSES + 1, ANCHORS, 1]) }],
      output: [{ name: 'scores', type: array(scoresShape) }],
    },
    neuralNetwork: {
      layers: [{ name: 'convert_scores', input: ['features'], output: ['scores'], activation: { sigmoid: {} } }],
    },
  };
  const decoder: Model = {
    specificationVersion: 1,
    description: {
      input: [{ name: 'scores', type: array([CLASSES + 1, ANCHORS, 1]) }],
      output: [{ name: 'raw_confidence', type: array([ANCHORS, CLASSES]) }],
    },
    neuralNetwork: {
      layers: [
        { name: 'permute_scores', input: ['scores'], output: ['permute_scores_output'], permute: { axis: [0, 3, 2, 1] } },
        // WIDTH_AXIS = 2: keep classes 1..90, dropping class 0 ("unknown").
        { name: 'slice_scores', input: ['permute_scores_output'], output: ['raw_confidence'], slice: { axis: 2, startIndex: 1, endIndex: CLASSES + 1, stride: 1 } },
      ],
    },
  };
  return {
    specificationVersion: 1,
    description: {
      input: [{ name: 'features', type: array([CLASSES + 1, ANCHORS, 1]) }],
      output: [{ name: 'raw_confidence', type: array([ANCHORS, CLASSES]) }],
    },
    pipeline: { models: [ssd, decoder] },
  };
}
