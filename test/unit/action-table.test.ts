// The one action table (shared/host/actions.ts, renderer/src/actionTable.ts): every keystroke in it
// reaches its action through the page's key map or the desktop menu (with the same accelerator),
// no two actions share a keystroke, the toolbar and the context menus name only actions of the
// table, and the page's key map keeps its rules (text fields keep their own keys, one keystroke
// that arrives from the menu and from keydown runs once, the menu's Undo in a text field undoes
// typing). The stores are the renderer's own, run in Node.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildMenuTemplate, commandItemId, type MenuActions } from '../../electron/menu';
import { encodeModel } from '../../shared/format/model';
import type { Model } from '../../shared/format/schema/types.generated';
import {
  ACTION_IDS, ACTIONS, actionForKey, actionLabel, actionSpec, chordMatches, formatChord, isMenuCommand, keysOf, MENU_COMMANDS,
  NATIVE_MENUS, menuOf, parseChord, toAccelerator, type ActionId, type Chord, type KeyStroke,
} from '../../shared/host';
import { openModelContents } from '../../shared/io/document';
import { COMMAND_IDS, commandForKeyDown, runAction, shortcutText } from '../../renderer/src/actionTable';
import { analyze } from '../../renderer/src/document/analysis';
import type { Host } from '../../renderer/src/host/host';
import { registry, useDocumentStore, withoutHistory } from '../../renderer/src/store/documentStore';
import { useViewStore } from '../../renderer/src/store/viewStore';
import { closeTabAsking } from '../../renderer/src/store/workspace';
import { repoRoot } from '../support/shared-data';

const PLATFORMS = [['darwin', true], ['win32', false], ['linux', false]] as const;

/** The keydown a person makes for a keystroke: Mod is Cmd on a Mac and Ctrl elsewhere. */
function strokeOf(chord: Chord, mac: boolean): KeyStroke {
  const { modifiers, key } = parseChord(chord);
  return {
    key: key.length === 1 && modifiers.has('Shift') ? key.toUpperCase() : key.length === 1 ? key.toLowerCase() : key,
    ctrlKey: modifiers.has('Ctrl') || (modifiers.has('Mod') && !mac),
    metaKey: modifiers.has('Mod') && mac,
    altKey: modifiers.has('Alt'),
    shiftKey: modifiers.has('Shift'),
  };
}

function flatten(items: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

const noMenuActions: MenuActions = { command: () => undefined, openRecent: () => undefined, clearRecent: () => undefined, reload: () => undefined };
const withKeys = ACTION_IDS.filter((id) => keysOf(id, false).length > 0 || keysOf(id, true).length > 0);

describe('keystrokes', () => {
  it('converts one notation to Electron accelerators, keydown matching and the text people read', () => {
    expect(toAccelerator('Mod+Shift+Z')).toBe('CmdOrCtrl+Shift+Z');
    expect(toAccelerator('Mod+0')).toBe('CmdOrCtrl+0');
    expect(toAccelerator('F2')).toBe('F2');
    expect(formatChord('Mod+Shift+Z', false)).toBe('Ctrl+Shift+Z');
    expect(formatChord('Mod+Shift+Z', true)).toBe('⇧⌘Z');
    expect(formatChord('Delete', false)).toBe('Del');
    const key = (k: string, mods: Partial<KeyStroke> = {}): KeyStroke => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });
    // Mod is Ctrl or Cmd on every platform; Shift and Alt must be as written.
    expect(chordMatches('Mod+Z', key('z', { ctrlKey: true }))).toBe(true);
    expect(chordMatches('Mod+Z', key('z', { metaKey: true }))).toBe(true);
    expect(chordMatches('Mod+Z', key('Z', { ctrlKey: true, shiftKey: true }))).toBe(false);
    expect(chordMatches('Mod+Z', key('z', { ctrlKey: true, altKey: true }))).toBe(false);
    expect(chordMatches('Mod+Z', key('z'))).toBe(false);
    expect(chordMatches('F2', key('F2', { ctrlKey: true }))).toBe(false);
    expect(actionForKey(key('Y', { ctrlKey: true, shiftKey: true }), false)).toBeUndefined();
    expect(actionForKey(key('Z', { metaKey: true, shiftKey: true }), true)).toBe('redo');
    expect(actionForKey(key('y', { ctrlKey: true }), true)).toBe('redo');
    expect(() => parseChord('Cmd+Z')).toThrow(/unknown modifier "Cmd"/);
  });

  it.each(PLATFORMS)('%s: no two actions share a keystroke', (_platform, mac) => {
    const owner = new Map<string, ActionId>();
    for (const id of ACTION_IDS) {
      for (const chord of keysOf(id, mac)) {
        const { modifiers, key } = parseChord(chord);
        // Mod matches Ctrl too, so the two are one keystroke here.
        const norm = [...[...modifiers].map((m): string => (m === 'Ctrl' ? 'Mod' : m)).sort(), key.toLowerCase()].join('+');
        expect(owner.get(norm), `${chord} of ${id}`).toBeUndefined();
        owner.set(norm, id);
      }
    }
    expect(owner.size).toBeGreaterThanOrEqual(14);
  });

  it.each(PLATFORMS)('%s: every keystroke in the table reaches its action through the key map', (_platform, mac) => {
    for (const id of withKeys) {
      for (const chord of keysOf(id, mac)) expect(actionForKey(strokeOf(chord, mac), mac), `${chord} (${id})`).toBe(id);
    }
  });
});

describe('the desktop menu is built from the table', () => {
  it.each(PLATFORMS)('%s: each native-menu action has its item, label and first keystroke as accelerator', (platform, mac) => {
    const items = flatten(buildMenuTemplate(platform, [], noMenuActions));
    const placed = ACTION_IDS.filter((id) => { const m = actionSpec(id).menu; return !!m && NATIVE_MENUS.includes(menuOf(m)); });
    expect(placed).toEqual(expect.arrayContaining([...MENU_COMMANDS, 'reload']));
    for (const id of placed) {
      const item = items.find((i) => i.id === (isMenuCommand(id) ? commandItemId(id) : id));
      expect(item, id).toBeDefined();
      expect(item!.label).toBe(actionLabel(id));
      const first = keysOf(id, mac)[0];
      expect(item!.accelerator, id).toBe(first === undefined ? undefined : toAccelerator(first));
    }
    // And nothing else in the menu has a keystroke the table does not know.
    const fromTable = new Set(placed.flatMap((id) => keysOf(id, mac).slice(0, 1).map(toAccelerator)));
    expect(items.map((i) => i.accelerator).filter((a): a is string => !!a).sort()).toEqual([...fromTable].sort());
  });

  it('every keystroke reaches its action on the desktop: in its menu, or by the page itself', () => {
    for (const id of withKeys) {
      const spec = actionSpec(id);
      const inNativeMenu = !!spec.menu && NATIVE_MENUS.includes(menuOf(spec.menu));
      if ((spec.keyScope ?? 'page') === 'menu') expect(inNativeMenu, `${id}: its keys are the menu's alone, so it must be in the menu`).toBe(true);
      // A menu accelerator without a modifier would take the key from text fields on macOS.
      if (!inNativeMenu) for (const c of [...keysOf(id, true), ...keysOf(id, false)]) expect(parseChord(c).modifiers.size, `${id} ${c}`).toBe(0);
    }
  });
});

describe('the renderer table', () => {
  it('runs every action that is not the main process’s or a context menu’s', () => {
    const expected = ACTION_IDS.filter((id) => !actionSpec(id).host && !actionSpec(id).target);
    expect([...COMMAND_IDS].sort()).toEqual([...expected].sort());
  });

  it('the toolbar and the context menus name only actions of the table, and use its labels', () => {
    const src = (f: string) => readFileSync(join(repoRoot, 'renderer', 'src', 'panels', f), 'utf8');
    const toolbar = src('Toolbar.tsx');
    const toolbarIds = [...toolbar.matchAll(/<Action(?:Button|Toggle) id="(\w+)"/g)].map((m) => m[1]);
    expect(toolbarIds).toEqual(['open', 'saveAs', 'undo', 'redo', 'foldConstants', 'toggleShapes', 'zoomToFit']);
    const menu = src('ContextMenu.tsx');
    const menuIds = [...menu.matchAll(/\bid: (?:\w+ \? )?'(\w+)'(?: : '(\w+)')?/g)].flatMap((m) => [m[1], m[2]]).filter((x): x is string => !!x);
    expect(new Set(menuIds)).toEqual(new Set(['rename', 'delete', 'insertAfter', 'expose', 'replaceCustom', 'replaceBuiltin', 'layerFp16', 'runToHere', 'editType', 'preprocessing', 'makeRequired', 'makeOptional', 'insert', 'truncate']));
    for (const id of [...toolbarIds, ...menuIds]) expect(ACTIONS, id).toHaveProperty(id);
    // No label or keystroke written a second time beside the table.
    for (const id of ACTION_IDS) {
      const label = actionSpec(id).label;
      if (label.includes('{')) continue;
      expect(toolbar.includes(`'${label}'`) || toolbar.includes(`>${label}<`), `Toolbar.tsx writes "${label}"`).toBe(false);
      expect(menu.includes(`'${label}'`), `ContextMenu.tsx writes "${label}"`).toBe(false);
    }
    expect(toolbar + menu).not.toMatch(/Ctrl\+|'Del'|'Ins'|'F2'/);
  });

  it('names a keystroke only where it works: menu-only keys in the desktop app alone', () => {
    expect(shortcutText('redo', { kind: 'browser' }, false)).toBe('Ctrl+Y, Ctrl+Shift+Z');
    expect(shortcutText('redo', { kind: 'electron' }, true)).toBe('⇧⌘Z, ⌘Y');
    expect(shortcutText('zoomToFit', { kind: 'electron' }, false)).toBe('Ctrl+0');
    expect(shortcutText('zoomToFit', { kind: 'browser' }, false)).toBeUndefined();
    expect(shortcutText('delete', { kind: 'browser' }, false, false)).toBe('Del');
  });
});

describe('the page’s key map', () => {
  const DOUBLE = 65600;
  const spec: Model = {
    specificationVersion: 1,
    description: { input: [{ name: 'x', type: { multiArrayType: { shape: [3], dataType: DOUBLE } } }], output: [{ name: 'y', type: { multiArrayType: { shape: [3], dataType: DOUBLE } } }] },
    neuralNetwork: {
      layers: [
        { name: 'scale', input: ['x'], output: ['h'], activation: { linear: { alpha: 2 } } },
        { name: 'shift', input: ['h'], output: ['y'], activation: { linear: { alpha: 1, beta: 1 } } },
      ],
    },
  };
  const host = { kind: 'electron' } as Host;
  const div = { tagName: 'DIV' };
  const input = { tagName: 'INPUT' };
  const keydown = (chord: Chord, target: object = div, mac = false): KeyboardEvent =>
    ({ ...strokeOf(chord, mac), target, defaultPrevented: false }) as unknown as KeyboardEvent;
  const realDocument = (globalThis as { document?: unknown }).document;

  beforeEach(() => {
    for (const t of [...registry.getState().tabs]) closeTabAsking(t, () => true);
    useViewStore.getState().resetForDocument();
  });
  afterEach(() => { (globalThis as { document?: unknown }).document = realDocument; });

  function openModel(): void {
    const opened = openModelContents('m.mlmodel', encodeModel(spec));
    withoutHistory(() => useDocumentStore.getState().open({ id: 7000 + Math.floor(Math.random() * 1000), name: 'm.mlmodel', opened, analysis: analyze(opened.spec, 'mlmodel', undefined, true), foldConstants: true }), true);
    useViewStore.getState().resetForDocument();
  }
  const layerNode = (name: string): string => useDocumentStore.getState().document!.graph.nodes.find((n) => n.kind === 'layer' && n.label === name)!.id;

  it('claims a key only when its action can run, never the native menu’s keys, and leaves text fields their own', () => {
    expect(commandForKeyDown(keydown('Mod+S'))).toBeUndefined(); // no document: the browser's Save Page
    expect(commandForKeyDown(keydown('Mod+F'))).toBe('find');
    openModel();
    expect(commandForKeyDown(keydown('Mod+S'))).toBe('save');
    expect(commandForKeyDown(keydown('Mod+Shift+S'))).toBe('saveAs');
    expect(commandForKeyDown(keydown('Mod+Z'))).toBeUndefined(); // nothing to undo
    expect(commandForKeyDown(keydown('Delete'))).toBeUndefined(); // nothing selected
    expect(commandForKeyDown(keydown('Insert'))).toBe('insert'); // says what to select
    useViewStore.getState().select(layerNode('scale'));
    for (const [chord, id] of [['Delete', 'delete'], ['Backspace', 'delete'], ['F2', 'rename']] as const) {
      expect(commandForKeyDown(keydown(chord)), chord).toBe(id);
      expect(commandForKeyDown(keydown(chord, input)), `${chord} in a text field`).toBeUndefined();
    }
    expect(commandForKeyDown(keydown('Mod+F', input))).toBe('find');
    for (const chord of ['Mod+O', 'Mod+W', 'Mod+0', 'Mod+T', 'Mod+R']) expect(commandForKeyDown(keydown(chord)), chord).toBeUndefined();
    useViewStore.getState().setDialog({ kind: 'fp16' });
    expect(commandForKeyDown(keydown('Mod+S'))).toBeUndefined();
    useViewStore.getState().setDialog(null);
    const prevented = { ...keydown('Mod+S'), defaultPrevented: true } as unknown as KeyboardEvent;
    expect(commandForKeyDown(prevented)).toBeUndefined();
  });

  it('runs one keystroke that arrives from the menu and from keydown once; a button always runs', () => {
    openModel();
    const fits = () => useViewStore.getState().fitRequest;
    const before = fits();
    runAction('zoomToFit', host, 'menu');
    runAction('zoomToFit', host, 'key');
    expect(fits()).toBe(before + 1);
    runAction('zoomToFit', host, 'button');
    runAction('zoomToFit', host, 'button');
    expect(fits()).toBe(before + 3);
  });

  it('the menu’s Undo in a text field undoes its typing, not the document', () => {
    openModel();
    useViewStore.getState().select(layerNode('scale'));
    runAction('delete', host, 'key');
    const layers = () => useDocumentStore.getState().document?.spec.neuralNetwork?.layers?.length;
    expect(layers()).toBe(1);
    const typed: string[] = [];
    (globalThis as { document?: unknown }).document = { activeElement: input, execCommand: (c: string) => { typed.push(c); return true; } };
    runAction('undo', host, 'menu');
    expect(typed).toEqual(['undo']);
    expect(layers()).toBe(1);
    (globalThis as { document?: unknown }).document = { activeElement: div, execCommand: () => { throw new Error('not in a text field'); } };
    runAction('undo', host, 'button');
    expect(layers()).toBe(2);
  });
});
