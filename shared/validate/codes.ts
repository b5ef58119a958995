// Every diagnostic code validateModel can emit, with what it means. Codes are stable: the CLI
// prints them, tests match on them, and a user can look one up here.
export const DIAGNOSTIC_CODES = {
  // Model
  'spec-version-range': 'specificationVersion is outside the versions Core ML defines (1 to 10)',
  'spec-version-too-low': 'the model uses a feature newer than its declared specificationVersion',
  'model-type-missing': 'no model type (Model.Type oneof) is set',
  'updatable-model-type': 'isUpdatable is set on a model type that cannot be updated on device',
  'updatable-version': 'an updatable model declares a specification version below 4',

  // Feature descriptions
  'inputs-missing': 'the model declares no inputs',
  'outputs-missing': 'the model declares no outputs',
  'feature-name-empty': 'a feature has an empty name',
  'feature-name-duplicate': 'two features in the same list share a name',
  'feature-type-missing': 'a feature has no type',
  'array-data-type': 'a multi-array has no valid data type, or one its specification version does not allow',
  'array-shape-negative': 'a multi-array shape has a negative dimension',
  'array-shape-missing': 'a multi-array input has neither a shape nor a flexible shape',
  'shape-range-invalid': 'a size range has a lower bound above its upper bound',
  'shape-range-rank': 'a flexible shape range and the default shape have different ranks',
  'enumerated-shapes-invalid': 'enumerated shapes or sizes are empty or have empty entries',
  'shape-default-outside': 'the default shape or size lies outside the declared flexibility',
  'image-size': 'an image has a missing or non-positive width or height',
  'image-color-space': 'an image has a missing color space, or one its specification version does not allow',
  'dictionary-key-type': 'a dictionary feature has no key type',
  'sequence-type': 'a sequence feature has no element type, or the specification version is below 3',
  'state-type': 'a state feature breaks the rules for states (version, optional, shape, data type)',
  'default-value': 'a default value for an optional input has the wrong type or is not allowed here',
  'optional-input-not-allowed': 'this model type does not accept optional inputs',
  'optional-output': 'outputs cannot be optional',
  'all-inputs-optional': 'a neural network needs at least one input that is not optional',
  'multi-function': 'a multi-function description breaks its rules',

  // Neural networks
  'nn-no-layers': 'a neural network has no layers',
  'nn-io-type': 'a neural network input or output is neither an image nor a multi-array',
  'nn-input-rank': 'a multi-array input has a rank the array shape mapping does not accept',
  'nn-rank5-mapping': 'RANK5_ARRAY_MAPPING is used with layers or an image mapping that need N-d tensors',
  'layer-type-missing': 'a layer has no layer type set',
  'layer-name-duplicate': 'two layers share a name',
  'layer-input-count': 'a layer has a number of inputs its type does not accept',
  'layer-output-count': 'a layer has a number of outputs its type does not accept',
  'layer-input-undefined': 'a layer reads a blob that no earlier layer produces and that is not a model input',
  'layer-order': 'a layer reads a blob that a later layer produces: layers are not in topological order',
  'graph-cycle': 'layers read each other\'s outputs in a cycle',
  'blob-produced-twice': 'a blob is produced by two layers (or shadows a model input)',
  'output-not-produced': 'a model output is not produced by any layer',
  'tensor-rank': 'inputTensor/outputTensor ranks disagree with each other or with the model description',
  'layer-parameter': 'a layer parameter is missing or out of range',
  'preprocessing-feature': 'preprocessing names no image input',
  'preprocessing-mean-image': 'a mean image does not have C × H × W values for its input',
  'shape-inconsistent': 'shape inference found sizes that do not fit together (Core ML calls these potentially invalid shapes)',
  'shape-mismatch': 'shape inference proves that a layer\'s input has the wrong rank, or a size its parameters fix (input channels, inner product size); Core ML cannot load the model',
  'layer-output-unused': 'nothing reads any output of a layer (a dead layer): it costs time and memory for nothing',
  'classifier-not-softmax': 'a classifier\'s class probabilities do not come from a softmax (or sigmoid) layer, so they are scores rather than probabilities',
  'output-shape-mismatch': 'a declared output shape differs from the inferred one',

  // Weights
  'weight-missing': 'a layer has no values for a weight it needs',
  'weight-storage': 'a weight has values in more than one storage field, or an invalid fp16 byte length',
  'weight-count': 'a weight has a different number of values than the layer parameters imply',
  'weight-precision-mixed': 'a layer mixes float32 and float16 weights',
  'quantization-missing': 'quantized bytes without quantization parameters',
  'quantization-bits': 'numberOfBits is outside 1 to 8',
  'quantization-type': 'quantization parameters set neither linear nor lookup-table quantization',
  'quantization-scale-length': 'linear quantization scale has neither 1 nor one value per output channel',
  'quantization-bias-length': 'linear quantization bias is neither empty nor as long as the scale',
  'quantization-lut-length': 'a lookup table does not have 2^numberOfBits entries',
  'quantized-byte-count': 'quantized bytes do not hold ceil(count × bits / 8) bytes',
  'int8-quantization': 'int8DynamicQuantize requirements are not met',

  // Classifiers and regressors
  'predicted-feature': 'predictedFeatureName is missing or names no output of the right type',
  'predicted-probabilities': 'predictedProbabilitiesName names no output of the right type',
  'class-labels-missing': 'a classifier has no class labels',
  'classifier-probability-blob': 'labelProbabilityLayerName names no blob of the network',
  'class-label-count': 'the number of class labels differs from the size of the probability output',

  // Pipelines
  'pipeline-empty': 'a pipeline contains no models',
  'pipeline-input-missing': 'a model in a pipeline reads a feature that neither the pipeline inputs nor an earlier model provide',
  'pipeline-feature-mismatch': 'a feature passed between pipeline models (or to the pipeline output) changes type or shape',
  'pipeline-output-missing': 'a pipeline output is produced by no contained model',
  'pipeline-names': 'pipeline model names are not one per model or not unique',
  'pipeline-updatable': 'updatable models in a pipeline break the rules for updatable pipelines',
  'pipeline-input-unused': 'a pipeline input is read by none of the contained models',

  // Non-maximum suppression
  'nms-feature-missing': 'a NonMaximumSuppression feature name does not exist among the model inputs or outputs',
  'nms-feature-unused': 'an input or output is not one of the NonMaximumSuppression feature names',
  'nms-feature-type': 'a NonMaximumSuppression feature has the wrong type or data type',
  'nms-shape': 'confidence or coordinates arrays are not 2-D, or their box, class or coordinate counts disagree',
  'nms-threshold': 'an NMS threshold is out of range',
  'nms-threshold-input': 'a threshold override input is named but not declared, so the threshold cannot be overridden',

  // ML Programs
  'program-function': 'an ML Program lacks its main function or that function\'s opset block',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
