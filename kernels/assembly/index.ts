// The executor's SIMD kernels. Memory is imported: the host owns one WebAssembly.Memory and
// allocates every tensor in it above heapBase(); the kernels never allocate.
export { gemm, gemmScratchBytes } from './gemm';
export { conv2d, conv2dScratchBytes } from './conv';
export { depthwise3x3, depthwise3x3ScratchBytes } from './depthwise';

/** First byte the host may allocate (the module has no static data; each instance's tiles are allocated by the host, see tiles.ts). */
export function heapBase(): usize {
  return __heap_base;
}
export { clamp, add, planeMeans } from './elementwise';
export { setTiles, tilesBytes } from './tiles';
