// The contract between the renderer and the program hosting it. Two hosts implement it: the
// Electron preload (window.mlsurgeon, over IPC to the main process) and the browser build (file
// picker, drag-and-drop, downloads). The renderer decodes bytes itself, in a Web Worker, so the
// decoded document keeps the byte-exact encodings that make a save lossless.
import type { PackageContents } from '../format';
import type { MenuCommand } from './actions';

/** A model as read from disk: one .mlmodel file, or every file of a .mlpackage folder. */
export type FilePayload =
  | { readonly kind: 'file'; readonly name: string; readonly path?: string; readonly bytes: Uint8Array }
  | { readonly kind: 'package'; readonly name: string; readonly path?: string; readonly contents: PackageContents };

/** What a save writes: the same two shapes. */
export type SavePayload =
  | { readonly kind: 'file'; readonly bytes: Uint8Array }
  | { readonly kind: 'package'; readonly contents: PackageContents };

/** What the native menu sends to the page: the actions of shared/host/actions.ts it carries. */
export type { MenuCommand } from './actions';

export interface DesktopApi {
  /** Shows the open dialog (.mlmodel files and .mlpackage folders); null when cancelled. */
  openDialog(): Promise<FilePayload | null>;
  /** Reads a model from a path (recent files, a dropped file, a path given on the command line). */
  readPath(path: string): Promise<FilePayload>;
  /** Writes atomically to `path` (temporary file or folder, then rename). */
  save(path: string, payload: SavePayload): Promise<void>;
  /** Shows the save dialog and writes; returns the chosen path, or null when cancelled. */
  saveAs(suggestedName: string, payload: SavePayload): Promise<string | null>;
  recentFiles(): Promise<string[]>;
  /** The path of a File from a drop event (Electron's webUtils.getPathForFile). */
  pathForFile(file: unknown): string;
  /** Models the main process asks the window to open (argv, File > Open Recent, the OS). */
  onOpenRequest(listener: (payload: FilePayload) => void): () => void;
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /** Tells the main process whether there are unsaved changes (title bar, close confirmation). */
  setDocumentState(state: { title: string; dirty: boolean }): void;
}
