// Reading and writing a Core ML model specification (the protobuf inside .mlmodel files and
// .mlpackage folders), with bad input reported as a reason a person can act on.
import { decodeMessage, encodeMessage, type EncodeOptions } from './protobuf/codec';
import { DecodeError } from './protobuf/errors';
import type { Model } from './schema/types.generated';
import { whichOneof } from './walk';

export const MODEL_TYPE = 'CoreML.Specification.Model';

export interface SpecificationRelease {
  readonly ios: string;
  readonly macos: string;
  /** Apple's name for the Core ML release, where it gave one. */
  readonly coreml?: string;
}

/**
 * Core ML specification versions and the OS releases that introduced them (Model.proto: "1 =
 * iOS 11 ... 8 = iOS 17, 9 = iOS 18, 10 = iOS 26"). The one table: validation's version names
 * and the model panel's both read it.
 */
export const SPECIFICATION_RELEASES: Readonly<Record<number, SpecificationRelease>> = {
  1: { ios: 'iOS 11', macos: 'macOS 10.13', coreml: 'Core ML 1' },
  2: { ios: 'iOS 11.2', macos: 'macOS 10.13.2', coreml: 'Core ML 1.2' },
  3: { ios: 'iOS 12', macos: 'macOS 10.14', coreml: 'Core ML 2' },
  4: { ios: 'iOS 13', macos: 'macOS 10.15', coreml: 'Core ML 3' },
  5: { ios: 'iOS 14', macos: 'macOS 11', coreml: 'Core ML 4' },
  6: { ios: 'iOS 15', macos: 'macOS 12', coreml: 'Core ML 5' },
  7: { ios: 'iOS 16', macos: 'macOS 13', coreml: 'Core ML 6' },
  8: { ios: 'iOS 17', macos: 'macOS 14', coreml: 'Core ML 7' },
  9: { ios: 'iOS 18', macos: 'macOS 15', coreml: 'Core ML 8' },
  10: { ios: 'iOS 26', macos: 'macOS 26' },
};

export const NEWEST_SPECIFICATION_VERSION = 10;

/** "iOS 18, macOS 15 (Core ML 8)"; undefined for a version not in the table. */
export function describeRelease(version: number): string | undefined {
  const r = SPECIFICATION_RELEASES[version];
  return r && `${r.ios}, ${r.macos}${r.coreml ? ` (${r.coreml})` : ''}`;
}

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
