// File > Open Recent: the last models opened or saved, newest first, kept as JSON in the app's
// user-data folder. Entries whose file or folder is gone are dropped when the list is read.
import type { FileSystem } from '../shared/io';
import { normalizeModelPath } from './handlers';

export const RECENT_FILES_LIMIT = 10;

interface StoredList { readonly version: 1; readonly files: readonly string[] }

/** `path` first, earlier mentions of it removed, at most `limit` entries. */
export function withRecentFile(list: readonly string[], path: string, limit = RECENT_FILES_LIMIT): string[] {
  const p = normalizeModelPath(path);
  return [p, ...list.filter((e) => normalizeModelPath(e) !== p)].slice(0, limit);
}

function parentFolder(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i > 0 ? path.slice(0, i) : '';
}

/**
 * The list behind the menu. Reads and writes go through one queue, so two models opened at once
 * cannot interleave a read-modify-write and lose an entry.
 */
export class RecentFilesStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly fs: FileSystem,
    private readonly storePath: string,
    private readonly limit = RECENT_FILES_LIMIT,
  ) {}

  /** The entries that still exist, newest first. */
  list(): Promise<string[]> {
    return this.serialized(() => this.readExisting());
  }

  add(path: string): Promise<string[]> {
    return this.serialized(async () => this.write(withRecentFile(await this.readExisting(), path, this.limit)));
  }

  remove(path: string): Promise<string[]> {
    const p = normalizeModelPath(path);
    return this.serialized(async () => this.write((await this.readExisting()).filter((e) => e !== p)));
  }

  clear(): Promise<string[]> {
    return this.serialized(() => this.write([]));
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** A missing or unreadable store is an empty list: the menu is a convenience, never an error. */
  private async readStored(): Promise<string[]> {
    let text: string;
    try {
      text = new TextDecoder().decode(await this.fs.readFile(this.storePath));
    } catch {
      return [];
    }
    try {
      const parsed = JSON.parse(text) as Partial<StoredList> | null;
      const files = Array.isArray(parsed?.files) ? parsed.files.filter((f): f is string => typeof f === 'string' && f !== '') : [];
      return files.reduceRight<string[]>((acc, f) => withRecentFile(acc, f, Number.MAX_SAFE_INTEGER), []).slice(0, this.limit);
    } catch {
      return [];
    }
  }

  private async readExisting(): Promise<string[]> {
    const stored = await this.readStored();
    const present = await Promise.all(stored.map(async (p) => (await this.fs.stat(p).catch(() => undefined)) !== undefined));
    return stored.filter((_, i) => present[i]);
  }

  /** Temporary file, then rename: a crash mid-write leaves the previous list. */
  private async write(files: string[]): Promise<string[]> {
    const body: StoredList = { version: 1, files };
    const folder = parentFolder(this.storePath);
    if (folder) await this.fs.mkdir(folder);
    const tmp = `${this.storePath}.tmp`;
    await this.fs.writeFile(tmp, new TextEncoder().encode(`${JSON.stringify(body, null, 2)}\n`));
    await this.fs.rename(tmp, this.storePath);
    return files;
  }
}
