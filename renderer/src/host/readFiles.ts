// Turning browser File objects into the payloads shared/ decodes: one file, or a .mlpackage
// folder read entry by entry (drag-and-drop gives FileSystemDirectoryEntry trees; a
// `<input webkitdirectory>` gives a flat list with webkitRelativePath).
import type { PackageContents } from '../../../shared/format';
import type { FilePayload } from '../../../shared/host';

/** The File each payload's bytes were read from (see sourceOf). */
const sources = new WeakMap<Uint8Array, Blob>();

export async function fileBytes(file: File): Promise<Uint8Array> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  sources.set(bytes, file);
  return bytes;
}

/**
 * The File that `bytes` were read from, when fileBytes read them. Handing a File to a worker
 * costs nothing (it is a handle; the worker reads the file itself), where handing it the bytes
 * copies them on this thread: tens of milliseconds per megabyte in a fresh renderer.
 */
export function sourceOf(bytes: Uint8Array): Blob | undefined {
  return sources.get(bytes);
}

/** Every intermediate folder of the given relative file paths ("a/b/c.bin" → "a", "a/b"). */
function foldersOf(paths: Iterable<string>): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs].sort();
}

/**
 * The files of a folder chosen with `<input webkitdirectory>`. webkitRelativePath starts with
 * the chosen folder's own name ("yolov8n.mlpackage/Manifest.json"), which is stripped so paths
 * are relative to the package, as PackageContents expects.
 */
export async function payloadFromFolderInput(files: FileList | readonly File[]): Promise<FilePayload | null> {
  const list = [...files];
  if (list.length === 0) return null;
  const first = list[0].webkitRelativePath || list[0].name;
  const root = first.includes('/') ? first.slice(0, first.indexOf('/')) : first;
  const contents = new Map<string, Uint8Array>();
  for (const f of list) {
    const rel = f.webkitRelativePath ? f.webkitRelativePath.slice(root.length + 1) : f.name;
    contents.set(rel, await fileBytes(f));
  }
  return { kind: 'package', name: root, contents: { files: contents, directories: foldersOf(contents.keys()) } };
}

export async function payloadFromFileInput(files: FileList | readonly File[]): Promise<FilePayload | null> {
  const f = files[0];
  if (!f) return null;
  return { kind: 'file', name: f.name, bytes: await fileBytes(f) };
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** readEntries returns at most ~100 entries per call; it is called until it returns none. */
async function allEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const out: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

async function readDirectoryEntry(root: FileSystemDirectoryEntry): Promise<PackageContents> {
  const files = new Map<string, Uint8Array>();
  const directories: string[] = [];
  const walk = async (dir: FileSystemDirectoryEntry, rel: string, depth: number): Promise<void> => {
    if (depth > 32) throw new Error(`folder nesting deeper than 32 levels at ${rel}`);
    const entries = (await allEntries(dir)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) { directories.push(p); await walk(e as FileSystemDirectoryEntry, p, depth + 1); }
      else if (e.isFile) files.set(p, await fileBytes(await entryFile(e as FileSystemFileEntry)));
    }
  };
  await walk(root, '', 0);
  return { files, directories };
}

/** The first dropped item: a file's bytes, or a folder (a .mlpackage) with every file inside. */
export async function payloadFromDataTransfer(data: DataTransfer): Promise<FilePayload | null> {
  const item = [...data.items].find((i) => i.kind === 'file');
  // webkitGetAsEntry must be called synchronously in the drop handler's task; this function is
  // called from it before any await.
  const entry = item?.webkitGetAsEntry?.() ?? null;
  if (entry?.isDirectory) {
    return { kind: 'package', name: entry.name, contents: await readDirectoryEntry(entry as FileSystemDirectoryEntry) };
  }
  const file = item?.getAsFile() ?? data.files[0];
  return file ? { kind: 'file', name: file.name, bytes: await fileBytes(file) } : null;
}
