// Document commands from two sources: the Electron menu (host.onMenuCommand) and the keyboard.
// In the desktop app one keystroke can arrive both ways (a menu accelerator and the page's
// keydown), so a command repeated from the other source within a moment is the same keystroke.
import type { MenuCommand } from '../../shared/host/api';
import { openPayload, saveDocument } from './actions';
import { deleteNode, insertAtSelection, redo, undo } from './editing';
import type { Host } from './host/host';
import { focusSearch } from './panels/Toolbar';
import { useDocumentStore, withoutHistory } from './store/documentStore';
import { useViewStore } from './store/viewStore';

export type Command = MenuCommand | 'delete' | 'rename' | 'insert';

const SAME_KEYSTROKE_MS = 400;
let last: { command: Command; source: 'menu' | 'key'; at: number } | undefined;

export function isEditable(el: Element | null): boolean {
  if (!el) return false;
  const h = el as HTMLElement;
  return h.tagName === 'INPUT' || h.tagName === 'TEXTAREA' || h.tagName === 'SELECT' || h.isContentEditable;
}

export function runCommand(command: Command, host: Host, source: 'menu' | 'key'): void {
  const now = performance.now();
  if (last && last.command === command && last.source !== source && now - last.at < SAME_KEYSTROKE_MS) return;
  last = { command, source, at: now };
  const view = useViewStore.getState();
  switch (command) {
    case 'open': if (host.openDialog) void host.openDialog().then((p) => p && openPayload(p)); break;
    case 'save': void saveDocument(host, 'save'); break;
    case 'saveAs': void saveDocument(host, 'saveAs'); break;
    case 'undo':
    case 'redo':
      // The menu's Undo in a text field undoes typing, not the document.
      if (source === 'menu' && isEditable(document.activeElement)) { document.execCommand(command); break; }
      if (command === 'undo') undo(); else redo();
      break;
    case 'find': focusSearch(); break;
    case 'zoomToFit': view.requestFit(); break;
    case 'toggleShapes': view.toggleShapes(); break;
    case 'close': {
      const doc = useDocumentStore.getState().document;
      if (doc?.dirty && !window.confirm(`Close ${doc.name} without saving your changes?`)) break;
      withoutHistory(() => useDocumentStore.getState().close(), true);
      break;
    }
    case 'delete': if (view.selection) deleteNode(view.selection); break;
    case 'rename': if (view.selection) view.setRenaming(view.selection); break;
    case 'insert': openInsertPicker(); break;
    default: break;
  }
}

/** The keyboard's way to insert a layer: on the selected edge, or after the selected node. */
export function openInsertPicker(): void {
  const view = useViewStore.getState();
  if (!view.selection && !view.edgeSelection) {
    view.showToast({ kind: 'refused', title: 'Insert layer', message: 'select a connection (or the layer to insert after) first' });
    return;
  }
  view.setDialog({ kind: 'pickLayer', title: 'Insert layer', onPick: insertAtSelection });
}

/** Maps a keydown to a command; undefined for keys the app does not claim. */
export function commandForKey(e: KeyboardEvent): Command | undefined {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (mod && !e.altKey) {
    if (key === 'z') return e.shiftKey ? 'redo' : 'undo';
    if (key === 'y' && !e.shiftKey) return 'redo';
    if (key === 's') return e.shiftKey ? 'saveAs' : 'save';
    return undefined;
  }
  if (e.altKey) return undefined;
  if (e.key === 'Delete' || e.key === 'Backspace') return 'delete';
  if (e.key === 'F2') return 'rename';
  if (e.key === 'Insert') return 'insert';
  return undefined;
}
