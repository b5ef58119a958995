// One view over the weight tensors the inspector shows, whatever their storage: NeuralNetwork
// WeightParams (float32, float16, n-bit linear or lookup-table quantized, int8) and ML Program
// values (immediate tensors, or blobs in the package's weight file). The values come from
// shared/weights, the one reader of every storage; `decode` gives float32 for statistics, the
// histogram and .npy export.
import { resolveModelPath, type MILSpec_TensorType, type MILSpec_Value, type MlPackage, type WeightParams } from '../../../shared/format';
import { milDataTypeName } from '../../../shared/graph';
import { decodeMilBytes, readBlob, readWeights, weightsProblem, weightStorage } from '../../../shared/weights';
import type { WeightLayout } from './nnShapes';

export interface TensorView {
  /** For people: "float16", "8-bit lookup table (256 entries)", "blob file, float16". */
  readonly storage: string;
  /** Stable kind for tests and styling: weightStorage's kind, or "blob-<type>", "immediate-<type>". */
  readonly storageKind: string;
  readonly shape?: readonly number[];
  readonly count: number;
  readonly bytes: number;
  /** Where the data lives, for blobs: "Data/com.apple.CoreML/weights/weight.bin @ 64". */
  readonly location?: string;
  /** Why values cannot be shown, when they cannot. */
  readonly problem?: string;
  decode(): Float32Array | undefined;
}

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** The values, or undefined when shared/weights cannot read them (the view's `problem` says why). */
function readOrUndefined(read: () => Float32Array | undefined): Float32Array | undefined {
  try { return read(); } catch { return undefined; }
}

/**
 * `layout`, when known, is what the layer parameters imply (the layer registry's weights row):
 * the shape, and the output-channel stride per-channel linear quantization needs, which is not
 * count / channels for a deconvolution ([C_in, C_out / groups, kH, kW], channels on axis 1).
 */
export function tensorFromWeightParams(w: WeightParams, layout?: WeightLayout): TensorView | undefined {
  const s = weightStorage(w);
  if (!s) return undefined;
  const shape = layout?.shape;
  const known = shape && shape.length ? product(shape) : undefined;
  const base = { storageKind: s.kind, bytes: s.bytes, ...(shape && shape.length ? { shape } : {}) };
  if (w.floatValue?.length) {
    const v = w.floatValue;
    return { ...base, storage: 'float32', count: v.length, decode: () => Float32Array.from(v) };
  }
  if (w.float16Value?.length) {
    return { ...base, storage: 'float16', count: w.float16Value.length >> 1, decode: () => readOrUndefined(() => readWeights(w)) };
  }
  if (w.rawValue?.length) {
    const q = w.quantization;
    const bits = Number(q?.numberOfBits ?? 0);
    const raw = w.rawValue;
    if (!q || bits < 1 || bits > 8) {
      return { ...base, storage: `raw bytes${q ? `, ${bits}-bit` : ''}`, count: known ?? raw.length, problem: 'raw weights without usable quantization parameters', decode: () => undefined };
    }
    const count = known ?? Math.floor((raw.length * 8) / bits);
    const lut = q.lookupTableQuantization?.floatValue;
    const lin = q.linearQuantization;
    const storage = lut ? `${bits}-bit lookup table (${lut.length} entries)`
      : lin ? `${bits}-bit linear (${Math.max(lin.scale?.length ?? 0, lin.bias?.length ?? 0, 1) === 1 ? 'per tensor' : `${Math.max(lin.scale?.length ?? 0, lin.bias?.length ?? 0)} channels`})`
      : `${bits}-bit, no quantization type`;
    const read = { count, ...(layout && layout.channels.count > 1 ? { channelStride: layout.channels.stride } : {}) };
    const problem = weightsProblem(w, read);
    return { ...base, storage, count, ...(problem ? { problem } : {}), decode: () => readOrUndefined(() => readWeights(w, read)) };
  }
  if (w.int8RawValue?.length) {
    const problem = weightsProblem(w);
    return { ...base, storage: 'int8', count: w.int8RawValue.length, ...(problem ? { problem } : {}), decode: () => readOrUndefined(() => readWeights(w)) };
  }
  return undefined;
}

/** Constant dimensions of a MIL tensor type (unknown dimensions are -1). */
export function milShape(t: MILSpec_TensorType | undefined): number[] | undefined {
  if (!t?.dimensions) return undefined;
  return t.dimensions.map((d) => (d.constant ? Number(d.constant.size ?? 0) : -1));
}

/** A const operation's value: an immediate tensor or a blob in the package's weight file. */
export function tensorFromMilValue(value: MILSpec_Value, pkg: MlPackage | undefined): TensorView | undefined {
  const tt = value.type?.tensorType;
  const shape = milShape(tt);
  const dtype = milDataTypeName(tt?.dataType);
  const count = shape && shape.every((d) => d >= 0) ? product(shape) : undefined;
  const withShape = shape ? { shape } : {};
  if (value.blobFileValue) {
    const { fileName = '', offset = 0 } = value.blobFileValue;
    const path = pkg ? resolveModelPath(pkg.modelPath, fileName) : fileName;
    const file = pkg?.contents.files.get(path);
    const location = `${path} @ ${offset}`;
    if (!file) return { storage: `blob file, ${dtype}`, storageKind: `blob-${dtype}`, ...withShape, count: count ?? 0, bytes: 0, location, problem: `${path} is not in the package`, decode: () => undefined };
    try {
      const blob = readBlob(file, Number(offset));
      const type = blob.record.dataTypeName;
      return {
        storage: `blob file, ${type}`, storageKind: `blob-${type}`, ...withShape,
        count: count ?? blob.count, bytes: blob.record.sizeInBytes, location,
        ...(blob.decodable ? {} : { problem: `${type} values are not decoded here` }),
        decode: () => blob.decode(),
      };
    } catch (e) {
      return { storage: `blob file, ${dtype}`, storageKind: `blob-${dtype}`, ...withShape, count: count ?? 0, bytes: 0, location, problem: (e as Error).message, decode: () => undefined };
    }
  }
  const t = value.immediateValue?.tensor;
  if (!t) return undefined;
  const base = { storageKind: `immediate-${dtype}`, storage: `immediate, ${dtype}`, ...withShape };
  if (t.floats?.values) { const v = t.floats.values; return { ...base, count: v.length, bytes: v.byteLength, decode: () => Float32Array.from(v) }; }
  if (t.doubles?.values) { const v = t.doubles.values; return { ...base, count: v.length, bytes: v.byteLength, decode: () => Float32Array.from(v) }; }
  if (t.ints?.values) { const v = t.ints.values; return { ...base, count: v.length, bytes: v.length * 4, decode: () => Float32Array.from(v) }; }
  if (t.longInts?.values) { const v = t.longInts.values; return { ...base, count: v.length, bytes: v.length * 8, decode: () => Float32Array.from(v, Number) }; }
  if (t.bools?.values) { const v = t.bools.values; return { ...base, count: v.length, bytes: v.length, decode: () => Float32Array.from(v, (b) => (b ? 1 : 0)) }; }
  if (t.bytes?.values) { const v = t.bytes.values; return { ...base, count: count ?? v.length, bytes: v.length, decode: () => decodeMilBytes(tt?.dataType, v, count) }; }
  return undefined;
}
