// shared/host: what the page and its host (Electron's main process, or the browser) agree on:
// the desktop API the preload script exposes with its payloads, and the action table (labels,
// keystrokes, menu places) the Electron menu, the key map and the toolbar are built from.
export type { DesktopApi, FilePayload, SavePayload } from './api';
export * from './actions';
