// Every user action of the editor as data: its label, its keystrokes and where it is placed. The
// native menu (electron/menu.ts), the page's key map, the toolbar and the context menus all read
// this one table (as tldraw's `actions` and VS Code's command registry do), so a label or a
// shortcut is written once. What an action does is the renderer's (renderer/src/actionTable.ts),
// except the few the main process runs itself (`host: true`).

/**
 * A keystroke in one notation for both worlds: modifiers then the key, joined by "+", e.g.
 * "Mod+Shift+Z", "F2", "Delete". Mod is Cmd on macOS and Ctrl elsewhere (Electron's CmdOrCtrl).
 * The key is a letter, a digit or a KeyboardEvent.key name.
 */
export type Chord = string;

/**
 * Where an action sits in a menu, as "menu.group"; a menu shows its groups in this order with a
 * separator between them, and the actions of a group in table order. file, edit and view are the
 * desktop app's native menus; model is the toolbar's Model ▾ menu (both hosts).
 */
export const MENU_GROUPS = [
  'file.open', 'file.save', 'file.close',
  'edit.history', 'edit.find',
  'view.canvas', 'view.window',
  'model.weights', 'model.kind',
] as const;
export type MenuGroup = (typeof MENU_GROUPS)[number];
export type MenuName = 'file' | 'edit' | 'view' | 'model';
export const NATIVE_MENUS: readonly MenuName[] = ['file', 'edit', 'view'];

/**
 * Who handles an action's keystroke in the page.
 * - page: the page's key map, except while a text field has focus (it keeps its own undo and
 *   deletion) or a dialog is open;
 * - anywhere: the page's key map, text fields and dialogs included;
 * - menu: only the desktop app's native menu. A browser keeps these keys (Ctrl+O, Ctrl+W, Ctrl+T,
 *   Ctrl+0 and Ctrl+R are the browser's own, and it does not let a page have Ctrl+W or Ctrl+T).
 */
export type KeyScope = 'page' | 'anywhere' | 'menu';

export interface ActionSpec {
  /** The menu label; the toolbar's too unless `shortLabel` is given. */
  readonly label: string;
  /** A compact label for the toolbar (a checkbox says "Shapes", not "Toggle Shapes"). */
  readonly shortLabel?: string;
  /** What it does, for the tooltip. */
  readonly description?: string;
  /** Keystrokes, the first is the one menus show; per platform when the conventions differ. */
  readonly keys?: readonly Chord[] | { readonly mac: readonly Chord[]; readonly other: readonly Chord[] };
  /** Default 'page'. */
  readonly keyScope?: KeyScope;
  readonly menu?: MenuGroup;
  /** Run by the desktop app's main process, not sent to the page. */
  readonly host?: true;
  /**
   * Acts on the element a context menu was opened on, so only the context menu runs it. The
   * label may name it: "{blob}" is replaced by the blob's name.
   */
  readonly target?: true;
}

export const ACTIONS = {
  open: { label: 'Open…', keys: ['Mod+O'], keyScope: 'menu', menu: 'file.open' },
  save: { label: 'Save', keys: ['Mod+S'], menu: 'file.save' },
  saveAs: { label: 'Save As…', description: 'Save a copy somewhere else', keys: ['Mod+Shift+S'], menu: 'file.save' },
  close: { label: 'Close', keys: ['Mod+W'], keyScope: 'menu', menu: 'file.close' },
  // Redo: Cmd+Shift+Z is the macOS convention and Ctrl+Y the Windows one; both work everywhere.
  undo: { label: 'Undo', keys: ['Mod+Z'], menu: 'edit.history' },
  redo: { label: 'Redo', keys: { mac: ['Mod+Shift+Z', 'Mod+Y'], other: ['Mod+Y', 'Mod+Shift+Z'] }, menu: 'edit.history' },
  // Anywhere: Ctrl+F from a text field still finds in the graph, and the browser's find bar,
  // which cannot search the canvas, never opens over the editor.
  find: { label: 'Find…', description: 'Find a layer, type or blob', keys: ['Mod+F'], keyScope: 'anywhere', menu: 'edit.find' },
  zoomToFit: { label: 'Zoom to Fit', description: 'Show the whole graph', keys: ['Mod+0'], keyScope: 'menu', menu: 'view.canvas' },
  toggleShapes: {
    label: 'Toggle Shapes', shortLabel: 'Shapes', description: 'Label each connection with the inferred shape of its blob',
    keys: ['Mod+T'], keyScope: 'menu', menu: 'view.canvas',
  },
  foldConstants: { label: 'Fold constants', description: 'ML Programs: show const operations folded into the attributes of the operations that use them' },
  reload: { label: 'Reload', keys: ['Mod+R'], keyScope: 'menu', menu: 'view.window', host: true },
  // Model-wide edits: each opens a dialog that shows what it will change.
  fp16: { label: 'Convert weights to fp16…', menu: 'model.weights' },
  quantize: { label: 'Quantize weights…', menu: 'model.weights' },
  convertKind: { label: 'Convert to classifier / regressor / network…', menu: 'model.kind' },
  specVersion: { label: 'Set specification version…', menu: 'model.kind' },
  // The canvas selection's. The native menu does not carry them: a menu accelerator without a
  // modifier would take Delete and Backspace from text fields on macOS (NSMenu key equivalents).
  rename: { label: 'Rename…', keys: ['F2'] },
  delete: { label: 'Delete', keys: ['Delete', 'Backspace'] },
  insert: { label: 'Insert layer…', keys: ['Insert'] },
  // Context-menu actions on the element right-clicked.
  insertAfter: { label: 'Insert layer after…', target: true },
  expose: { label: 'Expose “{blob}” as a model output', target: true },
  truncate: { label: 'Truncate here (“{blob}” becomes the output)', target: true },
  replaceCustom: { label: 'Replace with a custom layer', target: true },
  replaceBuiltin: { label: 'Replace with a built-in layer…', target: true },
  layerFp16: { label: 'Convert this layer’s weights to fp16', target: true },
  runToHere: { label: 'Run up to here', target: true },
  editType: { label: 'Edit type and shape…', target: true },
  preprocessing: { label: 'Preprocessing…', target: true },
  makeOptional: { label: 'Make optional', target: true },
  makeRequired: { label: 'Make required', target: true },
} as const satisfies Record<string, ActionSpec>;

export type ActionId = keyof typeof ACTIONS;
type IdsWhere<P> = { [K in ActionId]: (typeof ACTIONS)[K] extends P ? K : never }[ActionId];
/** Actions the main process runs itself. */
export type HostActionId = IdsWhere<{ readonly host: true }>;
/** Actions only a context menu runs, on its element. */
export type TargetActionId = IdsWhere<{ readonly target: true }>;
/** Actions the page runs on its own state (the selection, the document): keys, menus, toolbar. */
export type CommandId = Exclude<ActionId, HostActionId | TargetActionId>;
type NativeGroup = Extract<MenuGroup, `${'file' | 'edit' | 'view'}.${string}`>;
/** What the native menu sends to the page. */
export type MenuCommand = Extract<CommandId, IdsWhere<{ readonly menu: NativeGroup }>>;

export const ACTION_IDS = Object.keys(ACTIONS) as ActionId[];

export function actionSpec(id: ActionId): ActionSpec {
  return ACTIONS[id];
}

export function isMenuCommand(id: ActionId): id is MenuCommand {
  const spec = actionSpec(id);
  return !spec.host && !spec.target && !!spec.menu && NATIVE_MENUS.includes(menuOf(spec.menu));
}

/** Every MenuCommand, in table order. */
export const MENU_COMMANDS: readonly MenuCommand[] = ACTION_IDS.filter(isMenuCommand);

export function menuOf(group: MenuGroup): MenuName {
  return group.slice(0, group.indexOf('.')) as MenuName;
}

/** The groups of one menu, each with its actions in table order; empty groups left out. */
export function menuSections(menu: MenuName): { readonly group: MenuGroup; readonly actions: readonly ActionId[] }[] {
  return MENU_GROUPS.filter((g) => menuOf(g) === menu)
    .map((group) => ({ group, actions: ACTION_IDS.filter((id) => actionSpec(id).menu === group) }))
    .filter((s) => s.actions.length > 0);
}

/** The action's keystrokes on a platform, the one menus show first. */
export function keysOf(id: ActionId, mac: boolean): readonly Chord[] {
  const keys = actionSpec(id).keys;
  if (!keys) return [];
  return 'mac' in keys ? (mac ? keys.mac : keys.other) : keys;
}

const MODIFIERS = ['Mod', 'Ctrl', 'Alt', 'Shift'] as const;
type Modifier = (typeof MODIFIERS)[number];

interface ParsedChord { readonly modifiers: ReadonlySet<Modifier>; readonly key: string }

export function parseChord(chord: Chord): ParsedChord {
  const parts = chord.split('+');
  const key = parts.pop();
  if (!key) throw new Error(`keystroke "${chord}" names no key`);
  const modifiers = new Set<Modifier>();
  for (const p of parts) {
    if (!(MODIFIERS as readonly string[]).includes(p)) throw new Error(`keystroke "${chord}": unknown modifier "${p}" (one of ${MODIFIERS.join(', ')})`);
    if (modifiers.has(p as Modifier)) throw new Error(`keystroke "${chord}": "${p}" twice`);
    modifiers.add(p as Modifier);
  }
  return { modifiers, key };
}

/** Electron's accelerator for a keystroke ("Mod+Shift+Z" → "CmdOrCtrl+Shift+Z"). */
export function toAccelerator(chord: Chord): string {
  const { modifiers, key } = parseChord(chord);
  const mods = MODIFIERS.filter((m) => modifiers.has(m)).map((m) => (m === 'Mod' ? 'CmdOrCtrl' : m === 'Ctrl' ? 'Ctrl' : m));
  return [...mods, key.length === 1 ? key.toUpperCase() : key].join('+');
}

/** The fields of a KeyboardEvent a keystroke is matched on. */
export interface KeyStroke {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
}

/**
 * Whether a keydown is this keystroke. Mod accepts Ctrl or Cmd on every platform (Ctrl+Z undoes
 * on a Mac too, as it always has here); the other modifiers must be exactly as written.
 */
export function chordMatches(chord: Chord, e: KeyStroke): boolean {
  const { modifiers, key } = parseChord(chord);
  const mod = modifiers.has('Mod');
  if (mod) { if (!e.ctrlKey && !e.metaKey) return false; }
  else if (e.metaKey || e.ctrlKey !== modifiers.has('Ctrl')) return false;
  if (e.altKey !== modifiers.has('Alt') || e.shiftKey !== modifiers.has('Shift')) return false;
  return key.length === 1 ? e.key.toLowerCase() === key.toLowerCase() : e.key === key;
}

/** The action a keydown is a keystroke of (whatever its scope); undefined for keys no action has. */
export function actionForKey(e: KeyStroke, mac: boolean): ActionId | undefined {
  return ACTION_IDS.find((id) => keysOf(id, mac).some((c) => chordMatches(c, e)));
}

const KEY_NAMES: Readonly<Record<string, string>> = { Delete: 'Del', Insert: 'Ins' };
const MAC_GLYPHS: Readonly<Record<Modifier, string>> = { Ctrl: '⌃', Alt: '⌥', Shift: '⇧', Mod: '⌘' };

/** A keystroke as a person reads it: "Ctrl+Shift+Z", or "⇧⌘Z" on a Mac as its menus write it. */
export function formatChord(chord: Chord, mac: boolean): string {
  const { modifiers, key } = parseChord(chord);
  const name = KEY_NAMES[key] ?? (key.length === 1 ? key.toUpperCase() : key);
  if (mac) return (['Ctrl', 'Alt', 'Shift', 'Mod'] as const).filter((m) => modifiers.has(m)).map((m) => MAC_GLYPHS[m]).join('') + name;
  return [...MODIFIERS.filter((m) => modifiers.has(m)).map((m) => (m === 'Mod' ? 'Ctrl' : m)), name].join('+');
}

/** An action's label with "{blob}"-style names filled in. */
export function actionLabel(id: ActionId, names: Readonly<Record<string, string>> = {}): string {
  return actionSpec(id).label.replace(/\{(\w+)\}/g, (whole, name: string) => names[name] ?? whole);
}
