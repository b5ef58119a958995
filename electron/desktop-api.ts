// window.mlsurgeon: the DesktopApi over IPC. The preload hands in Electron's ipcRenderer and
// webUtils; tests hand in fakes. Runs in the sandboxed preload, so it imports no Node module.
import type { DesktopApi, FilePayload, MenuCommand } from '../shared/host';
import {
  INVOKE, NOTIFY, PUSH,
  type DocumentState, type InvokeChannel, type InvokeSignatures, type IpcResult, type NotifySignatures, type PushSignatures,
} from './channels';

/** The part of Electron's ipcRenderer this module uses. */
export interface RendererIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createDesktopApi(ipc: RendererIpc, getPathForFile: (file: never) => string): DesktopApi {
  async function invoke<C extends InvokeChannel>(channel: C, ...args: InvokeSignatures[C]['args']): Promise<InvokeSignatures[C]['result']> {
    const r = (await ipc.invoke(channel, ...args)) as IpcResult<InvokeSignatures[C]['result']>;
    if (r.ok) return r.value;
    const e = new Error(r.error.message);
    e.name = r.error.name;
    throw e;
  }

  function notify<C extends keyof NotifySignatures>(channel: C, ...args: NotifySignatures[C]): void {
    ipc.send(channel, ...args);
  }

  // Open requests and menu commands can arrive before the page has subscribed (a model named on
  // the command line is read while the page is still loading; File > Open with no window open
  // makes one): they wait here until the first listener comes.
  const openRequests = new PushQueue<FilePayload>();
  const menuCommands = new PushQueue<MenuCommand>();
  ipc.on(PUSH.openRequest, (_event, ...args) => openRequests.push((args as PushSignatures[typeof PUSH.openRequest])[0]));
  ipc.on(PUSH.menuCommand, (_event, ...args) => menuCommands.push((args as PushSignatures[typeof PUSH.menuCommand])[0]));
  notify(NOTIFY.pageListening);

  return {
    openDialog: () => invoke(INVOKE.openDialog),
    readPath: (path) => invoke(INVOKE.readPath, String(path)),
    save: (path, payload) => invoke(INVOKE.save, String(path), payload),
    saveAs: (suggestedName, payload) => invoke(INVOKE.saveAs, String(suggestedName), payload),
    recentFiles: () => invoke(INVOKE.recentFiles),
    pathForFile: (file) => getPathForFile(file as never),
    onOpenRequest: (listener) => openRequests.listen(listener),
    onMenuCommand: (listener) => menuCommands.listen(listener),
    setDocumentState(state) {
      const s: DocumentState = { title: String(state.title), dirty: Boolean(state.dirty) };
      notify(NOTIFY.documentState, s);
    },
  };
}

/** Messages for listeners; kept until the first listener subscribes, then delivered to it. */
class PushQueue<T> {
  private readonly listeners = new Set<(value: T) => void>();
  private readonly waiting: T[] = [];

  push(value: T): void {
    if (this.listeners.size === 0) this.waiting.push(value);
    else for (const l of [...this.listeners]) l(value);
  }

  listen(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    for (const v of this.waiting.splice(0)) listener(v);
    return () => { this.listeners.delete(listener); };
  }
}
