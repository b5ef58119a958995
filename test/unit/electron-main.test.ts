// The Electron main process without Electron: its handlers as plain functions on real models and
// temporary folders, its menu, close guard and preload API as data, and the built bundles run
// against a stand-in for the `electron` module (the Electron binary is not needed).
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { nodeFileSystem, type FileSystem } from '../../shared/io/filesystem';
import type { DesktopApi, FilePayload, MenuCommand, SavePayload } from '../../shared/host/api';
import { INVOKE, NOTIFY, PUSH, type IpcResult } from '../../electron/channels';
import { CloseGuard, windowTitle } from '../../electron/close-guard';
import { createDesktopApi, type RendererIpc } from '../../electron/desktop-api';
import { GrantedPaths } from '../../electron/granted-paths';
import {
  checkSavePayload, isModelPath, modelPathOfSelection, openWithDialog, readModelPath, saveModel, saveTargetOf, saveWithDialog, toIpcError, withExtension,
} from '../../electron/handlers';
import { modelPathsFromArgv } from '../../electron/launch-paths';
import { buildMenuTemplate, commandItemId, type MenuActions } from '../../electron/menu';
import { RECENT_FILES_LIMIT, RecentFilesStore, withRecentFile } from '../../electron/recent-files';
import { isAppUrl, isExternalWebLink } from '../../electron/trust';
import { isReadable, manifest, modelPath, repoRoot, sharedPresent, type ManifestModel } from '../support/shared-data';
import type { MenuItemConstructorOptions } from 'electron';

const fs = nodeFileSystem(fsp);
const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mlsurgeon-electron-'));
  temps.push(d);
  return d;
}
afterAll(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

/** Every file below `root` (relative POSIX paths) and every folder, read with Node directly. */
function walk(root: string): { files: Map<string, Buffer>; directories: string[] } {
  const files = new Map<string, Buffer>();
  const directories: string[] = [];
  const visit = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      const rel = relative(root, p).split('\\').join('/');
      if (e.isDirectory()) { directories.push(rel); visit(p); } else files.set(rel, readFileSync(p));
    }
  };
  visit(root);
  return { files, directories: directories.sort() };
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

const byFile = (file: string): ManifestModel => {
  const m = manifest().find((e) => e.file === file);
  if (!m) throw new Error(`${file} is not in ../shared/models/manifest.json`);
  return m;
};

async function readError(path: string, filesystem: FileSystem = fs): Promise<Error> {
  try {
    await readModelPath(filesystem, path);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`reading ${path} succeeded; expected an error`);
}

describe.skipIf(!sharedPresent)('readModelPath on the real models', () => {
  const readable = manifest().filter(isReadable);

  it.each(readable.filter((m) => m.kind === 'mlmodel').map((m) => [m.file, m] as const))('%s: the bytes of the file, unchanged', async (_f, m) => {
    const path = modelPath(m);
    const p = await readModelPath(fs, path);
    expect(p.kind).toBe('file');
    if (p.kind !== 'file') return;
    expect(p.name).toBe(m.file.split('/').pop());
    expect(p.path).toBe(path);
    expect(p.bytes.length).toBe(m.bytes);
    expect(sameBytes(p.bytes, readFileSync(path))).toBe(true);
    // A plain Uint8Array spanning its own buffer: structured clone sends exactly these bytes.
    expect(Object.getPrototypeOf(p.bytes)).toBe(Uint8Array.prototype);
    expect(p.bytes.byteLength).toBe(p.bytes.buffer.byteLength);
  });

  it.each(readable.filter((m) => m.kind === 'mlpackage').map((m) => [m.file, m] as const))('%s: every file of the package, byte for byte, and every folder', async (_f, m) => {
    const path = modelPath(m);
    const p = await readModelPath(fs, path);
    expect(p.kind).toBe('package');
    if (p.kind !== 'package') return;
    expect(p.name).toBe(m.file.split('/').pop());
    const disk = walk(path);
    expect([...p.contents.files.keys()].sort()).toEqual([...disk.files.keys()].sort());
    for (const [rel, bytes] of disk.files) expect(sameBytes(p.contents.files.get(rel)!, bytes), rel).toBe(true);
    expect([...p.contents.directories].sort()).toEqual(disk.directories);
    expect(p.contents.files.has('Manifest.json')).toBe(true);
  });

  it('reads a package named with a trailing slash as the package', async () => {
    const m = byFile('saadiahl__cat_feeder_project/yolov8n.mlpackage');
    const p = await readModelPath(fs, `${modelPath(m)}/`);
    expect(p.kind).toBe('package');
    expect(p.name).toBe('yolov8n.mlpackage');
    expect(p.path).toBe(modelPath(m));
  });

  it('the macOS alias file ObjectDetector.mlmodel: an error naming the file and saying what it is', async () => {
    const path = modelPath(byFile('nbnitin__CoreML/ObjectDetector.mlmodel'));
    const e = await readError(path);
    expect(e.name).toBe('ModelReadError');
    expect(e.message).toContain('ObjectDetector.mlmodel');
    expect(e.message).toContain('macOS alias file');
    expect(toIpcError(e)).toEqual({ name: 'ModelReadError', message: `${path}: macOS alias file, not a model`, file: path });
  });

  it('every model the manifest marks unreadable fails with an error naming it', async () => {
    const bad = manifest().filter((m) => !isReadable(m));
    expect(bad.length).toBeGreaterThan(0);
    for (const m of bad) {
      const e = await readError(modelPath(m));
      expect(e.name).toBe('ModelReadError');
      expect(e.message.startsWith(`${modelPath(m)}: `)).toBe(true);
    }
  });
});

describe('readModelPath on bad input', () => {
  it('a folder without Manifest.json', async () => {
    const dir = join(tempDir(), 'Broken.mlpackage');
    mkdirSync(join(dir, 'Data', 'com.apple.CoreML'), { recursive: true });
    writeFileSync(join(dir, 'Data', 'com.apple.CoreML', 'model.mlmodel'), new Uint8Array([8, 4]));
    const e = await readError(dir);
    expect(e.message).toBe(`${dir}: folder is not a model package: package has no Manifest.json`);
  });

  it('a missing file', async () => {
    const path = join(tempDir(), 'Gone.mlmodel');
    expect((await readError(path)).message).toBe(`${path}: no such file or folder`);
  });

  it('files that are not models say what they are', async () => {
    const d = tempDir();
    const cases: [string, Uint8Array | string, string][] = [
      ['notes.mlmodel', 'just some text\n', 'text file, not a protobuf message'],
      ['config.mlmodel', '{"a": 1}', 'JSON text, not a protobuf message'],
      ['empty.mlmodel', new Uint8Array(0), 'empty file'],
      ['zipped.mlmodel', new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), 'zip archive, not a model'],
      ['lfs.mlmodel', 'version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 12\n', 'Git LFS pointer file'],
    ];
    for (const [name, data, reason] of cases) {
      const path = join(d, name);
      writeFileSync(path, data);
      const e = await readError(path);
      expect(e.message, name).toContain(`${path}: ${reason}`);
    }
  });
});

describe.skipIf(!sharedPresent)('saveModel', () => {
  const small = (): string => modelPath(byFile('hollance__CoreML-Custom-Layers/NeuralMcNeuralNet.mlmodel'));
  const other = (): string => modelPath(byFile('gavi__Iris/iris.mlmodel'));
  const pkg = (): string => modelPath(byFile('CallmeLetty__YKCoreMLDemo/ChineseClassifier.mlpackage'));

  it('writes a .mlmodel through a temporary file and leaves nothing else behind', async () => {
    const dir = tempDir();
    const target = join(dir, 'Model.mlmodel');
    copyFileSync(small(), target);
    const renames: [string, string][] = [];
    const spy: FileSystem = { ...fs, rename: async (a, b) => { renames.push([a, b]); await fs.rename(a, b); } };
    const bytes = new Uint8Array(readFileSync(other()));
    await saveModel(spy, target, { kind: 'file', bytes });
    expect(sameBytes(readFileSync(target), bytes)).toBe(true);
    expect(readdirSync(dir)).toEqual(['Model.mlmodel']);
    expect(renames).toHaveLength(1);
    expect(renames[0][1]).toBe(target);
    expect(renames[0][0]).not.toBe(target);
    expect(renames[0][0].startsWith(`${target}.`)).toBe(true);
  });

  it('a failing write leaves the original file untouched and no temporary file', async () => {
    const dir = tempDir();
    const target = join(dir, 'Model.mlmodel');
    copyFileSync(small(), target);
    const original = readFileSync(target);
    const failing: FileSystem = {
      ...fs,
      writeFile: async (p, d) => { await fs.writeFile(p, d.subarray(0, 10)); throw new Error(`ENOSPC: no space left on device, write '${p}'`); },
    };
    await expect(saveModel(failing, target, { kind: 'file', bytes: new Uint8Array(readFileSync(other())) })).rejects.toThrow(/ENOSPC/);
    expect(sameBytes(readFileSync(target), original)).toBe(true);
    expect(readdirSync(dir)).toEqual(['Model.mlmodel']);
  });

  it('writes a package to a new folder, every file byte for byte', async () => {
    const source = await readModelPath(fs, pkg());
    if (source.kind !== 'package') throw new Error('expected a package');
    const dir = tempDir();
    const target = join(dir, 'Copy.mlpackage');
    await saveModel(fs, target, { kind: 'package', contents: source.contents });
    const disk = walk(target);
    expect([...disk.files.keys()].sort()).toEqual([...source.contents.files.keys()].sort());
    for (const [rel, bytes] of source.contents.files) expect(sameBytes(disk.files.get(rel)!, bytes), rel).toBe(true);
    expect(readdirSync(dir)).toEqual(['Copy.mlpackage']);
  });

  it('a failing write into a package leaves the existing package untouched', async () => {
    const dir = tempDir();
    const target = join(dir, 'Existing.mlpackage');
    cpSync(pkg(), target, { recursive: true });
    const before = walk(target);
    const source = await readModelPath(fs, target);
    if (source.kind !== 'package') throw new Error('expected a package');
    let writes = 0;
    const failing: FileSystem = {
      ...fs,
      writeFile: async (p, d) => { if (++writes === 2) throw new Error('EIO: i/o error'); await fs.writeFile(p, d); },
    };
    await expect(saveModel(failing, target, { kind: 'package', contents: source.contents })).rejects.toThrow(/EIO/);
    const after = walk(target);
    expect([...after.files.keys()].sort()).toEqual([...before.files.keys()].sort());
    for (const [rel, bytes] of before.files) expect(sameBytes(after.files.get(rel)!, bytes), rel).toBe(true);
    expect(readdirSync(dir)).toEqual(['Existing.mlpackage']);
  });

  it('refuses bytes that are not a model, before writing anything', async () => {
    const dir = tempDir();
    const target = join(dir, 'Model.mlmodel');
    copyFileSync(small(), target);
    const original = readFileSync(target);
    const alias = new Uint8Array(readFileSync(modelPath(byFile('nbnitin__CoreML/ObjectDetector.mlmodel'))));
    await expect(saveModel(fs, target, { kind: 'file', bytes: alias })).rejects.toThrow(`${target}: macOS alias file, not a model`);
    expect(sameBytes(readFileSync(target), original)).toBe(true);
    expect(readdirSync(dir)).toEqual(['Model.mlmodel']);
  });

  it('refuses package paths that leave the package', async () => {
    const source = await readModelPath(fs, pkg());
    if (source.kind !== 'package') throw new Error('expected a package');
    const dir = tempDir();
    const target = join(dir, 'Evil.mlpackage');
    for (const bad of ['../outside.txt', '/etc/passwd', 'Data/../../x', 'Data//x', 'C:/x', 'Data\\x']) {
      const files = new Map(source.contents.files);
      files.set(bad, new Uint8Array([1]));
      await expect(saveModel(fs, target, { kind: 'package', contents: { files, directories: source.contents.directories } }), bad)
        .rejects.toThrow(`file ${bad} is not a path inside the package`);
    }
    await expect(saveModel(fs, target, { kind: 'package', contents: { files: source.contents.files, directories: ['../up'] } }))
      .rejects.toThrow('folder ../up is not a path inside the package');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses payloads of the wrong shape with a message', () => {
    expect(() => checkSavePayload('/m.mlmodel', null)).toThrow('cannot save /m.mlmodel: no model data was sent');
    expect(() => checkSavePayload('/m.mlmodel', { kind: 'file', bytes: [1, 2] })).toThrow('the model bytes are missing');
    expect(() => checkSavePayload('/m.mlmodel', { kind: 'zip' })).toThrow('unknown payload kind zip');
    expect(() => checkSavePayload('/m.mlpackage', { kind: 'package', contents: { files: {}, directories: [] } })).toThrow('the package contents are missing');
    expect(() => checkSavePayload('/m.mlpackage', { kind: 'package', contents: { files: new Map(), directories: [] } })).toThrow('package has no Manifest.json');
  });
});

describe.skipIf(!sharedPresent)('open and save dialogs', () => {
  it('a cancelled open dialog opens nothing; a chosen model is read', async () => {
    expect(await openWithDialog(fs, async () => undefined)).toBeNull();
    const m = byFile('gavi__Iris/iris.mlmodel');
    const p = await openWithDialog(fs, async () => modelPath(m));
    expect(p?.kind).toBe('file');
    expect(p?.name).toBe('iris.mlmodel');
  });

  it('picking the Manifest.json inside a package opens the package (Windows and Linux dialogs)', async () => {
    const root = modelPath(byFile('saadiahl__cat_feeder_project/yolov8n.mlpackage'));
    const p = await openWithDialog(fs, async () => join(root, 'Manifest.json'));
    expect(p?.kind).toBe('package');
    expect(p?.path).toBe(root);
  });

  it('a cancelled save dialog writes nothing; a chosen path gets the extension it lacks', async () => {
    const bytes = new Uint8Array(readFileSync(modelPath(byFile('gavi__Iris/iris.mlmodel'))));
    const dir = tempDir();
    const asked: unknown[] = [];
    expect(await saveWithDialog(fs, async (n, k) => { asked.push([n, k]); return undefined; }, 'iris.mlmodel', { kind: 'file', bytes })).toBeNull();
    expect(asked).toEqual([['iris.mlmodel', { extension: 'mlmodel', isModel: true }]]);
    expect(readdirSync(dir)).toEqual([]);
    const saved = await saveWithDialog(fs, async () => join(dir, 'iris copy'), 'iris.mlmodel', { kind: 'file', bytes });
    expect(saved).toBe(join(dir, 'iris copy.mlmodel'));
    expect(sameBytes(readFileSync(saved!), bytes)).toBe(true);
  });

  it('an export (a tensor as .npy) is written as is, with its own extension', async () => {
    const dir = tempDir();
    const npy = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const targets: unknown[] = [];
    const saved = await saveWithDialog(fs, async (n, t) => { targets.push([n, t]); return join(dir, 'dense_0'); }, 'dense_0.npy', { kind: 'file', bytes: npy });
    expect(targets).toEqual([['dense_0.npy', { extension: 'npy', isModel: false }]]);
    expect(saved).toBe(join(dir, 'dense_0.npy'));
    expect(sameBytes(readFileSync(saved!), npy)).toBe(true);
  });

  it('a payload that cannot be saved is refused before the dialog is shown', async () => {
    const pick = vi.fn(async () => '/never.mlmodel');
    await expect(saveWithDialog(fs, pick, 'x.mlmodel', { kind: 'file', bytes: new TextEncoder().encode('hello') })).rejects.toThrow('text file');
    expect(pick).not.toHaveBeenCalled();
  });
});

describe('path helpers', () => {
  it('modelPathOfSelection maps a file inside a package to the package', () => {
    expect(modelPathOfSelection('/a/B.mlpackage/Manifest.json')).toBe('/a/B.mlpackage');
    expect(modelPathOfSelection('/a/B.mlpackage/Data/com.apple.CoreML/model.mlmodel')).toBe('/a/B.mlpackage');
    expect(modelPathOfSelection('C:\\m\\X.MLPACKAGE\\Manifest.json')).toBe('C:\\m\\X.MLPACKAGE');
    expect(modelPathOfSelection('/a/B.mlpackage/')).toBe('/a/B.mlpackage');
    expect(modelPathOfSelection('/a/c.mlmodel')).toBe('/a/c.mlmodel');
  });

  it('withExtension adds the extension only when missing', () => {
    expect(withExtension('/a/m', 'mlmodel')).toBe('/a/m.mlmodel');
    expect(withExtension('/a/m.MLMODEL', 'mlmodel')).toBe('/a/m.MLMODEL');
    expect(withExtension('/a/m', 'mlpackage')).toBe('/a/m.mlpackage');
    expect(withExtension('/a/m.mlpackage/', 'mlpackage')).toBe('/a/m.mlpackage');
    expect(withExtension('/a/w', 'npy')).toBe('/a/w.npy');
    expect(withExtension('/a/w', '')).toBe('/a/w');
  });

  it('saveTargetOf: packages and .mlmodel names are models, other names are exports', () => {
    const file: SavePayload = { kind: 'file', bytes: new Uint8Array() };
    const pkg: SavePayload = { kind: 'package', contents: { files: new Map(), directories: [] } };
    expect(saveTargetOf('m.mlmodel', file)).toEqual({ extension: 'mlmodel', isModel: true });
    expect(saveTargetOf('Untitled', file)).toEqual({ extension: 'mlmodel', isModel: true });
    expect(saveTargetOf('yolov8n.mlpackage', pkg)).toEqual({ extension: 'mlpackage', isModel: true });
    expect(saveTargetOf('dense_0.weights.NPY', file)).toEqual({ extension: 'npy', isModel: false });
    expect(isModelPath('/a/b.mlpackage/')).toBe(true);
    expect(isModelPath('/a/b.npy')).toBe(false);
  });

  it('modelPathsFromArgv keeps model paths and drops switches and other arguments', () => {
    expect(modelPathsFromArgv(['.', '--inspect=9229', '-psn_0_1234', 'a.mlmodel', '/abs/B.mlpackage/', 'notes.txt', 'a.mlmodel', 'C.MLMODEL'], '/work'))
      .toEqual(['/work/a.mlmodel', '/abs/B.mlpackage', '/work/C.MLMODEL']);
    expect(modelPathsFromArgv([], '/')).toEqual([]);
  });

  it('isAppUrl accepts the app page only', () => {
    const file = pathToFileURL('/opt/ML Surgeon/resources/app.asar/dist/index.html').href;
    expect(isAppUrl(`${file}#/model`, file)).toBe(true);
    expect(isAppUrl(`${file}?x=1`, file)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', file)).toBe(false);
    expect(isAppUrl('https://example.com/', file)).toBe(false);
    expect(isAppUrl(undefined, file)).toBe(false);
    expect(isAppUrl('http://localhost:5173/src/main.tsx', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('not a url', 'http://localhost:5173/')).toBe(false);
    expect(isExternalWebLink('https://developer.apple.com/documentation/coreml')).toBe(true);
    expect(isExternalWebLink('file:///etc/passwd')).toBe(false);
    expect(isExternalWebLink('javascript:alert(1)')).toBe(false);
  });

  /** A confirmReplace that records what it was asked and answers from `answers`. */
  function confirmer(...answers: boolean[]): { asked: string[]; confirm: (path: string) => Promise<boolean> } {
    const asked: string[] = [];
    return { asked, confirm: async (path) => { asked.push(path); return answers.shift() ?? false; } };
  }

  it('GrantedPaths: a path chosen in a save dialog is writable without asking', async () => {
    const g = new GrantedPaths();
    g.grantWrite('/m/a.mlpackage/');
    expect(g.canWrite('/m/a.mlpackage')).toBe(true);
    const c = confirmer();
    await g.authorizeSave('/m/a.mlpackage', c.confirm);
    expect(c.asked).toEqual([]);
  });

  it('GrantedPaths: reading a path never grants writing it; a Save there asks, and only a yes grants it', async () => {
    const g = new GrantedPaths();
    g.noteOpened('/m/read.mlmodel');
    expect(g.wasOpened('/m/read.mlmodel')).toBe(true);
    expect(g.canWrite('/m/read.mlmodel')).toBe(false);

    const no = confirmer(false);
    await expect(g.authorizeSave('/m/read.mlmodel', no.confirm)).rejects.toThrow(
      '/m/read.mlmodel was not saved: replacing the model you opened was not confirmed; use File > Save As… to save a copy elsewhere');
    expect(no.asked).toEqual(['/m/read.mlmodel']);
    expect(g.canWrite('/m/read.mlmodel')).toBe(false);

    const yes = confirmer(true);
    await g.authorizeSave('/m/read.mlmodel/', yes.confirm);
    expect(yes.asked).toEqual(['/m/read.mlmodel']);
    expect(g.canWrite('/m/read.mlmodel')).toBe(true);
    // Asked once per path and session.
    const again = confirmer();
    await g.authorizeSave('/m/read.mlmodel', again.confirm);
    expect(again.asked).toEqual([]);
  });

  it('GrantedPaths: a path neither opened nor chosen is refused without asking', async () => {
    const g = new GrantedPaths();
    g.noteOpened('/m/read.mlmodel');
    g.grantWrite('/m/chosen.mlmodel');
    const c = confirmer(true);
    await expect(g.authorizeSave('/etc/hosts', c.confirm)).rejects.toThrow(
      'cannot save /etc/hosts: it was not opened or chosen in a save dialog in this session; use File > Save As…');
    await expect(g.authorizeSave('/m/read.mlmodel.bak', c.confirm)).rejects.toThrow('was not opened or chosen');
    expect(c.asked).toEqual([]);
    expect(g.canWrite('/etc/hosts')).toBe(false);
  });
});

describe('recent files', () => {
  function existingFiles(n: number): string[] {
    const d = tempDir();
    return Array.from({ length: n }, (_, i) => {
      const p = join(d, `m${i}.mlmodel`);
      writeFileSync(p, 'x');
      return p;
    });
  }

  it('withRecentFile puts the path first, once, and caps the list', () => {
    expect(withRecentFile(['/a', '/b', '/c'], '/b')).toEqual(['/b', '/a', '/c']);
    expect(withRecentFile(['/a', '/b/'], '/b')).toEqual(['/b', '/a']);
    const many = Array.from({ length: 12 }, (_, i) => `/m${i}`);
    expect(withRecentFile(many, '/new')).toEqual(['/new', ...many.slice(0, RECENT_FILES_LIMIT - 1)]);
    expect(RECENT_FILES_LIMIT).toBe(10);
  });

  it('adds newest first, moves a reopened model to the top, keeps 10, and persists', async () => {
    const store = join(tempDir(), 'sub', 'recent-models.json');
    const files = existingFiles(12);
    const recent = new RecentFilesStore(fs, store);
    expect(await recent.list()).toEqual([]);
    for (const f of files) await recent.add(f);
    const expected = files.slice(2).reverse();
    expect(await recent.list()).toEqual(expected);
    expect(await recent.add(files[5])).toEqual([files[5], ...expected.filter((f) => f !== files[5])]);
    const reopened = new RecentFilesStore(fs, store);
    expect(await reopened.list()).toEqual([files[5], ...expected.filter((f) => f !== files[5])]);
    expect(JSON.parse(readFileSync(store, 'utf8'))).toEqual({ version: 1, files: await reopened.list() });
    expect(readdirSync(join(store, '..'))).toEqual(['recent-models.json']);
  });

  it('drops entries whose file is gone', async () => {
    const store = join(tempDir(), 'recent.json');
    const [a, b, c] = existingFiles(3);
    const recent = new RecentFilesStore(fs, store);
    for (const f of [a, b, c]) await recent.add(f);
    rmSync(b);
    expect(await recent.list()).toEqual([c, a]);
    expect(await recent.remove(c)).toEqual([a]);
    expect(await recent.clear()).toEqual([]);
  });

  it('concurrent adds lose nothing', async () => {
    const store = join(tempDir(), 'recent.json');
    const files = existingFiles(6);
    const recent = new RecentFilesStore(fs, store);
    await Promise.all(files.map((f) => recent.add(f)));
    expect(new Set(await recent.list())).toEqual(new Set(files));
  });

  it('a corrupt or foreign store reads as an empty list and is replaced on the next add', async () => {
    const store = join(tempDir(), 'recent.json');
    const [a] = existingFiles(1);
    for (const junk of ['{not json', '[1,2,3]', '{"files": [3, null, ""]}', 'null']) {
      writeFileSync(store, junk);
      expect(await new RecentFilesStore(fs, store).list(), junk).toEqual([]);
    }
    writeFileSync(store, '{not json');
    expect(await new RecentFilesStore(fs, store).add(a)).toEqual([a]);
    expect((JSON.parse(readFileSync(store, 'utf8')) as { files: unknown }).files).toEqual([a]);
  });

  it('dedupes a hand-edited store, keeping the first mention', async () => {
    const store = join(tempDir(), 'recent.json');
    const [a, b] = existingFiles(2);
    writeFileSync(store, JSON.stringify({ version: 1, files: [a, b, `${a}/`, b] }));
    expect(await new RecentFilesStore(fs, store).list()).toEqual([a, b]);
  });
});

describe('closing with unsaved changes', () => {
  it('closes a clean window at once', () => {
    const g = new CloseGuard();
    g.update({ title: 'm.mlmodel', dirty: false });
    expect(g.requestClose()).toBe('close');
  });

  it('asks once; Cancel keeps the window, Don’t Save closes it', () => {
    const g = new CloseGuard();
    g.update({ title: 'm.mlmodel', dirty: true });
    expect(g.requestClose()).toBe('ask');
    expect(g.requestClose()).toBe('wait');
    expect(g.answer('cancel')).toBe('stay');
    expect(g.requestClose()).toBe('ask');
    expect(g.answer('discard')).toBe('close');
    expect(g.requestClose()).toBe('close');
  });

  it('Save closes after the save succeeded and the document reports clean', () => {
    const g = new CloseGuard();
    g.update({ title: 'm.mlmodel', dirty: true });
    g.requestClose();
    expect(g.answer('save')).toBe('save');
    expect(g.update({ title: 'm.mlmodel', dirty: true })).toBe('stay');
    g.saveFinished(true);
    expect(g.update({ title: 'm.mlmodel', dirty: false })).toBe('close');
  });

  it('a cancelled or failed save keeps the window and asks again next time', () => {
    const g = new CloseGuard();
    g.update({ title: 'm.mlmodel', dirty: true });
    g.requestClose();
    g.answer('save');
    g.saveFinished(false);
    expect(g.update({ title: 'm.mlmodel', dirty: false })).toBe('stay');
    g.update({ title: 'm.mlmodel', dirty: true });
    expect(g.requestClose()).toBe('ask');
  });

  it('a later ordinary save does not close the window', () => {
    const g = new CloseGuard();
    g.update({ title: 'm.mlmodel', dirty: true });
    g.saveFinished(true);
    expect(g.update({ title: 'm.mlmodel', dirty: false })).toBe('stay');
  });

  it('the title shows the document and, outside macOS, its edited state', () => {
    expect(windowTitle({ title: '', dirty: false }, 'linux')).toBe('ML Surgeon');
    expect(windowTitle({ title: 'yolov8n.mlpackage', dirty: false }, 'win32')).toBe('yolov8n.mlpackage — ML Surgeon');
    expect(windowTitle({ title: 'yolov8n.mlpackage', dirty: true }, 'win32')).toBe('● yolov8n.mlpackage — ML Surgeon');
    expect(windowTitle({ title: 'yolov8n.mlpackage', dirty: true }, 'darwin')).toBe('yolov8n.mlpackage — ML Surgeon');
  });
});

function flatten(items: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

describe('menu', () => {
  const ALL: MenuCommand[] = ['open', 'save', 'saveAs', 'undo', 'redo', 'find', 'zoomToFit', 'toggleShapes', 'close'];
  const actions = (): MenuActions & { log: string[] } => {
    const log: string[] = [];
    return { log, command: (c) => log.push(`command ${c}`), openRecent: (p) => log.push(`recent ${p}`), clearRecent: () => log.push('clear'), reload: () => log.push('reload') };
  };

  it.each(['darwin', 'win32', 'linux'])('%s: every MenuCommand has an item that sends it, with a unique accelerator', (platform) => {
    const a = actions();
    const items = flatten(buildMenuTemplate(platform, [], a));
    for (const c of ALL) {
      const item = items.find((i) => i.id === commandItemId(c));
      expect(item, c).toBeDefined();
      (item!.click as () => void)();
    }
    expect(a.log).toEqual(ALL.map((c) => `command ${c}`));
    const accelerators = items.map((i) => i.accelerator).filter((x): x is string => !!x);
    expect(new Set(accelerators).size).toBe(accelerators.length);
    const top = buildMenuTemplate(platform, [], a).map((m) => m.label);
    expect(top).toEqual(platform === 'darwin' ? ['ML Surgeon', 'File', 'Edit', 'View', 'Window'] : ['File', 'Edit', 'View', 'Window']);
    const roles = items.map((i) => i.role).filter(Boolean);
    expect(roles).toEqual(expect.arrayContaining(['cut', 'copy', 'paste', 'selectAll', 'toggleDevTools']));
    expect(roles).not.toContain('close');
  });

  it('File > Open Recent lists the models by name and folder, and clears', () => {
    const a = actions();
    const items = flatten(buildMenuTemplate('linux', ['/m/a.mlmodel', '/n/a.mlmodel'], a));
    const recent = items.filter((i) => i.id?.startsWith('recent:/'));
    expect(recent.map((i) => i.label)).toEqual(['a.mlmodel — /m', 'a.mlmodel — /n']);
    (recent[1].click as () => void)();
    (items.find((i) => i.id === 'recent:clear')!.click as () => void)();
    (items.find((i) => i.id === 'reload')!.click as () => void)();
    expect(a.log).toEqual(['recent /n/a.mlmodel', 'clear', 'reload']);
    const empty = flatten(buildMenuTemplate('linux', [], a)).find((i) => i.id === 'recent')!;
    expect((empty.submenu as MenuItemConstructorOptions[]).map((i) => [i.label, i.enabled])).toEqual([['No Recent Models', false]]);
  });
});

// ---------------------------------------------------------------------------------------------
// window.mlsurgeon over a fake ipcRenderer.

class FakeRendererIpc implements RendererIpc {
  readonly sent: unknown[][] = [];
  readonly invoked: unknown[][] = [];
  private readonly listeners = new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>();
  constructor(private readonly reply: (channel: string, args: unknown[]) => IpcResult<unknown>) {}
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push([channel, ...args]);
    return this.reply(channel, args);
  }
  send(channel: string, ...args: unknown[]): void { this.sent.push([channel, ...args]); }
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): this {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }
  emit(channel: string, ...args: unknown[]): void { for (const l of this.listeners.get(channel) ?? []) l({}, ...args); }
}

describe('window.mlsurgeon (preload API)', () => {
  const payload: FilePayload = { kind: 'file', name: 'm.mlmodel', path: '/m.mlmodel', bytes: new Uint8Array([1, 2, 3]) };

  it('implements every DesktopApi method', () => {
    const api = createDesktopApi(new FakeRendererIpc(() => ({ ok: true, value: null })), () => '');
    const methods: (keyof DesktopApi)[] = ['openDialog', 'readPath', 'save', 'saveAs', 'recentFiles', 'pathForFile', 'onOpenRequest', 'onMenuCommand', 'setDocumentState'];
    expect(Object.keys(api).sort()).toEqual([...methods].sort());
  });

  it('returns values and throws the main process’s own error message', async () => {
    const ipc = new FakeRendererIpc((channel, args) => channel === INVOKE.readPath && args[0] === '/bad.mlmodel'
      ? { ok: false, error: { name: 'ModelReadError', message: '/bad.mlmodel: macOS alias file, not a model', file: '/bad.mlmodel' } }
      : { ok: true, value: channel === INVOKE.recentFiles ? ['/a.mlmodel'] : payload });
    const api = createDesktopApi(ipc, () => '');
    expect(await api.readPath('/m.mlmodel')).toBe(payload);
    expect(await api.recentFiles()).toEqual(['/a.mlmodel']);
    const err = await api.readPath('/bad.mlmodel').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('/bad.mlmodel: macOS alias file, not a model');
    expect((err as Error).name).toBe('ModelReadError');
    const save: SavePayload = { kind: 'file', bytes: new Uint8Array([8]) };
    await api.save('/m.mlmodel', save);
    await api.saveAs('m.mlmodel', save);
    expect(ipc.invoked.map((c) => c[0])).toEqual([INVOKE.readPath, INVOKE.recentFiles, INVOKE.readPath, INVOKE.save, INVOKE.saveAs]);
    expect(ipc.invoked[3]).toEqual([INVOKE.save, '/m.mlmodel', save]);
  });

  it('tells main it is listening, holds pushes until the page subscribes, and unsubscribes', () => {
    const ipc = new FakeRendererIpc(() => ({ ok: true, value: null }));
    const api = createDesktopApi(ipc, () => '');
    expect(ipc.sent).toEqual([[NOTIFY.pageListening]]);
    ipc.emit(PUSH.openRequest, payload);
    ipc.emit(PUSH.menuCommand, 'open');
    const opened: FilePayload[] = [];
    const commands: MenuCommand[] = [];
    const stopOpen = api.onOpenRequest((p) => opened.push(p));
    const stopMenu = api.onMenuCommand((c) => commands.push(c));
    expect(opened).toEqual([payload]);
    expect(commands).toEqual(['open']);
    ipc.emit(PUSH.menuCommand, 'undo');
    stopOpen();
    stopMenu();
    ipc.emit(PUSH.menuCommand, 'redo');
    expect(commands).toEqual(['open', 'undo']);
  });

  it('sends the document state as a plain title and flag, and asks webUtils for dropped files’ paths', () => {
    const ipc = new FakeRendererIpc(() => ({ ok: true, value: null }));
    const api = createDesktopApi(ipc, (f: { name: string }) => `/dropped/${f.name}`);
    api.setDocumentState({ title: 'm.mlmodel', dirty: 1 as unknown as boolean });
    expect(ipc.sent[1]).toEqual([NOTIFY.documentState, { title: 'm.mlmodel', dirty: true }]);
    expect(api.pathForFile({ name: 'x.mlmodel' })).toBe('/dropped/x.mlmodel');
  });
});

// ---------------------------------------------------------------------------------------------
// The built bundles, run against a stand-in `electron` module.

interface FakeEvent { defaultPrevented: boolean; preventDefault(): void }
const fakeEvent = (): FakeEvent => ({ defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } });

type HeadersHandler = (details: { url: string; responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void;

function fakeElectron(userData: string) {
  const handles = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const menus: MenuItemConstructorOptions[][] = [];
  const errorBoxes: string[] = [];
  const messageBoxes: string[] = [];
  const messageBoxAnswers: number[] = [];
  const windows: FakeWindow[] = [];
  let nextId = 1;

  class FakeWebContents extends EventEmitter {
    readonly id = nextId++;
    readonly sent: unknown[][] = [];
    send(channel: string, ...args: unknown[]): void { this.sent.push([channel, ...args]); }
    reload(): void {}
  }
  class FakeWindow extends EventEmitter {
    readonly webContents = new FakeWebContents();
    title = '';
    loaded?: string;
    destroyed = false;
    constructor(readonly options: { webPreferences: Record<string, unknown> }) { super(); windows.push(this); }
    loadFile(p: string): Promise<void> { this.loaded = p; return Promise.resolve(); }
    loadURL(u: string): Promise<void> { this.loaded = u; return Promise.resolve(); }
    show(): void {}
    setTitle(t: string): void { this.title = t; }
    setDocumentEdited(): void {}
    isDestroyed(): boolean { return this.destroyed; }
    isMinimized(): boolean { return false; }
    restore(): void {}
    focus(): void {}
    close(): void {
      const e = fakeEvent();
      this.emit('close', e);
      if (e.defaultPrevented) return;
      this.destroyed = true;
      windows.splice(windows.indexOf(this), 1);
      this.emit('closed');
    }
    static getFocusedWindow(): FakeWindow | null { return null; }
    static getAllWindows(): FakeWindow[] { return [...windows]; }
  }
  const switches: string[][] = [];
  const headerHandlers: HeadersHandler[] = [];
  const app = Object.assign(new EventEmitter(), {
    commandLine: { appendSwitch: (...args: string[]) => { switches.push(args); } },
    setName() {},
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    getPath: () => userData,
    addRecentDocument() {},
    clearRecentDocuments() {},
    quit() {},
  });
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (c: string, f: (event: unknown, ...args: unknown[]) => Promise<unknown>) => { handles.set(c, f); },
      on: (c: string, f: (event: unknown, ...args: unknown[]) => void) => { listeners.set(c, f); },
    },
    Menu: { buildFromTemplate: (t: MenuItemConstructorOptions[]) => t, setApplicationMenu: (m: MenuItemConstructorOptions[]) => { menus.push(m); } },
    dialog: {
      showErrorBox: (title: string, body: string) => { errorBoxes.push(`${title}: ${body}`); },
      showMessageBox: async (...args: unknown[]) => {
        const opts = args[args.length - 1] as { message: string };
        messageBoxes.push(opts.message);
        return { response: messageBoxAnswers.shift() ?? 2 };
      },
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showSaveDialog: async () => ({ canceled: true }),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler() {},
        webRequest: { onHeadersReceived: (f: HeadersHandler) => { headerHandlers.push(f); } },
      },
    },
    shell: { openExternal: async () => {} },
  };
  return { electron, handles, listeners, menus, errorBoxes, messageBoxes, messageBoxAnswers, windows, switches, headerHandlers };
}

/** Runs a CommonJS bundle with `require('electron')` answered by `electron`. */
function runBundle(file: string, electron: unknown): void {
  const real = createRequire(file);
  const module = { exports: {} };
  const require = (id: string): unknown => (id === 'electron' ? electron : real(id));
  // eslint-disable-next-line @typescript-eslint/no-implied-eval, @typescript-eslint/no-unsafe-call -- runs the built bundle as Node wraps a CommonJS module
  new Function('exports', 'require', 'module', '__filename', '__dirname', readFileSync(file, 'utf8'))(module.exports, require, module, file, join(file, '..'));
}

describe('the built bundles', () => {
  let root: string;
  let out: string;
  beforeAll(() => {
    root = tempDir();
    out = join(root, 'dist-electron');
    const r = spawnSync(process.execPath, [join(repoRoot, 'electron', 'build.mjs'), '--outdir', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    // The page main.cjs loads: ../dist/index.html next to its own folder, as in the repository.
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'index.html'), '<!doctype html><title>ML Surgeon</title>');
  });

  it('npm run build:electron writes main.cjs and preload.cjs, requiring only electron and Node', () => {
    for (const f of ['main.cjs', 'preload.cjs']) expect(statSync(join(out, f)).size).toBeGreaterThan(1000);
    const requires = (f: string): string[] => [...new Set([...readFileSync(join(out, f), 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
    expect(requires('preload.cjs')).toEqual(['electron']);
    expect(requires('main.cjs').filter((m) => m !== 'electron' && !m.startsWith('node:'))).toEqual([]);
    expect(existsSync(join(repoRoot, 'electron', 'build.mjs'))).toBe(true);
  });

  it('preload.cjs exposes window.mlsurgeon through contextBridge and nothing else', () => {
    const exposed = new Map<string, unknown>();
    const sent: unknown[][] = [];
    runBundle(join(out, 'preload.cjs'), {
      contextBridge: { exposeInMainWorld: (k: string, v: unknown) => exposed.set(k, v) },
      ipcRenderer: { invoke: async () => ({ ok: true, value: [] }), send: (...a: unknown[]) => sent.push(a), on() {} },
      webUtils: { getPathForFile: () => '/p' },
    });
    expect([...exposed.keys()]).toEqual(['mlsurgeon']);
    const api = exposed.get('mlsurgeon') as DesktopApi;
    expect(typeof api.openDialog).toBe('function');
    expect(api.pathForFile({})).toBe('/p');
    expect(sent).toEqual([[NOTIFY.pageListening]]);
  });

  it.skipIf(!sharedPresent)('main.cjs: a secure window, the menu, IPC, a model named on the command line, and close after Save', async () => {
    const userData = tempDir();
    const fake = fakeElectron(userData);
    const modelFile = modelPath(byFile('gavi__Iris/iris.mlmodel'));
    const argv = process.argv;
    process.argv = [process.execPath, '--enable-logging', modelFile];
    try {
      runBundle(join(out, 'main.cjs'), fake.electron);
      await vi.waitFor(() => expect(fake.listeners.size).toBe(2), { timeout: 5000 });
      await vi.waitFor(async () => expect(existsSync(join(userData, 'recent-models.json'))).toBe(true), { timeout: 5000 });
    } finally {
      process.argv = argv;
    }

    expect(fake.errorBoxes).toEqual([]);
    // The executor's two kernel threads need shared memory in the file:// app.
    expect(fake.switches).toContainEqual(['enable-features', 'SharedArrayBuffer']);
    // Without a dev server, no response gets its headers rewritten (file:// pages cannot be isolated).
    expect(fake.headerHandlers).toHaveLength(1);
    let answered: unknown;
    fake.headerHandlers[0]({ url: 'file:///app/index.html', responseHeaders: {} }, (r) => { answered = r; });
    expect(answered).toEqual({});
    expect([...fake.handles.keys()].sort()).toEqual(Object.values(INVOKE).sort());
    expect([...fake.listeners.keys()].sort()).toEqual(Object.values(NOTIFY).sort());
    expect(fake.menus.at(-1)!.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Window']);

    expect(fake.windows).toHaveLength(1);
    const win = fake.windows[0];
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, nodeIntegration: false, sandbox: true, preload: join(out, 'preload.cjs') });
    expect(win.loaded).toBe(join(root, 'dist', 'index.html'));
    const appUrl = pathToFileURL(join(root, 'dist', 'index.html')).href;
    const event = { sender: win.webContents, senderFrame: { url: appUrl } };

    // The command-line model waits until the page listens, then arrives as an open request.
    expect(win.webContents.sent).toEqual([]);
    fake.listeners.get(NOTIFY.pageListening)!(event);
    expect(win.webContents.sent).toHaveLength(1);
    const [channel, opened] = win.webContents.sent[0] as [string, FilePayload];
    expect(channel).toBe(PUSH.openRequest);
    expect(opened.kind === 'file' && sameBytes(opened.bytes, readFileSync(modelFile))).toBe(true);

    const recent = (await fake.handles.get(INVOKE.recentFiles)!(event)) as IpcResult<string[]>;
    expect(recent).toEqual({ ok: true, value: [modelFile] });

    // Requests from any other page are refused.
    const foreign = (await fake.handles.get(INVOKE.readPath)!({ sender: win.webContents, senderFrame: { url: 'https://example.com/' } }, modelFile)) as IpcResult<FilePayload>;
    expect(foreign.ok).toBe(false);
    const bad = (await fake.handles.get(INVOKE.readPath)!(event, modelPath(byFile('nbnitin__CoreML/ObjectDetector.mlmodel')))) as IpcResult<FilePayload>;
    expect(bad.ok ? '' : bad.error.message).toMatch(/ObjectDetector\.mlmodel: macOS alias file, not a model$/);

    // Save only where the person opened or chose.
    const copy = join(tempDir(), 'iris.mlmodel');
    copyFileSync(modelFile, copy);
    const bytes = new Uint8Array(readFileSync(modelFile));
    const refused = (await fake.handles.get(INVOKE.save)!(event, copy, { kind: 'file', bytes })) as IpcResult<void>;
    expect(refused.ok ? '' : refused.error.message).toContain('was not opened or chosen in a save dialog');
    expect(fake.messageBoxes).toEqual([]);
    expect(((await fake.handles.get(INVOKE.readPath)!(event, copy)) as IpcResult<FilePayload>).ok).toBe(true);

    // The page named that path to read it; that grants no writing: a Save there asks first, and
    // Cancel leaves the file as it was.
    writeFileSync(copy, 'the file as the person left it');
    fake.messageBoxAnswers.push(1);
    const declined = (await fake.handles.get(INVOKE.save)!(event, copy, { kind: 'file', bytes })) as IpcResult<void>;
    expect(declined.ok ? '' : declined.error.message).toBe(`${copy} was not saved: replacing the model you opened was not confirmed; use File > Save As… to save a copy elsewhere`);
    expect(fake.messageBoxes).toEqual(['Replace iris.mlmodel with the edited model?']);
    expect(readFileSync(copy, 'utf8')).toBe('the file as the person left it');
    fake.messageBoxes.length = 0;

    // Unsaved changes: the title says so, closing asks, Save saves, and the window closes once clean.
    fake.listeners.get(NOTIFY.documentState)!(event, { title: 'iris.mlmodel', dirty: true });
    expect(win.title).toBe('● iris.mlmodel — ML Surgeon');
    fake.messageBoxAnswers.push(0);
    win.close();
    expect(win.destroyed).toBe(false);
    await vi.waitFor(() => expect(win.webContents.sent.at(-1)).toEqual([PUSH.menuCommand, 'save']));
    expect(fake.messageBoxes).toEqual(['Do you want to save the changes you made to iris.mlmodel?']);
    // Replace confirmed: the save goes ahead, and the path stays writable for the session.
    fake.messageBoxAnswers.push(0);
    const saved = (await fake.handles.get(INVOKE.save)!(event, copy, { kind: 'file', bytes })) as IpcResult<void>;
    expect(saved).toEqual({ ok: true, value: undefined });
    expect(fake.messageBoxes).toEqual(['Do you want to save the changes you made to iris.mlmodel?', 'Replace iris.mlmodel with the edited model?']);
    expect(sameBytes(readFileSync(copy), bytes)).toBe(true);
    expect(win.destroyed).toBe(false);
    fake.listeners.get(NOTIFY.documentState)!(event, { title: 'iris.mlmodel', dirty: false });
    expect(win.destroyed).toBe(true);
    expect(fake.windows).toHaveLength(0);
  });
});
