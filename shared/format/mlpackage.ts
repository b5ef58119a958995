// The .mlpackage folder: Manifest.json names the root model item; the model specification lives
// at Data/<item path>; ML Program weights live beside it (weights/weight.bin). Every file in the
// folder is carried through a save unchanged unless it is the model we re-encode.
import { decodeModel, encodeModel, ModelReadError } from './model';
import type { Model, MILSpec_Program } from './schema/types.generated';
import { walkMessages } from './walk';
import { parseWeightFile, WeightFileError, type WeightFile } from './weightfile';

export interface ManifestItem {
  readonly author?: string;
  readonly description?: string;
  readonly name?: string;
  readonly path: string;
}

export interface PackageManifest {
  readonly fileFormatVersion?: string;
  readonly itemInfoEntries: Readonly<Record<string, ManifestItem>>;
  readonly rootModelIdentifier: string;
}

/** A package's files as read: relative POSIX paths to bytes, plus its (possibly empty) folders. */
export interface PackageContents {
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly directories: readonly string[];
}

export interface WeightFileInfo {
  /** Path inside the package, e.g. "Data/com.apple.CoreML/weights/weight.bin". */
  readonly path: string;
  /** The name as the model spells it, e.g. "@model_path/weights/weight.bin". */
  readonly referencedAs: string;
  readonly present: boolean;
  readonly bytes: number;
  readonly parsed?: WeightFile;
  readonly error?: string;
}

export interface MlPackage {
  readonly contents: PackageContents;
  readonly manifest: PackageManifest;
  /** Path of the root model specification inside the package. */
  readonly modelPath: string;
  readonly weightFiles: readonly WeightFileInfo[];
  readonly warnings: readonly string[];
}

export const MANIFEST = 'Manifest.json';
const MODEL_PATH_PREFIX = '@model_path/';

function parseManifest(bytes: Uint8Array, file: string): PackageManifest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new ModelReadError(`Manifest.json is not valid JSON (${(e as Error).message})`, file);
  }
  const m = json as Partial<PackageManifest>;
  if (!m || typeof m !== 'object' || typeof m.itemInfoEntries !== 'object' || !m.itemInfoEntries) {
    throw new ModelReadError('Manifest.json has no itemInfoEntries', file);
  }
  if (typeof m.rootModelIdentifier !== 'string') throw new ModelReadError('Manifest.json has no rootModelIdentifier', file);
  const root = m.itemInfoEntries[m.rootModelIdentifier];
  if (!root || typeof root.path !== 'string') {
    throw new ModelReadError(`Manifest.json's rootModelIdentifier ${m.rootModelIdentifier} names no item with a path`, file);
  }
  return m as PackageManifest;
}

/** Names of weight files an ML Program refers to (BlobFileValue.fileName), in first-use order. */
export function referencedWeightFiles(spec: Model): string[] {
  const names = new Set<string>();
  const programs: MILSpec_Program[] = [];
  for (const v of walkMessages('CoreML.Specification.Model', spec)) {
    if (v.typeName === 'CoreML.Specification.MILSpec.Program') programs.push(v.message);
  }
  for (const p of programs) {
    for (const v of walkMessages('CoreML.Specification.MILSpec.Program', p)) {
      if (v.typeName === 'CoreML.Specification.MILSpec.Value.BlobFileValue') {
        const name = v.message.fileName;
        if (typeof name === 'string' && name) names.add(name);
      }
    }
  }
  return [...names];
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** Resolves "@model_path/weights/weight.bin" against the model file's folder. */
export function resolveModelPath(modelPath: string, name: string): string {
  const rel = name.startsWith(MODEL_PATH_PREFIX) ? name.slice(MODEL_PATH_PREFIX.length) : name;
  const parts = (dirname(modelPath) ? `${dirname(modelPath)}/${rel}` : rel).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.' && p !== '') out.push(p);
  }
  return out.join('/');
}

/** Opens a package from its files. Missing weight files are warnings, not errors. */
export function readPackage(contents: PackageContents, file = 'package'): { pkg: MlPackage; spec: Model } {
  const manifestBytes = contents.files.get(MANIFEST);
  if (!manifestBytes) throw new ModelReadError('package has no Manifest.json', file);
  const manifest = parseManifest(manifestBytes, file);
  const modelPath = `Data/${manifest.itemInfoEntries[manifest.rootModelIdentifier].path}`;
  const modelBytes = contents.files.get(modelPath);
  if (!modelBytes) throw new ModelReadError(`package has no model specification at ${modelPath} (named by Manifest.json)`, file);
  const spec = decodeModel(modelBytes, `${file}/${modelPath}`);
  const warnings: string[] = [];
  const weightFiles: WeightFileInfo[] = referencedWeightFiles(spec).map((name) => {
    const path = resolveModelPath(modelPath, name);
    const bytes = contents.files.get(path);
    if (!bytes) {
      warnings.push(`weight file ${path} is missing (the model refers to it as ${name}); the model can be inspected but not saved`);
      return { path, referencedAs: name, present: false, bytes: 0 };
    }
    try {
      return { path, referencedAs: name, present: true, bytes: bytes.length, parsed: parseWeightFile(bytes) };
    } catch (e) {
      const error = e instanceof WeightFileError ? e.message : String(e);
      warnings.push(`weight file ${path}: ${error}`);
      return { path, referencedAs: name, present: true, bytes: bytes.length, error };
    }
  });
  for (const [id, item] of Object.entries(manifest.itemInfoEntries)) {
    const p = `Data/${item.path}`;
    if (!contents.files.has(p) && !contents.directories.includes(p) && ![...contents.files.keys()].some((f) => f.startsWith(`${p}/`))) {
      warnings.push(`Manifest.json item ${id} (${item.name ?? item.path}) points at Data/${item.path}, which is not in the package`);
    }
  }
  return { pkg: { contents, manifest, modelPath, weightFiles, warnings }, spec };
}

export class PackageWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackageWriteError';
  }
}

/**
 * The package's files after replacing its model specification with `spec`. Every other file is
 * passed through as read. Refuses when a weight file the model needs is missing: writing would
 * produce a package that cannot load.
 */
export function writePackage(pkg: MlPackage, spec: Model): PackageContents {
  const needed = referencedWeightFiles(spec).map((n) => resolveModelPath(pkg.modelPath, n));
  const missing = needed.filter((p) => !pkg.contents.files.has(p));
  if (missing.length) {
    throw new PackageWriteError(`cannot save: the model needs ${missing.join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} missing from the package`);
  }
  const files = new Map(pkg.contents.files);
  files.set(pkg.modelPath, encodeModel(spec));
  return { files, directories: pkg.contents.directories };
}
