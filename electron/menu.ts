// The application menu as data. Commands that act on the document (open, save, undo, find, …)
// go to the window as a MenuCommand: the renderer owns the document and its undo history.
import type { MenuItemConstructorOptions } from 'electron';
import {
  actionSpec, isMenuCommand, keysOf, menuSections, toAccelerator, type ActionId, type HostActionId, type MenuCommand, type MenuGroup, type MenuName,
} from '../shared/host';
import { baseName } from '../shared/io';
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

/**
 * One item per action of the table in shared/host/actions.ts: its label and its first keystroke
 * as the accelerator. A MenuCommand goes to the page; a host action runs here.
 */
function actionItem(id: ActionId, mac: boolean, actions: MenuActions): MenuItemConstructorOptions {
  const spec = actionSpec(id);
  const first = keysOf(id, mac)[0];
  const accelerator = first === undefined ? undefined : toAccelerator(first);
  if (isMenuCommand(id)) return { id: commandItemId(id), label: spec.label, accelerator, click: () => actions.command(id) };
  const host: Record<HostActionId, () => void> = { reload: () => actions.reload() };
  if (id in host) return { id, label: spec.label, accelerator, click: host[id as HostActionId] };
  throw new Error(`the native menu cannot run action "${id}": it is neither a MenuCommand nor a host action`);
}

/** A native menu's actions, a separator between groups; `extra` adds items after a group's actions. */
function actionSections(
  menu: MenuName, mac: boolean, actions: MenuActions,
  extra: Partial<Record<MenuGroup, readonly MenuItemConstructorOptions[]>> = {},
): MenuItemConstructorOptions[][] {
  return menuSections(menu).map((s) => [...s.actions.map((id) => actionItem(id, mac, actions)), ...(extra[s.group] ?? [])]);
}

const separated = (sections: readonly (readonly MenuItemConstructorOptions[])[]): MenuItemConstructorOptions[] =>
  sections.filter((s) => s.length > 0).flatMap((s, i) => (i === 0 ? [...s] : [{ type: 'separator' } as const, ...s]));

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
  const [fileOpen = [], ...fileRest] = actionSections('file', mac, actions, {
    'file.open': [{ id: 'recent', label: 'Open Recent', submenu: recentItems(recent, actions) }],
  });
  const quit: MenuItemConstructorOptions[] = mac ? [] : [{ role: 'quit', label: platform === 'win32' ? 'Exit' : 'Quit' }];
  const file: MenuItemConstructorOptions = { label: 'File', submenu: separated([fileOpen, ...fileRest, quit]) };
  // Undo and Redo are the document's history, not the text field's: the renderer decides what
  // they act on (it forwards them to a focused text input itself). Cut, Copy, Paste and Select
  // All stay Chromium's roles, or the clipboard keys would not work in text inputs on macOS.
  const [history = [], ...editRest] = actionSections('edit', mac, actions);
  const clipboard: MenuItemConstructorOptions[] = [{ role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }];
  const edit: MenuItemConstructorOptions = { label: 'Edit', submenu: separated([history, clipboard, ...editRest]) };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: separated([...actionSections('view', mac, actions, { 'view.window': [{ role: 'toggleDevTools' }] }), [{ role: 'togglefullscreen' }]]),
  };
  // The stock Window menu would bind Cmd+W to closing the window; File > Close already has it.
  const window: MenuItemConstructorOptions = {
    label: 'Window',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }] : [{ role: 'minimize' }],
  };
  const app: MenuItemConstructorOptions[] = mac ? [{ label: APP_NAME, role: 'appMenu' }] : [];
  return [...app, file, edit, view, window];
}
