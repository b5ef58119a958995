// Writing a .mlpackage folder through the File System Access API (Chromium, Electron's renderer):
// the user chooses a folder, the package is written inside it under its own name. The API has no
// rename for folders, so the package is written under a temporary name first and, only once
// every file is in, the old package (if any) is removed and the new one written again under the
// real name; a failure while writing the copy leaves the old package untouched, and one while writing it
// again leaves the complete copy (and says where).
import type { PackageContents } from '../../../shared/format';

/** The parts of FileSystemDirectoryHandle this module uses (also what a test's in-memory stand-in implements). */
export interface DirectoryHandle {
  readonly name: string;
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<DirectoryHandle>;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<{ createWritable(): Promise<{ write(data: Uint8Array | Blob): Promise<void>; close(): Promise<void> }> }>;
  removeEntry(name: string, options?: { recursive?: boolean }): Promise<void>;
}

async function exists(parent: DirectoryHandle, name: string): Promise<boolean> {
  try { await parent.getDirectoryHandle(name); return true; } catch { return false; }
}

async function writeTree(root: DirectoryHandle, contents: PackageContents): Promise<void> {
  const dirs = new Map<string, DirectoryHandle>([['', root]]);
  const dir = async (path: string): Promise<DirectoryHandle> => {
    const hit = dirs.get(path);
    if (hit) return hit;
    const slash = path.lastIndexOf('/');
    const parent = await dir(slash < 0 ? '' : path.slice(0, slash));
    const h = await parent.getDirectoryHandle(path.slice(slash + 1), { create: true });
    dirs.set(path, h);
    return h;
  };
  for (const d of contents.directories) await dir(d);
  for (const [p, data] of contents.files) {
    const slash = p.lastIndexOf('/');
    const parent = await dir(slash < 0 ? '' : p.slice(0, slash));
    const file = await parent.getFileHandle(p.slice(slash + 1), { create: true });
    const w = await file.createWritable();
    await w.write(data);
    await w.close();
  }
}

/**
 * Writes `contents` as folder `name` inside `parent`, replacing a folder of that name when
 * `replace` says yes. Returns false when the user declined to replace.
 */
export async function writePackageFolder(parent: DirectoryHandle, name: string, contents: PackageContents, replace: (name: string) => boolean): Promise<boolean> {
  if (await exists(parent, name) && !replace(name)) return false;
  const temp = `${name}.mlsurgeon-tmp`;
  try {
    await writeTree(await parent.getDirectoryHandle(temp, { create: true }), contents);
  } catch (e) {
    await parent.removeEntry(temp, { recursive: true }).catch(() => undefined);
    throw e;
  }
  try {
    if (await exists(parent, name)) await parent.removeEntry(name, { recursive: true });
    await writeTree(await parent.getDirectoryHandle(name, { create: true }), contents);
  } catch (e) {
    throw new Error(`${(e as Error).message}; a complete copy of the package is in ${parent.name}/${temp}`, { cause: e });
  }
  await parent.removeEntry(temp, { recursive: true });
  return true;
}
