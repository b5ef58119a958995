// What the renderer needs from the program hosting it. Two implementations: the Electron
// preload (window.mlsurgeon, see shared/host/api.ts) and the plain browser (file inputs,
// drag-and-drop, downloads). The UI never asks which one it runs in; it asks for capabilities.
import type { FilePayload, MenuCommand, SavePayload } from '../../../shared/host';

export type { FilePayload, MenuCommand, SavePayload };

export interface SaveRequest {
  /** File name the document was opened as ("SqueezeNet.mlmodel", "yolov8n.mlpackage"). */
  readonly name: string;
  /** Where it came from on disk, when the host knows (Electron). */
  readonly path?: string;
  readonly payload: SavePayload;
}

export interface Host {
  readonly kind: 'electron' | 'browser';
  /** A native open dialog; absent in the browser, where the toolbar shows file inputs instead. */
  readonly openDialog?: () => Promise<FilePayload | null>;
  /** Whether a .mlpackage (a folder) can be written back with its weight files. */
  readonly canSavePackages: boolean;
  /** How the browser writes a package: into a folder the user picks, or as a .zip download. */
  readonly packageSave?: 'folder' | 'zip';
  /** Saves (Electron: to `path`, or through a dialog; browser: a download, or a package folder). Returns where it went. */
  save(request: SaveRequest): Promise<string | null>;
  /** Saves somewhere the user chooses (Electron: the save dialog; browser: a download). Returns where it went. */
  saveAs(request: SaveRequest): Promise<string | null>;
  /** Writes an auxiliary file the user asked for (a weight tensor as .npy). */
  exportFile(name: string, bytes: Uint8Array): Promise<string | null>;
  /** Reads what was dropped on the window: a file, or a .mlpackage folder with every file in it. */
  payloadFromDrop(data: DataTransfer): Promise<FilePayload | null>;
  onOpenRequest(listener: (payload: FilePayload) => void): () => void;
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  setDocumentState(state: { title: string; dirty: boolean }): void;
}
