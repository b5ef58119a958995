// Opening and saving model files through a FileSystem: the one place that decides between
// .mlmodel and .mlpackage, and that writes atomically (temporary file or folder, then rename).
import {
  MODEL_TYPE, ModelReadError, adoptRawEncodings, decodeModel, encodeModel, rawEncodingTable, readPackage, writePackage,
  type MlPackage, type Model, type PackageContents,
} from '../format';
import { baseName, joinPath, type FileSystem } from './filesystem';

export interface OpenedModel {
  readonly format: 'mlmodel' | 'mlpackage';
  readonly path: string;
  readonly spec: Model;
  /** For .mlmodel files: the bytes as read. */
  readonly bytes?: Uint8Array;
  readonly package?: MlPackage;
  readonly warnings: readonly string[];
}

/** Reads every file and folder below `root` (relative POSIX paths). */
export async function readFolder(fs: FileSystem, root: string): Promise<PackageContents> {
  const files = new Map<string, Uint8Array>();
  const directories: string[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > 32) throw new ModelReadError(`folder nesting deeper than 32 levels at ${rel}`, root);
    const entries = (await fs.readdir(rel ? joinPath(root, rel) : root)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) { directories.push(p); await walk(p, depth + 1); }
      else files.set(p, await fs.readFile(joinPath(root, p)));
    }
  };
  await walk('', 0);
  return { files, directories };
}

/** Decodes bytes or package contents that a host already read (the browser host's path). */
export function openModelContents(name: string, input: Uint8Array | PackageContents): OpenedModel {
  if (input instanceof Uint8Array) {
    return { format: 'mlmodel', path: name, spec: decodeModel(input, name), bytes: input, warnings: [] };
  }
  const { pkg, spec } = readPackage(input, name);
  return { format: 'mlpackage', path: name, spec, package: pkg, warnings: pkg.warnings };
}

export async function openModelFile(fs: FileSystem, path: string): Promise<OpenedModel> {
  const st = await fs.stat(path);
  if (!st) throw new ModelReadError('no such file or folder', path);
  if (st.isDirectory) {
    const manifest = await fs.stat(joinPath(path, 'Manifest.json'));
    if (!manifest) throw new ModelReadError('folder is not a model package: package has no Manifest.json', path);
    return openModelContents(path, await readFolder(fs, path));
  }
  return openModelContents(path, await fs.readFile(path));
}

/** Encodes a document for saving: the .mlmodel bytes, or the package's files. */
export function serializeModel(opened: OpenedModel, spec: Model): Uint8Array | PackageContents {
  if (opened.format === 'mlpackage') return writePackage(opened.package!, spec);
  return encodeModel(spec);
}

function tempName(path: string): string {
  return `${path.replace(/[\\/]+$/, '')}.mlsurgeon-tmp-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

async function writeFolder(fs: FileSystem, root: string, contents: PackageContents): Promise<void> {
  await fs.mkdir(root);
  for (const d of contents.directories) await fs.mkdir(joinPath(root, d));
  for (const [p, data] of contents.files) {
    const slash = p.lastIndexOf('/');
    if (slash > 0) await fs.mkdir(joinPath(root, p.slice(0, slash)));
    await fs.writeFile(joinPath(root, p), data);
  }
}

/**
 * Writes atomically: everything goes to a temporary sibling first and is renamed into place, so
 * a failure midway leaves the previous file untouched. A package replaces an existing folder by
 * moving the old one aside, renaming the new one in and only then deleting the old one.
 */
export async function saveModelFile(fs: FileSystem, path: string, data: Uint8Array | PackageContents): Promise<void> {
  const tmp = tempName(path);
  try {
    if (data instanceof Uint8Array) {
      const existing = await fs.stat(path);
      if (existing?.isDirectory) throw new Error(`${path} is a folder; save a .mlmodel file to a file path`);
      await fs.writeFile(tmp, data);
      await fs.rename(tmp, path);
      return;
    }
    await writeFolder(fs, tmp, data);
    const existing = await fs.stat(path);
    if (!existing) { await fs.rename(tmp, path); return; }
    if (!existing.isDirectory) throw new Error(`${path} exists and is not a folder; a package is a folder`);
    const old = `${tmp}-old`;
    await fs.rename(path, old);
    try {
      await fs.rename(tmp, path);
    } catch (e) {
      await fs.rename(old, path);
      throw e;
    }
    await fs.remove(old);
  } catch (e) {
    await fs.remove(tmp).catch(() => undefined);
    throw e;
  }
}

export function displayName(path: string): string {
  return baseName(path);
}

/** An OpenedModel ready to be posted to another thread (the file bytes are not included). */
export interface TransferableModel {
  readonly format: OpenedModel['format'];
  readonly path: string;
  readonly spec: Model;
  readonly package?: Omit<MlPackage, 'contents'>;
  readonly warnings: readonly string[];
  /** What the codec remembers about the spec's messages, as offsets into the spec's bytes. */
  readonly rawTable: Float64Array;
}

function specBytesOf(opened: { format: OpenedModel['format']; package?: { modelPath: string } }, input: Uint8Array | PackageContents): Uint8Array {
  if (input instanceof Uint8Array) return input;
  const bytes = input.files.get(opened.package!.modelPath);
  if (!bytes) throw new Error(`the package has no ${opened.package!.modelPath}`);
  return bytes;
}

/** Decoding happens in a worker; this is what the worker posts back (it costs no second decode). */
export function toTransferable(opened: OpenedModel, input: Uint8Array | PackageContents): TransferableModel {
  const { contents: _contents, ...pkg } = opened.package ?? ({} as MlPackage);
  void _contents;
  return {
    format: opened.format,
    path: opened.path,
    spec: opened.spec,
    ...(opened.package ? { package: pkg } : {}),
    warnings: opened.warnings,
    rawTable: rawEncodingTable(MODEL_TYPE, opened.spec, specBytesOf(opened, input)),
  };
}

/**
 * The receiving side: the posted (structured-cloned) document adopts the remembered bytes from
 * this thread's own copy of the input, so saving it is as lossless as saving the original.
 */
export function fromTransferable(t: TransferableModel, input: Uint8Array | PackageContents): OpenedModel {
  adoptRawEncodings(MODEL_TYPE, t.spec, specBytesOf(t, input), t.rawTable);
  if (input instanceof Uint8Array) return { format: t.format, path: t.path, spec: t.spec, bytes: input, warnings: t.warnings };
  return { format: t.format, path: t.path, spec: t.spec, package: { ...t.package!, contents: input }, warnings: t.warnings };
}
