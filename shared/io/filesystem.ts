// The file operations a host offers (Node in the CLI and Electron's main process, tests in
// memory). shared/ stays free of Node imports: hosts hand in an object with these methods, and
// `nodeFileSystem` adapts Node's own `fs/promises` module when the host passes it in.

export interface DirEntry { readonly name: string; readonly isDirectory: boolean }

export interface FileSystem {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  readdir(path: string): Promise<DirEntry[]>;
  /** undefined when nothing exists at the path. */
  stat(path: string): Promise<{ isDirectory: boolean; size: number } | undefined>;
  rename(from: string, to: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  /** Removes a file or a folder with everything in it; no error when absent. */
  remove(path: string): Promise<void>;
}

/** The subset of Node's `fs/promises` that nodeFileSystem uses (structurally typed, no import). */
export interface NodeFsPromises {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  readdir(path: string, options: { withFileTypes: true }): Promise<{ name: string; isDirectory(): boolean }[]>;
  stat(path: string): Promise<{ isDirectory(): boolean; size: number }>;
  rename(from: string, to: string): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  rm(path: string, options: { recursive: true; force: true }): Promise<void>;
}

export function nodeFileSystem(fs: NodeFsPromises): FileSystem {
  return {
    readFile: (p) => fs.readFile(p),
    writeFile: (p, d) => fs.writeFile(p, d),
    readdir: async (p) => (await fs.readdir(p, { withFileTypes: true })).map((e) => ({ name: e.name, isDirectory: e.isDirectory() })),
    stat: async (p) => {
      try {
        const s = await fs.stat(p);
        return { isDirectory: s.isDirectory(), size: s.size };
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT' || (e as { code?: string }).code === 'ENOTDIR') return undefined;
        throw e;
      }
    },
    rename: (a, b) => fs.rename(a, b),
    mkdir: async (p) => { await fs.mkdir(p, { recursive: true }); },
    remove: (p) => fs.rm(p, { recursive: true, force: true }),
  };
}

export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/').replace(/\/{2,}/g, '/');
}

export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  return trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1);
}
