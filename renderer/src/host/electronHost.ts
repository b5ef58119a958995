// The Electron host: a thin wrapper over the preload's DesktopApi (window.mlsurgeon). Dropped
// files and folders are read by the main process from their paths, which also gives the
// document a path to save back to.
import type { DesktopApi } from '../../../shared/host';
import type { Host } from './host';
import { payloadFromDataTransfer } from './readFiles';

export function createElectronHost(api: DesktopApi): Host {
  return {
    kind: 'electron',
    canSavePackages: true,
    openDialog: () => api.openDialog(),
    async save({ name, path, payload }) {
      if (path) { await api.save(path, payload); return path; }
      return api.saveAs(name, payload);
    },
    saveAs: ({ name, payload }) => api.saveAs(name, payload),
    exportFile: (name, bytes) => api.saveAs(name, { kind: 'file', bytes }),
    async payloadFromDrop(data) {
      const file = data.files[0];
      const path = file ? api.pathForFile(file) : '';
      if (path) return api.readPath(path);
      return payloadFromDataTransfer(data);
    },
    onOpenRequest: (listener) => api.onOpenRequest(listener),
    onMenuCommand: (listener) => api.onMenuCommand(listener),
    setDocumentState: (state) => api.setDocumentState(state),
  };
}

export function hostForWindow(): Host | undefined {
  return window.mlsurgeon ? createElectronHost(window.mlsurgeon) : undefined;
}
