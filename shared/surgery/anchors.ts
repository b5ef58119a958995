// The anchor boxes file a detector's decoder is built from, read the same way by the editor's
// builder dialogs and by `mlsurgeon decoder`/`detector`: a NumPy .npy array (any numeric dtype,
// as TensorFlow's and PyTorch's export scripts save them) or JSON nested arrays. Only the file's
// form is checked here; anchorRows checks the (4, N) or (N, 4) shape when the decoder is built.
import { NpyError, decodeNpy } from '../numeric';
import type { AnchorArray } from './anchor-decoder';
import { SurgeryError } from './errors';

const isNumberRow = (r: unknown, length: number): boolean =>
  Array.isArray(r) && r.length === length && r.every((x) => typeof x === 'number');

/** An anchors file by name: .json holds an array of equal-length number arrays, anything else is read as .npy. */
export function parseAnchorsFile(name: string, bytes: Uint8Array): AnchorArray {
  if (name.toLowerCase().endsWith('.json')) return anchorsFromJson(name, bytes);
  try {
    return decodeNpy(bytes);
  } catch (e) {
    if (e instanceof NpyError) throw new SurgeryError(`${name}: ${e.message}`);
    throw e;
  }
}

function anchorsFromJson(name: string, bytes: Uint8Array): AnchorArray {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new SurgeryError(`${name}: not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(json) || !json.length || !Array.isArray(json[0]) || !json.every((r) => isNumberRow(r, (json as unknown[][])[0].length))) {
    throw new SurgeryError(`${name}: expected a JSON array of equal-length arrays of numbers`);
  }
  const rows = json as number[][];
  return { shape: [rows.length, rows[0].length], data: Float32Array.from(rows.flat()) };
}
