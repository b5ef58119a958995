// The IPC channels between the preload (window.mlsurgeon) and the main process, in one place:
// their names, what each request carries and what comes back. Both sides import these types, so
// a channel whose arguments change breaks the build on both sides at once.
import type { FilePayload, MenuCommand, SavePayload } from '../shared/host';

export const INVOKE = {
  openDialog: 'mlsurgeon:open-dialog',
  readPath: 'mlsurgeon:read-path',
  save: 'mlsurgeon:save',
  saveAs: 'mlsurgeon:save-as',
  recentFiles: 'mlsurgeon:recent-files',
} as const;

/** Renderer to main, no reply. */
export const NOTIFY = {
  documentState: 'mlsurgeon:document-state',
  /** The page's preload is listening: open requests and menu commands held back may be sent. */
  pageListening: 'mlsurgeon:page-listening',
} as const;

/** Main to renderer. */
export const PUSH = {
  openRequest: 'mlsurgeon:open-request',
  menuCommand: 'mlsurgeon:menu-command',
} as const;

export interface InvokeSignatures {
  [INVOKE.openDialog]: { args: []; result: FilePayload | null };
  [INVOKE.readPath]: { args: [path: string]; result: FilePayload };
  [INVOKE.save]: { args: [path: string, payload: SavePayload]; result: void };
  [INVOKE.saveAs]: { args: [suggestedName: string, payload: SavePayload]; result: string | null };
  [INVOKE.recentFiles]: { args: []; result: string[] };
}

export type InvokeChannel = keyof InvokeSignatures;

export interface DocumentState { readonly title: string; readonly dirty: boolean }

export interface NotifySignatures {
  [NOTIFY.documentState]: [state: DocumentState];
  [NOTIFY.pageListening]: [];
}

export interface PushSignatures {
  [PUSH.openRequest]: [payload: FilePayload];
  [PUSH.menuCommand]: [command: MenuCommand];
}

/**
 * What an invoke handler sends back. Errors travel as values: a rejected ipcRenderer.invoke
 * prefixes the message with "Error invoking remote method …", and the renderer should show the
 * reader's own words ("ObjectDetector.mlmodel: macOS alias file, not a model").
 */
export type IpcResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: IpcError };

export interface IpcError {
  /** The error class name on the main side: "ModelReadError", "PackageWriteError", "Error". */
  readonly name: string;
  readonly message: string;
  /** The file the error is about, when known. */
  readonly file?: string;
}
