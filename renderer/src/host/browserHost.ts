// The browser build's host: files come from inputs and drops, saves are downloads. A .mlpackage
// (a folder) is written as a folder through the File System Access API where the browser has it
// (showDirectoryPicker: Chromium, Electron), and downloaded as a .zip of the folder otherwise;
// never as its model specification alone.
import type { Host } from './host';
import { writePackageFolder, type DirectoryHandle } from './packageFolder';
import { payloadFromDataTransfer } from './readFiles';
import { zipPackage } from './zip';

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

type DirectoryPicker = (options?: { id?: string; mode?: 'read' | 'readwrite'; startIn?: string }) => Promise<DirectoryHandle>;

function directoryPicker(): DirectoryPicker | undefined {
  const w = window as unknown as { showDirectoryPicker?: DirectoryPicker };
  return typeof w.showDirectoryPicker === 'function' ? w.showDirectoryPicker.bind(window) : undefined;
}

const packageName = (name: string): string => (/\.mlpackage\/?$/i.test(name) ? name.replace(/\/$/, '') : `${name}.mlpackage`);

/** The window title to show, and whether setting it is scheduled (createBrowserHost's setDocumentState). */
let pendingTitle = '';
let titleScheduled = false;

export function createBrowserHost(): Host {
  return {
    kind: 'browser',
    canSavePackages: true,
    get packageSave() { return directoryPicker() ? 'folder' as const : 'zip' as const; },
    async save({ name, payload }) {
      if (payload.kind === 'file') {
        download(name, payload.bytes);
        return name;
      }
      const folder = packageName(name);
      const pick = directoryPicker();
      if (!pick) {
        download(`${folder}.zip`, zipPackage(folder, payload.contents), 'application/zip');
        return `${folder}.zip`;
      }
      let parent: DirectoryHandle;
      try {
        parent = await pick({ id: 'mlsurgeon-save', mode: 'readwrite' });
      } catch (e) {
        if ((e as Error).name === 'AbortError') return null; // the user closed the picker
        throw e;
      }
      const written = await writePackageFolder(parent, folder, payload.contents, (n) => window.confirm(`${parent.name} already holds ${n}. Replace it?`));
      return written ? `${parent.name}/${folder}` : null;
    },
    // A browser chooses where downloads go; Save As is the same download (or folder choice).
    saveAs(request) { return this.save(request); },
    async exportFile(name, bytes) {
      download(name, bytes);
      return name;
    },
    payloadFromDrop: payloadFromDataTransfer,
    onOpenRequest: () => () => undefined,
    onMenuCommand: () => () => undefined,
    setDocumentState({ title, dirty }) {
      // Setting the title costs Chromium about 5 ms (it goes to the browser process): done once
      // the edit that changed it is drawn, not on the way there.
      pendingTitle = `${dirty ? '• ' : ''}${title ? `${title} — ` : ''}ML Surgeon`;
      if (titleScheduled) return;
      titleScheduled = true;
      requestIdleCallback(() => {
        titleScheduled = false;
        if (document.title !== pendingTitle) document.title = pendingTitle;
      }, { timeout: 200 });
    },
  };
}
