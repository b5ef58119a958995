// Where the window may save without a dialog. The renderer names the path of a plain Save, and a
// renderer is not trusted to name any path on disk. Reading never grants writing: a page that can
// ask the main process to read a model (readPath takes whatever path the page names) must not
// thereby be able to overwrite it. A plain Save writes only where the person chose in a save
// dialog, or over a model they opened once they have confirmed replacing it (asked once per path
// and session); anywhere else it is refused.
import { normalizeModelPath } from './handlers';

export class GrantedPaths {
  private readonly writable = new Set<string>();
  private readonly opened = new Set<string>();

  /** The person chose `path` in a save dialog, or confirmed replacing it: Save may write there. */
  grantWrite(path: string): void {
    this.writable.add(normalizeModelPath(path));
  }

  /**
   * A model was read from `path` (open dialog, drop, command line, Finder, Open Recent). It
   * becomes a path a Save may ask to replace, not one it may write unasked.
   */
  noteOpened(path: string): void {
    this.opened.add(normalizeModelPath(path));
  }

  canWrite(path: string): boolean {
    return this.writable.has(normalizeModelPath(path));
  }

  wasOpened(path: string): boolean {
    return this.opened.has(normalizeModelPath(path));
  }

  /**
   * Resolves when a plain Save may write `path`: at once where it is writable; for a model the
   * person opened, once `confirmReplace` says yes (the path is then writable for the session).
   * Throws, with what to do instead, when the path was neither opened nor chosen or the person
   * declined; `confirmReplace` is asked only for an opened path.
   */
  async authorizeSave(path: string, confirmReplace: (path: string) => Promise<boolean>): Promise<void> {
    if (this.canWrite(path)) return;
    if (!this.wasOpened(path)) throw new Error(`cannot save ${path}: it was not opened or chosen in a save dialog in this session; use File > Save As…`);
    if (!(await confirmReplace(normalizeModelPath(path)))) {
      throw new Error(`${path} was not saved: replacing the model you opened was not confirmed; use File > Save As… to save a copy elsewhere`);
    }
    this.grantWrite(path);
  }
}
