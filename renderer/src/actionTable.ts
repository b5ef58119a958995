// What each action of shared/host/actions.ts does in the page, and when it can: one row per
// CommandId, checked complete by the compiler. The toolbar, the key map and the native menu's
// commands all run through here. An action arrives from two sources in the desktop app when one
// keystroke is both a menu accelerator and the page's keydown: the same action repeated from the
// other source within a moment is that one keystroke, and runs once.
import { useStore } from 'zustand';
import {
  actionForKey, actionSpec, formatChord, keysOf, type ActionId, type CommandId,
} from '../../shared/host';
import { openPayload, saveDocument, setFoldConstants } from './actions';
import { deleteNode, insertAtSelection, redo, undo } from './editing';
import type { Host } from './host/host';
import { useDocumentStore, withoutHistory, type ModelDocument } from './store/documentStore';
import { useViewStore } from './store/viewStore';

/** Where a request to run an action came from. */
export type ActionSource = 'menu' | 'key' | 'button';

/** What decides whether an action can run: a snapshot of the stores (see useActionState). */
export interface ActionState {
  readonly hasDocument: boolean;
  /** The document is or has an ML Program (its const operations can be folded). */
  readonly hasProgram: boolean;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly selection: string | null;
}

interface Behaviour {
  readonly enabled: (s: ActionState) => boolean;
  readonly run: (host: Host, source: ActionSource) => void;
}

const view = () => useViewStore.getState();
const withDocument = (s: ActionState): boolean => s.hasDocument;
const showDialog = (kind: 'fp16' | 'quantize' | 'convertKind' | 'specVersion') => (): void => view().setDialog({ kind });

/** Focus target for Find. */
export const SEARCH_INPUT_ID = 'graph-search';

export function focusSearch(): void {
  const el = document.getElementById(SEARCH_INPUT_ID) as HTMLInputElement | null;
  el?.focus();
  el?.select();
}

export function isEditable(el: Element | null): boolean {
  if (!el) return false;
  const h = el as HTMLElement;
  return h.tagName === 'INPUT' || h.tagName === 'TEXTAREA' || h.tagName === 'SELECT' || h.isContentEditable;
}

/** The menu's Undo and Redo in a text field act on its typing, not on the document. */
function history(command: 'undo' | 'redo'): Behaviour['run'] {
  return (_host, source) => {
    if (source === 'menu' && isEditable(document.activeElement)) { document.execCommand(command); return; }
    if (command === 'undo') undo(); else redo();
  };
}

/** The keyboard's way to insert a layer: on the selected edge, or after the selected node. */
export function openInsertPicker(): void {
  const v = view();
  if (!v.selection && !v.edgeSelection) {
    v.showToast({ kind: 'refused', title: 'Insert layer', message: 'select a connection (or the layer to insert after) first' });
    return;
  }
  v.setDialog({ kind: 'pickLayer', title: 'Insert layer', onPick: insertAtSelection });
}

const BEHAVIOUR: { readonly [K in CommandId]: Behaviour } = {
  open: { enabled: () => true, run: (host) => { if (host.openDialog) void host.openDialog().then((p) => p && openPayload(p)); } },
  save: { enabled: withDocument, run: (host) => void saveDocument(host, 'save') },
  saveAs: { enabled: withDocument, run: (host) => void saveDocument(host, 'saveAs') },
  close: {
    enabled: withDocument,
    run: () => {
      const doc = useDocumentStore.getState().document;
      if (doc?.dirty && !window.confirm(`Close ${doc.name} without saving your changes?`)) return;
      withoutHistory(() => useDocumentStore.getState().close(), true);
    },
  },
  undo: { enabled: (s) => s.hasDocument && s.canUndo, run: history('undo') },
  redo: { enabled: (s) => s.hasDocument && s.canRedo, run: history('redo') },
  // Always: without a document the search box is disabled, and the keystroke still stays ours.
  find: { enabled: () => true, run: () => focusSearch() },
  zoomToFit: { enabled: withDocument, run: () => view().requestFit() },
  toggleShapes: { enabled: withDocument, run: () => view().toggleShapes() },
  foldConstants: { enabled: (s) => s.hasProgram, run: () => void setFoldConstants(!view().foldConstants) },
  fp16: { enabled: withDocument, run: showDialog('fp16') },
  quantize: { enabled: withDocument, run: showDialog('quantize') },
  convertKind: { enabled: withDocument, run: showDialog('convertKind') },
  specVersion: { enabled: withDocument, run: showDialog('specVersion') },
  rename: { enabled: (s) => s.hasDocument && !!s.selection, run: () => { const id = view().selection; if (id) view().setRenaming(id); } },
  delete: { enabled: (s) => s.hasDocument && !!s.selection, run: () => { const id = view().selection; if (id) deleteNode(id); } },
  insert: { enabled: withDocument, run: () => openInsertPicker() },
};

export const COMMAND_IDS = Object.keys(BEHAVIOUR) as CommandId[];

export function isCommand(id: ActionId): id is CommandId {
  return id in BEHAVIOUR;
}

/** Whether a graph holds ML Program operations, worked out once per graph (every action button asks on every store change). */
const programGraphs = new WeakMap<ModelDocument['graph'], boolean>();

function hasProgram(doc: ModelDocument | null): boolean {
  if (!doc) return false;
  if (doc.inspect.mlProgram) return true;
  let found = programGraphs.get(doc.graph);
  if (found === undefined) {
    found = doc.graph.nodes.some((n) => n.kind === 'operation');
    programGraphs.set(doc.graph, found);
  }
  return found;
}

export function actionState(): ActionState {
  const doc = useDocumentStore.getState().document;
  const temporal = useDocumentStore.temporal.getState();
  return {
    hasDocument: !!doc,
    hasProgram: hasProgram(doc),
    canUndo: temporal.pastStates.length > 0,
    canRedo: temporal.futureStates.length > 0,
    selection: view().selection,
  };
}

/** actionState() as a hook: the component re-renders when any of it changes. */
export function useActionState(): ActionState {
  const hasDocument = useDocumentStore((s) => !!s.document);
  const program = useDocumentStore((s) => hasProgram(s.document));
  const canUndo = useStore(useDocumentStore.temporal, (s) => s.pastStates.length > 0);
  const canRedo = useStore(useDocumentStore.temporal, (s) => s.futureStates.length > 0);
  const selection = useViewStore((s) => s.selection);
  return { hasDocument, hasProgram: program, canUndo, canRedo, selection };
}

export function isEnabled(id: CommandId, s: ActionState = actionState()): boolean {
  return BEHAVIOUR[id].enabled(s);
}

const SAME_KEYSTROKE_MS = 400;
let last: { id: CommandId; source: ActionSource; at: number } | undefined;

/** Runs an action; a menu's run goes ahead whether or not it is enabled, as the menu's items are. */
export function runAction(id: CommandId, host: Host, source: ActionSource): void {
  const now = performance.now();
  if (source !== 'button') {
    if (last && last.id === id && last.source !== source && last.source !== 'button' && now - last.at < SAME_KEYSTROKE_MS) return;
    last = { id, source, at: now };
  }
  BEHAVIOUR[id].run(host, source);
}

export const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/**
 * The page's key map: the action a keydown runs here, or undefined when the page leaves the key
 * alone (no action has it, the native menu alone handles it, a text field or a dialog keeps it,
 * or the action cannot run now).
 */
export function commandForKeyDown(e: KeyboardEvent, mac = IS_MAC): CommandId | undefined {
  if (e.defaultPrevented) return undefined;
  const id = actionForKey(e, mac);
  if (!id || !isCommand(id)) return undefined;
  const scope = actionSpec(id).keyScope ?? 'page';
  if (scope === 'menu') return undefined;
  if (scope === 'page' && (isEditable(e.target as Element | null) || view().dialog)) return undefined;
  return isEnabled(id) ? id : undefined;
}

/**
 * The keystrokes a tooltip or a context menu names, in this host: a key only the native menu
 * handles is named only where there is one.
 */
export function shortcutText(id: ActionId, host: Pick<Host, 'kind'>, mac = IS_MAC, all = true): string | undefined {
  // Every action button asks on every render; the answer depends on these four only.
  const key = `${id}|${host.kind}|${mac}|${all}`;
  if (shortcutTexts.has(key)) return shortcutTexts.get(key);
  let text: string | undefined;
  if (actionSpec(id).keyScope !== 'menu' || host.kind === 'electron') {
    const keys = keysOf(id, mac);
    if (keys.length) text = (all ? keys : keys.slice(0, 1)).map((k) => formatChord(k, mac)).join(', ');
  }
  shortcutTexts.set(key, text);
  return text;
}
const shortcutTexts = new Map<string, string | undefined>();

/** `data-testid` of an action's element: "zoomToFit" → "zoom-to-fit". */
export const actionTestId = (id: ActionId): string => id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A tooltip: what the action does, then its keystrokes in parentheses. */
export function actionTitle(id: ActionId, host: Pick<Host, 'kind'>, text = actionSpec(id).description ?? actionSpec(id).label): string {
  const keys = shortcutText(id, host);
  return keys ? `${text} (${keys})` : text;
}
