// The .npy reader and writer moved to shared/numeric (surgery reads anchor files with it too, and
// surgery comes before the executor); this keeps the executor's callers working. New code imports
// shared/numeric.
export { NpyError, decodeNpy, encodeNpy, type NpyArray } from '../numeric';
