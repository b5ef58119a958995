// What the main process does for each request from the window, as plain functions over a
// FileSystem: reading a model from a path, saving atomically, the open and save dialogs. Electron
// itself stays in main.ts; tests call these directly on real files.
import { ModelReadError, decodeModel, readPackage, type PackageContents } from '../shared/format';
import { baseName, openModelFile, saveModelFile, type FileSystem } from '../shared/io';
import type { FilePayload, SavePayload } from '../shared/host';
import type { IpcError } from './channels';

/** Trailing separators dropped: a package folder arrives as "x.mlpackage/" from some shells. */
export function normalizeModelPath(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  return trimmed === '' ? path : trimmed;
}

/**
 * A plain Uint8Array over the same memory. Node hands out Buffers, and a Buffer may be a window
 * on a shared pool: structured clone copies a view's whole ArrayBuffer, so a pooled view is
 * copied out once here rather than sending the pool across IPC.
 */
function ownBytes(b: Uint8Array): Uint8Array {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) return new Uint8Array(b.buffer, 0, b.byteLength);
  return Uint8Array.prototype.slice.call(b);
}

/**
 * Reads a .mlmodel file or a .mlpackage folder for the window. The model is decoded here as a
 * check, so a file that is not a model fails with the reader's reason ("…: macOS alias file, not
 * a model") before any bytes travel to the renderer; the renderer decodes its own copy.
 */
export async function readModelPath(fs: FileSystem, path: string): Promise<FilePayload> {
  const p = normalizeModelPath(path);
  const opened = await openModelFile(fs, p);
  const name = baseName(p);
  if (opened.format === 'mlmodel') return { kind: 'file', name, path: p, bytes: ownBytes(opened.bytes!) };
  const read = opened.package!.contents;
  const files = new Map<string, Uint8Array>();
  for (const [rel, bytes] of read.files) files.set(rel, ownBytes(bytes));
  return { kind: 'package', name, path: p, contents: { files, directories: [...read.directories] } };
}

/** A package-relative path that stays inside the package: no absolute path, no "..", no "". */
function isInsidePackage(rel: string): boolean {
  if (rel === '' || rel.startsWith('/') || rel.includes('\\') || /^[A-Za-z]:/.test(rel)) return false;
  return rel.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/**
 * Checks a save request from the renderer before anything is written. The renderer is untrusted
 * input to the main process: a payload must have the promised shape, its package paths must stay
 * inside the package, and its model must decode — a save never replaces a model with bytes that
 * are not one.
 */
export function checkSavePayload(path: string, payload: unknown): asserts payload is SavePayload {
  const p = payload as Partial<{ kind: string; bytes: unknown; contents: Partial<PackageContents> }> | null;
  if (!p || typeof p !== 'object') throw new Error(`cannot save ${path}: no model data was sent`);
  if (p.kind === 'file') {
    if (!(p.bytes instanceof Uint8Array)) throw new Error(`cannot save ${path}: the model bytes are missing`);
    decodeModel(p.bytes, path);
    return;
  }
  if (p.kind !== 'package') throw new Error(`cannot save ${path}: unknown payload kind ${String(p.kind)}`);
  const c = p.contents;
  if (!c || !(c.files instanceof Map) || !Array.isArray(c.directories)) throw new Error(`cannot save ${path}: the package contents are missing`);
  for (const d of c.directories) {
    if (typeof d !== 'string' || !isInsidePackage(d)) throw new Error(`cannot save ${path}: folder ${String(d)} is not a path inside the package`);
  }
  for (const [rel, bytes] of c.files) {
    if (typeof rel !== 'string' || !isInsidePackage(rel)) throw new Error(`cannot save ${path}: file ${String(rel)} is not a path inside the package`);
    if (!(bytes instanceof Uint8Array)) throw new Error(`cannot save ${path}: ${rel} has no bytes`);
  }
  readPackage(c as PackageContents, path);
}

/** Writes a model atomically (shared saveModelFile: temporary sibling, then rename). */
export async function saveModel(fs: FileSystem, path: string, payload: SavePayload): Promise<void> {
  const p = normalizeModelPath(path);
  checkSavePayload(p, payload);
  await writePayload(fs, p, payload);
}

function writePayload(fs: FileSystem, path: string, payload: SavePayload): Promise<void> {
  return saveModelFile(fs, path, payload.kind === 'file' ? payload.bytes : payload.contents);
}

/**
 * The model a dialog selection means. Where a dialog cannot pick a folder and a file at once
 * (Windows, Linux), a package is opened by picking any file inside it, usually its Manifest.json;
 * the outermost ".mlpackage" folder on the path is the model.
 */
export function modelPathOfSelection(selected: string): string {
  const m = /\.mlpackage(?=[\\/])/i.exec(selected);
  return m ? selected.slice(0, m.index + m[0].length) : normalizeModelPath(selected);
}

/** What a Save As writes: a model, or an auxiliary file the person exports (a tensor as .npy). */
export interface SaveTarget {
  /** Extension without the dot, from the suggested name: "mlmodel", "mlpackage", "npy"; "" when none. */
  readonly extension: string;
  /** A model is checked before writing and becomes a recent file; an auxiliary file is written as is. */
  readonly isModel: boolean;
}

export function isModelPath(path: string): boolean {
  return /\.(mlmodel|mlpackage)$/i.test(normalizeModelPath(path));
}

/**
 * What Save As is asked to write. A package is always a model; a single file is a model when its
 * suggested name says so or has no extension, and otherwise an export in its own format (the
 * renderer saves weight tensors as .npy through the same dialog).
 */
export function saveTargetOf(suggestedName: string, payload: SavePayload): SaveTarget {
  if (payload.kind === 'package') return { extension: 'mlpackage', isModel: true };
  const m = /\.([A-Za-z0-9]+)$/.exec(baseName(suggestedName));
  const ext = m ? m[1].toLowerCase() : '';
  if (ext === '' || ext === 'mlmodel') return { extension: 'mlmodel', isModel: true };
  return { extension: ext, isModel: false };
}

/** Adds the extension a save dialog left off (Linux dialogs do not enforce the filter). */
export function withExtension(path: string, extension: string): string {
  const p = normalizeModelPath(path);
  if (!extension) return p;
  return p.toLowerCase().endsWith(`.${extension.toLowerCase()}`) ? p : `${p}.${extension}`;
}

/** Shows the open dialog through `pickPath` and reads the choice; null when cancelled. */
export async function openWithDialog(
  fs: FileSystem,
  pickPath: () => Promise<string | undefined>,
): Promise<FilePayload | null> {
  const selected = await pickPath();
  if (!selected) return null;
  return readModelPath(fs, modelPathOfSelection(selected));
}

/**
 * Shows the save dialog through `pickPath` and writes, atomically in both cases; the chosen path,
 * or null when cancelled.
 */
export async function saveWithDialog(
  fs: FileSystem,
  pickPath: (suggestedName: string, target: SaveTarget) => Promise<string | undefined>,
  suggestedName: string,
  payload: SavePayload,
): Promise<string | null> {
  const target = saveTargetOf(suggestedName, payload);
  // Checked before the dialog: a model that cannot be saved is refused before asking where.
  if (target.isModel) checkSavePayload(suggestedName, payload);
  else if (payload.kind !== 'file' || !(payload.bytes instanceof Uint8Array)) throw new Error(`cannot save ${suggestedName}: no bytes were sent`);
  const selected = await pickPath(suggestedName, target);
  if (!selected) return null;
  const path = withExtension(selected, target.extension);
  await writePayload(fs, path, payload);
  return path;
}

/** An error as the window receives it: the reader's own message, and the file when known. */
export function toIpcError(e: unknown): IpcError {
  if (e instanceof ModelReadError) return { name: e.name, message: e.message, file: e.file };
  if (e instanceof Error) {
    const path = (e as { path?: unknown }).path;
    return { name: e.name, message: e.message, ...(typeof path === 'string' ? { file: path } : {}) };
  }
  return { name: 'Error', message: String(e) };
}
