// Reading and writing a Core ML model specification (the protobuf inside .mlmodel files and
// .mlpackage folders), with bad input reported as a reason a person can act on.
import { decodeMessage, encodeMessage, type EncodeOptions } from './protobuf/codec';
import { DecodeError } from './protobuf/errors';
import type { Model } from './schema/types.generated';
import { whichOneof } from './walk';

export const MODEL_TYPE = 'CoreML.Specification.Model';

/** The input is not a readable Core ML model; `reason` says why in a few words. */
export class ModelReadError extends Error {
  constructor(readonly reason: string, readonly file?: string) {
    super(file ? `${file}: ${reason}` : reason);
    this.name = 'ModelReadError';
  }
}

const startsWith = (b: Uint8Array, s: string): boolean => {
  if (b.length < s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[i] !== s.charCodeAt(i)) return false;
  return true;
};

function looksLikeText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 4096);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c < 0x09 || (c > 0x0d && c < 0x20) || c === 0x7f) return false;
  }
  try { new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, n - (n < b.length ? 4 : 0))); } catch { return false; }
  return true;
}

/** Recognises common non-model files before trying to decode, for a precise message. */
function sniff(b: Uint8Array): string | undefined {
  if (b.length === 0) return 'empty file';
  if (startsWith(b, 'book\0\0\0\0mark\0\0\0\0')) return 'macOS alias file, not a model';
  if (startsWith(b, 'PK\x03\x04')) return 'zip archive, not a model (unzip it: a zipped .mlpackage is a folder inside)';
  if (startsWith(b, '\x89PNG') || startsWith(b, '\xff\xd8\xff')) return 'image file, not a model';
  if (startsWith(b, 'bplist')) return 'binary property list, not a model';
  if (looksLikeText(b)) {
    const head = new TextDecoder().decode(b.subarray(0, 64)).trimStart();
    if (head.startsWith('{') || head.startsWith('[')) return 'JSON text, not a protobuf message';
    if (head.startsWith('version https://git-lfs')) return 'Git LFS pointer file, not the model itself (run git lfs pull)';
    return 'text file, not a protobuf message';
  }
  return undefined;
}

/** Decodes a Core ML model specification. Throws ModelReadError for anything that is not one. */
export function decodeModel(bytes: Uint8Array, file?: string): Model {
  const sniffed = sniff(bytes);
  if (sniffed) throw new ModelReadError(sniffed, file);
  let spec: Model;
  try {
    spec = decodeMessage<Model>(MODEL_TYPE, bytes);
  } catch (e) {
    if (e instanceof DecodeError) {
      const where = e.path.length ? ` in ${e.path.join('.')}` : '';
      const what = e.reason === 'truncated' ? `truncated at byte ${e.offset}` : `not a protobuf message: ${e.reason} at byte ${e.offset}`;
      throw new ModelReadError(`${what}${where}`, file);
    }
    throw e;
  }
  const type = whichOneof(MODEL_TYPE, spec, 'Type');
  if (!type && !spec.specificationVersion) {
    throw new ModelReadError('decodes but has no model type and specification version 0', file);
  }
  return spec;
}

export function encodeModel(spec: Model, options?: EncodeOptions): Uint8Array {
  return encodeMessage(MODEL_TYPE, spec, options);
}

/** The name of the Model.Type oneof member that is set ("neuralNetwork", "pipeline", "mlProgram", …). */
export function modelTypeOf(spec: Model): string | undefined {
  return whichOneof(MODEL_TYPE, spec, 'Type');
}
