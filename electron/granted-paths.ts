// Where the window may save without a dialog. The renderer names the path of a plain Save, and a
// renderer is not trusted to name any path on disk: only paths the person opened or chose in a
// save dialog are writable, so a compromised page cannot overwrite arbitrary files.
import { normalizeModelPath } from './handlers';

export class GrantedPaths {
  private readonly paths = new Set<string>();

  grant(path: string): void {
    this.paths.add(normalizeModelPath(path));
  }

  has(path: string): boolean {
    return this.paths.has(normalizeModelPath(path));
  }

  /** Throws unless `path` was granted; the message tells the person what to do instead. */
  check(path: string): void {
    if (!this.has(path)) throw new Error(`cannot save ${path}: it was not opened or chosen in a save dialog in this session; use File > Save As…`);
  }
}
