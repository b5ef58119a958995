// shared/weights: the one place that reads every weight storage into typed arrays.
// - NeuralNetwork WeightParams: float32, float16, n-bit linear or lookup-table quantized, int8,
//   raw float32 bytes (readWeights, weightStorage);
// - ML Program tensors and blobs in an .mlpackage weight file: every numeric element type,
//   sub-byte ones included (decodeElements, readBlob);
// - bit packing in both orders Core ML uses (packCodes, unpackCodes, unpackCodesLsbFirst).
// The renderer's weight viewer, surgery's quantizer and the executor read weights through here.
export { packCodes, unpackCodes, unpackCodesLsbFirst } from './bits';
export { decodeBfloat16, decodeElements, decodeFloat16, decodeMilBytes, elementBits, readBlob, type Blob } from './elements';
export { readWeights, weightsProblem, WeightsError, type ReadWeightsOptions } from './read';
export { weightStorage, weightStorageKind, type WeightStorageKind } from './storage';
