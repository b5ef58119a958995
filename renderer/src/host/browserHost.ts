// The browser build's host: files come from inputs and drops, saves are downloads. A browser
// cannot write a folder, so a .mlpackage cannot be saved as one here (canSavePackages: false);
// the UI offers the package's model specification as a single file instead.
import type { Host } from './host';
import { payloadFromDataTransfer } from './readFiles';

export function download(name: string, bytes: Uint8Array, type = 'application/octet-stream'): void {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function createBrowserHost(): Host {
  return {
    kind: 'browser',
    canSavePackages: false,
    async save({ name, payload }) {
      if (payload.kind === 'package') throw new Error('a browser cannot write a .mlpackage folder; use the desktop app');
      download(name, payload.bytes);
      return name;
    },
    // A browser chooses where downloads go; Save As is the same download.
    saveAs(request) { return this.save(request); },
    async exportFile(name, bytes) {
      download(name, bytes);
      return name;
    },
    payloadFromDrop: payloadFromDataTransfer,
    onOpenRequest: () => () => undefined,
    onMenuCommand: () => () => undefined,
    setDocumentState({ title, dirty }) {
      document.title = `${dirty ? '• ' : ''}${title ? `${title} — ` : ''}ML Surgeon`;
    },
  };
}
