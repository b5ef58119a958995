// shared/numeric: number formats JavaScript lacks (IEEE 754 half precision on Node 20, which has
// no Float16Array) and NumPy's .npy arrays.
export { float16BytesToFloat32, float32ToFloat16Bytes, fromFloat16Bits, toFloat16Bits } from './float16';
export { NpyError, decodeNpy, encodeNpy, type NpyArray, type NpyTensor } from './npy';
