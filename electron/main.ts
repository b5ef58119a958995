// The Electron main process: windows, the menu, dialogs and the file system. It holds no model
// logic: reading and saving are electron/handlers.ts over shared/io, and the document itself
// lives in the renderer.
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell, type IpcMainEvent, type IpcMainInvokeEvent, type OpenDialogOptions } from 'electron';
import { existsSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FilePayload, MenuCommand } from '../shared/host';
import { baseName, nodeFileSystem } from '../shared/io';
import { INVOKE, NOTIFY, PUSH, type DocumentState, type InvokeChannel, type InvokeSignatures, type IpcResult, type PushSignatures } from './channels';
import { APP_NAME, CloseGuard, windowTitle, type CloseAnswer } from './close-guard';
import { GrantedPaths } from './granted-paths';
import { isModelPath, openWithDialog, readModelPath, saveModel, saveTargetOf, saveWithDialog, toIpcError, type SaveTarget } from './handlers';
import { modelPathsFromArgv } from './launch-paths';
import { buildMenuTemplate } from './menu';
import { RecentFilesStore } from './recent-files';
import { isAppUrl, isExternalWebLink } from './trust';

const fs = nodeFileSystem(fsp);
const isMac = process.platform === 'darwin';

// `npm start` loads the built renderer from dist/; MLSURGEON_DEV_URL points at a vite dev server.
const devUrl = process.env.MLSURGEON_DEV_URL || undefined;
const indexHtml = join(__dirname, '..', 'dist', 'index.html');
const appUrl = devUrl ?? pathToFileURL(indexHtml).href;

app.setName(APP_NAME);

// Shared memory for the executor's two kernel threads (shared/executor/parallel.ts). A page gets
// SharedArrayBuffer by being crossOriginIsolated (COOP + COEP headers, added below to what the
// dev server sends), but the built app is loaded from file://, whose responses carry no headers
// and whose origin cannot be isolated. Chromium's SharedArrayBuffer feature gives this app's own
// pages (nothing else is ever loaded: see will-navigate below) SharedArrayBuffer and shared
// WebAssembly memories without isolation; crossOriginIsolated stays false there, and the executor
// worker tests for shared memory itself rather than for isolation.
app.commandLine.appendSwitch('enable-features', 'SharedArrayBuffer');

const grants = new GrantedPaths();
let recent: RecentFilesStore | undefined;
let quitting = false;

/** A window and the document state the main process keeps for it. */
class DocumentWindow {
  readonly guard = new CloseGuard();
  /** The page's preload is listening (it says so when it loads); until then pushes wait here. */
  private listening = false;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly win: BrowserWindow) {}

  send<C extends keyof PushSignatures>(channel: C, ...args: PushSignatures[C]): void {
    if (!this.win.isDestroyed()) this.win.webContents.send(channel, ...args);
  }

  /** Sends now, or once the page's preload is listening. */
  push<C extends keyof PushSignatures>(channel: C, ...args: PushSignatures[C]): void {
    if (this.listening) this.send(channel, ...args);
    else this.waiting.push(() => this.send(channel, ...args));
  }

  pageListening(): void {
    this.listening = true;
    for (const send of this.waiting.splice(0)) send();
  }

  pageUnloaded(): void {
    this.listening = false;
    this.guard.reset();
    this.showState();
  }

  setState(state: DocumentState): void {
    if (this.guard.update(state) === 'close') this.win.close();
    this.showState();
  }

  private showState(): void {
    if (this.win.isDestroyed()) return;
    this.win.setTitle(windowTitle(this.guard.state, process.platform));
    if (isMac) this.win.setDocumentEdited(this.guard.state.dirty);
  }
}

const windows = new Map<number, DocumentWindow>();

function documentWindowOf(event: IpcMainEvent | IpcMainInvokeEvent): DocumentWindow | undefined {
  if (!isAppUrl(event.senderFrame?.url, appUrl)) return undefined;
  return windows.get(event.sender.id);
}

function focusedDocumentWindow(): DocumentWindow | undefined {
  const w = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  return w ? windows.get(w.webContents.id) : undefined;
}

function createWindow(): DocumentWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: APP_NAME,
    backgroundColor: '#1b1e23',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      spellcheck: false,
    },
  });
  const doc = new DocumentWindow(win);
  const id = win.webContents.id;
  windows.set(id, doc);

  win.once('ready-to-show', () => win.show());
  // The window title is ours (document name and edited state), not the page's <title>.
  win.on('page-title-updated', (e) => e.preventDefault());
  win.webContents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) doc.pageUnloaded();
  });
  win.webContents.on('did-fail-load', (_e, code, description, url, isMainFrame) => {
    if (!isMainFrame || code === -3 /* ERR_ABORTED: a newer navigation replaced this one */) return;
    const hint = devUrl ? `Is the dev server running at ${devUrl}?` : `Build the renderer first: npm run build (expected ${indexHtml}).`;
    dialog.showErrorBox(`${APP_NAME} could not load its window`, `${url}: ${description} (${code}).\n${hint}`);
  });
  win.on('close', (e) => {
    const decision = doc.guard.requestClose();
    if (decision === 'close') return;
    e.preventDefault();
    if (decision === 'ask') void askBeforeClosing(doc);
  });
  win.on('closed', () => {
    windows.delete(id);
    if (quitting) app.quit();
  });

  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(indexHtml);
  return doc;
}

async function askBeforeClosing(doc: DocumentWindow): Promise<void> {
  const name = doc.guard.state.title || 'this model';
  const { response } = await dialog.showMessageBox(doc.win, {
    type: 'warning',
    message: `Do you want to save the changes you made to ${name}?`,
    detail: 'Your changes will be lost if you don’t save them.',
    buttons: ['Save', 'Don’t Save', 'Cancel'],
    defaultId: 0,
    cancelId: 2,
  });
  const answers: CloseAnswer[] = ['save', 'discard', 'cancel'];
  const next = doc.guard.answer(answers[response] ?? 'cancel');
  if (next === 'close') doc.win.close();
  else if (next === 'save') doc.push(PUSH.menuCommand, 'save');
  else quitting = false;
}

// ---------------------------------------------------------------------------------------------
// Opening models the window did not ask for: command line, macOS Finder, File > Open Recent.

/** Adds `path` to the recent models (the OS list and File > Open Recent). */
async function remember(path: string): Promise<void> {
  app.addRecentDocument(path);
  if (recent) await recent.add(path).then(refreshMenu, () => undefined);
}

/**
 * Reads `path` and shows it. A window with unsaved changes keeps them: the model opens in a new
 * window instead of replacing its document.
 */
async function openPath(path: string): Promise<void> {
  let payload: FilePayload;
  try {
    payload = await readModelPath(fs, path);
  } catch (e) {
    const parent = focusedDocumentWindow()?.win;
    const options = { type: 'error' as const, message: `${baseName(path)} could not be opened`, detail: toIpcError(e).message };
    await (parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options));
    if (recent && !(await fs.stat(path).catch(() => undefined))) await recent.remove(path).then(refreshMenu, () => undefined);
    return;
  }
  grants.noteOpened(payload.path ?? path);
  await remember(payload.path ?? path);
  const current = focusedDocumentWindow();
  const target = current && !current.guard.state.dirty ? current : createWindow();
  target.push(PUSH.openRequest, payload);
  if (target.win.isMinimized()) target.win.restore();
  target.win.focus();
}

// macOS sends 'open-file' for a double-clicked model, also before the app is ready.
const pendingOpens: string[] = [];
let ready = false;
app.on('open-file', (event, path) => {
  event.preventDefault();
  if (ready) void openPath(path);
  else pendingOpens.push(path);
});

// ---------------------------------------------------------------------------------------------
// Requests from the window.

function handle<C extends InvokeChannel>(
  channel: C,
  run: (doc: DocumentWindow, ...args: InvokeSignatures[C]['args']) => Promise<InvokeSignatures[C]['result']>,
): void {
  ipcMain.handle(channel, async (event, ...args): Promise<IpcResult<InvokeSignatures[C]['result']>> => {
    const doc = documentWindowOf(event);
    if (!doc) return { ok: false, error: { name: 'Error', message: `request ${channel} from a page that is not ${APP_NAME}` } };
    try {
      return { ok: true, value: await run(doc, ...(args as InvokeSignatures[C]['args'])) };
    } catch (e) {
      return { ok: false, error: toIpcError(e) };
    }
  });
}

function openDialogOptions(): OpenDialogOptions {
  // macOS shows a .mlpackage folder as one document and can pick files and folders together;
  // elsewhere a dialog picks one or the other, so a package is opened by picking a file inside
  // it (its Manifest.json), which handlers.modelPathOfSelection maps to the package.
  if (isMac) {
    return {
      title: 'Open Model',
      properties: ['openFile', 'openDirectory'],
      filters: [{ name: 'Core ML models', extensions: ['mlmodel', 'mlpackage'] }],
    };
  }
  return {
    title: 'Open Model (for a .mlpackage, pick the Manifest.json inside it)',
    properties: ['openFile'],
    filters: [
      { name: 'Core ML models (.mlmodel, Manifest.json of a .mlpackage)', extensions: ['mlmodel', 'json'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
}

function saveFilter(target: SaveTarget): { name: string; extensions: string[] } {
  if (target.extension === 'mlpackage') return { name: 'Core ML package', extensions: ['mlpackage'] };
  if (target.extension === 'mlmodel') return { name: 'Core ML model', extensions: ['mlmodel'] };
  return target.extension ? { name: `.${target.extension} file`, extensions: [target.extension] } : { name: 'All files', extensions: ['*'] };
}

/** Asks before a plain Save replaces a model the person opened (once per path and session). */
async function confirmReplace(doc: DocumentWindow, path: string): Promise<boolean> {
  const { response } = await dialog.showMessageBox(doc.win, {
    type: 'question',
    message: `Replace ${baseName(path)} with the edited model?`,
    detail: `${path}\n\nThe file you opened will be overwritten. Choose Save As… instead to keep it and save a copy.`,
    buttons: ['Replace', 'Cancel'],
    defaultId: 0,
    cancelId: 1,
  });
  return response === 0;
}

function registerIpc(): void {
  handle(INVOKE.openDialog, async (doc) => {
    const payload = await openWithDialog(fs, async () => {
      const r = await dialog.showOpenDialog(doc.win, openDialogOptions());
      return r.canceled ? undefined : r.filePaths[0];
    });
    if (payload?.path) {
      grants.noteOpened(payload.path);
      await remember(payload.path);
    }
    return payload;
  });

  handle(INVOKE.readPath, async (_doc, path) => {
    if (typeof path !== 'string' || path === '') throw new Error('no path given');
    const payload = await readModelPath(fs, path);
    // The page named this path: reading it records it as opened, which lets a later Save ask to
    // replace it, never write it unasked.
    grants.noteOpened(payload.path ?? path);
    await remember(payload.path ?? path);
    return payload;
  });

  handle(INVOKE.save, async (doc, path, payload) => {
    try {
      if (typeof path !== 'string' || path === '') throw new Error('no path given; use File > Save As…');
      await grants.authorizeSave(path, (p) => confirmReplace(doc, p));
      await saveModel(fs, path, payload);
    } catch (e) {
      doc.guard.saveFinished(false);
      throw e;
    }
    doc.guard.saveFinished(true);
    await remember(path);
  });

  handle(INVOKE.saveAs, async (doc, suggestedName, payload) => {
    const name = String(suggestedName);
    // Exports (a tensor as .npy) share the dialog but are not the document: they neither count as
    // the save a close is waiting for nor join the recent models.
    const isModel = saveTargetOf(name, payload).isModel;
    let saved: string | null;
    try {
      saved = await saveWithDialog(fs, async (defaultName: string, target: SaveTarget) => {
        const r = await dialog.showSaveDialog(doc.win, {
          title: target.isModel ? 'Save Model As' : 'Export',
          defaultPath: defaultName,
          filters: [saveFilter(target)],
          properties: ['createDirectory', 'showOverwriteConfirmation'],
        });
        return r.canceled ? undefined : r.filePath;
      }, name, payload);
    } catch (e) {
      if (isModel) doc.guard.saveFinished(false);
      throw e;
    }
    if (isModel) doc.guard.saveFinished(saved !== null);
    if (saved && isModelPath(saved)) {
      grants.grantWrite(saved);
      await remember(saved);
    }
    return saved;
  });

  handle(INVOKE.recentFiles, async () => (recent ? recent.list() : []));

  ipcMain.on(NOTIFY.documentState, (event, state: unknown) => {
    const doc = documentWindowOf(event);
    const s = state as Partial<DocumentState> | null;
    if (!doc || !s || typeof s.title !== 'string' || typeof s.dirty !== 'boolean') return;
    doc.setState({ title: s.title, dirty: s.dirty });
  });

  ipcMain.on(NOTIFY.pageListening, (event) => documentWindowOf(event)?.pageListening());
}

// ---------------------------------------------------------------------------------------------
// Menu.

function sendCommand(command: MenuCommand): void {
  const doc = focusedDocumentWindow() ?? createWindow();
  doc.push(PUSH.menuCommand, command);
}

async function reloadFocused(): Promise<void> {
  const doc = focusedDocumentWindow();
  if (!doc) return;
  if (doc.guard.state.dirty) {
    const { response } = await dialog.showMessageBox(doc.win, {
      type: 'warning',
      message: 'Reload the window and discard your unsaved changes?',
      buttons: ['Reload', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
    });
    if (response !== 0) return;
  }
  doc.win.webContents.reload();
}

function refreshMenu(list?: readonly string[]): void {
  const show = (files: readonly string[]): void => {
    Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(process.platform, files, {
      command: sendCommand,
      openRecent: (path) => void openPath(path),
      clearRecent: () => {
        app.clearRecentDocuments();
        void recent?.clear().then(refreshMenu, () => undefined);
      },
      reload: () => void reloadFocused(),
    })));
  };
  if (list) show(list);
  else void (recent ? recent.list() : Promise.resolve([])).then(show, () => show([]));
}

// ---------------------------------------------------------------------------------------------
// Web content hardening (Electron security checklist): no new windows, no navigation away from
// the app, no permissions but clipboard writes. A file dropped outside the page's drop zone would otherwise replace
// the app with the file.

app.on('web-contents-created', (_e, contents) => {
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

// ---------------------------------------------------------------------------------------------
// Start-up.

// One app instance: a model double-clicked while the app runs (Windows, Linux) arrives in the
// running instance's argv.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_e, argv, workingDirectory) => {
    const paths = modelPathsFromArgv(argv.slice(1), workingDirectory);
    if (paths.length === 0) {
      const doc = focusedDocumentWindow() ?? createWindow();
      if (doc.win.isMinimized()) doc.win.restore();
      doc.win.focus();
    }
    for (const p of paths) void openPath(p);
  });

  app.on('before-quit', () => { quitting = true; });

  app.on('window-all-closed', () => {
    if (!isMac) app.quit();
  });

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });

  void app.whenReady().then(async () => {
    // Copying to the clipboard from the page (navigator.clipboard.writeText) is the one
    // permission the editor has use for.
    session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
    // The app's pages from a dev server (MLSURGEON_DEV_URL) are made crossOriginIsolated, as
    // `npm run web` serves them (renderer/vite.config.ts); file:// responses are left alone.
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      const own = devUrl !== undefined && details.url.startsWith('http') && new URL(details.url).origin === new URL(devUrl).origin;
      if (!own) return callback({});
      callback({
        responseHeaders: {
          ...details.responseHeaders,
          'Cross-Origin-Opener-Policy': ['same-origin'],
          'Cross-Origin-Embedder-Policy': ['require-corp'],
        },
      });
    });
    recent = new RecentFilesStore(fs, join(app.getPath('userData'), 'recent-models.json'));
    registerIpc();
    refreshMenu();
    if (!devUrl && !existsSync(indexHtml)) {
      dialog.showErrorBox(`${APP_NAME} is not built`, `${indexHtml} is missing. Run npm run build (npm start does it).`);
    }
    createWindow();
    ready = true;
    const launch = [...modelPathsFromArgv(process.argv.slice(1), process.cwd()), ...pendingOpens.splice(0)];
    for (const p of launch) await openPath(p);
  });
}
