// The application menu as data. Commands that act on the document (open, save, undo, find, …)
// go to the window as a MenuCommand: the renderer owns the document and its undo history.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/host/api';
import { baseName } from '../shared/io/filesystem';
import { APP_NAME } from './close-guard';

export interface MenuActions {
  /** Sends a command to the focused window. */
  command(command: MenuCommand): void;
  openRecent(path: string): void;
  clearRecent(): void;
  /** Reloads the focused window (after asking, when it has unsaved changes). */
  reload(): void;
}

/** Menu item ids of the document commands, so tests and code can find them. */
export const commandItemId = (command: MenuCommand): string => `command:${command}`;

function commandItem(label: string, command: MenuCommand, accelerator: string | undefined, actions: MenuActions): MenuItemConstructorOptions {
  return { id: commandItemId(command), label, accelerator, click: () => actions.command(command) };
}

/**
 * Open Recent: the file name, then the folder it is in, so two models of the same name can be
 * told apart.
 */
function recentItems(recent: readonly string[], actions: MenuActions): MenuItemConstructorOptions[] {
  if (recent.length === 0) return [{ label: 'No Recent Models', enabled: false }];
  const items: MenuItemConstructorOptions[] = recent.map((path) => {
    const name = baseName(path);
    const folder = path.slice(0, path.length - name.length).replace(/[\\/]+$/, '');
    return { id: `recent:${path}`, label: folder ? `${name} — ${folder}` : name, click: () => actions.openRecent(path) };
  });
  return [...items, { type: 'separator' }, { id: 'recent:clear', label: 'Clear Menu', click: () => actions.clearRecent() }];
}

export function buildMenuTemplate(platform: string, recent: readonly string[], actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      commandItem('Open…', 'open', 'CmdOrCtrl+O', actions),
      { id: 'recent', label: 'Open Recent', submenu: recentItems(recent, actions) },
      { type: 'separator' },
      commandItem('Save', 'save', 'CmdOrCtrl+S', actions),
      commandItem('Save As…', 'saveAs', 'CmdOrCtrl+Shift+S', actions),
      { type: 'separator' },
      commandItem('Close', 'close', 'CmdOrCtrl+W', actions),
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit', label: platform === 'win32' ? 'Exit' : 'Quit' } as const]),
    ],
  };
  // Undo and Redo are the document's history, not the text field's: the renderer decides what
  // they act on (it forwards them to a focused text input itself). Cut, Copy, Paste and Select
  // All stay Chromium's roles, or the clipboard keys would not work in text inputs on macOS.
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      commandItem('Undo', 'undo', 'CmdOrCtrl+Z', actions),
      commandItem('Redo', 'redo', mac ? 'Cmd+Shift+Z' : 'Ctrl+Y', actions),
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
      { type: 'separator' },
      commandItem('Find…', 'find', 'CmdOrCtrl+F', actions),
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      commandItem('Zoom to Fit', 'zoomToFit', 'CmdOrCtrl+0', actions),
      commandItem('Toggle Shapes', 'toggleShapes', 'CmdOrCtrl+T', actions),
      { type: 'separator' },
      { id: 'reload', label: 'Reload', accelerator: 'CmdOrCtrl+R', click: () => actions.reload() },
      { role: 'toggleDevTools' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  // The stock Window menu would bind Cmd+W to closing the window; File > Close already has it.
  const window: MenuItemConstructorOptions = {
    label: 'Window',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }] : [{ role: 'minimize' }],
  };
  const app: MenuItemConstructorOptions[] = mac ? [{ label: APP_NAME, role: 'appMenu' }] : [];
  return [...app, file, edit, view, window];
}
