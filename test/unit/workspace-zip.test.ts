// The browser's .zip of a package (renderer/src/host/zip.ts) read back by an independent reader
// written here from APPNOTE's layout, with CRCs checked against Node's zlib: every file and folder
// under the package's root, byte for byte; and the package folder writer through an in-memory
// directory handle: the old package replaced only after the new one is complete.
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { PackageContents } from '../../shared/format/mlpackage';
import { writePackageFolder, type DirectoryHandle } from '../../renderer/src/host/packageFolder';
import { crc32, zipPackage } from '../../renderer/src/host/zip';

function readZip(zip: Uint8Array): Map<string, Uint8Array> {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = zip.length - 22;
  expect(v.getUint32(eocd, true)).toBe(0x06054b50);
  const count = v.getUint16(eocd + 10, true);
  let at = v.getUint32(eocd + 16, true);
  const out = new Map<string, Uint8Array>();
  const dec = new TextDecoder();
  for (let i = 0; i < count; i++) {
    expect(v.getUint32(at, true)).toBe(0x02014b50);
    const crc = v.getUint32(at + 16, true), size = v.getUint32(at + 20, true), nameLen = v.getUint16(at + 28, true);
    const local = v.getUint32(at + 42, true);
    const name = dec.decode(zip.subarray(at + 46, at + 46 + nameLen));
    expect(v.getUint32(local, true)).toBe(0x04034b50);
    expect(v.getUint16(local + 8, true)).toBe(0); // stored
    const localNameLen = v.getUint16(local + 26, true), extra = v.getUint16(local + 28, true);
    const data = zip.subarray(local + 30 + localNameLen + extra, local + 30 + localNameLen + extra + size);
    expect(zlibCrc32(data) >>> 0).toBe(crc);
    out.set(name, data);
    at += 46 + nameLen + v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
  }
  return out;
}

const pkg: PackageContents = {
  files: new Map([
    ['Manifest.json', new TextEncoder().encode('{"fileFormatVersion":"1.0.0"}')],
    ['Data/com.apple.CoreML/model.mlmodel', Uint8Array.from([8, 6, 18, 0])],
    ['Data/com.apple.CoreML/weights/weight.bin', Uint8Array.from({ length: 70000 }, (_, i) => (i * 31) & 0xff)],
  ]),
  directories: ['Data', 'Data/com.apple.CoreML', 'Data/com.apple.CoreML/weights', 'Data/empty'],
};

describe('package as a stored zip', () => {
  it('CRC-32 matches zlib', () => {
    for (const d of [new Uint8Array(0), new TextEncoder().encode('123456789'), pkg.files.get('Data/com.apple.CoreML/weights/weight.bin')!]) {
      expect(crc32(d)).toBe(zlibCrc32(d) >>> 0);
    }
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926); // the standard check value
  });

  it('holds every file byte for byte and every folder, under the package name', () => {
    const entries = readZip(zipPackage('Model.mlpackage', pkg));
    expect([...entries.keys()].filter((k) => k.endsWith('/')).sort()).toEqual(
      ['Model.mlpackage/', 'Model.mlpackage/Data/', 'Model.mlpackage/Data/com.apple.CoreML/', 'Model.mlpackage/Data/com.apple.CoreML/weights/', 'Model.mlpackage/Data/empty/'],
    );
    for (const [p, data] of pkg.files) expect(Buffer.from(entries.get(`Model.mlpackage/${p}`)!).equals(Buffer.from(data))).toBe(true);
    // The same package gives the same bytes (no timestamps).
    expect(Buffer.from(zipPackage('Model.mlpackage', pkg)).equals(Buffer.from(zipPackage('Model.mlpackage', pkg)))).toBe(true);
  });
});

type MemDir = DirectoryHandle & { entries: Map<string, MemDir | { data: Uint8Array }> };
function memDir(name: string, failOn?: string): MemDir {
  const entries = new Map<string, MemDir | { data: Uint8Array }>();
  const d: MemDir = {
    name, entries,
    async getDirectoryHandle(n, o) {
      const e = entries.get(n);
      if (e && 'entries' in e) return e;
      if (e || !o?.create) throw new Error(`${n}: not found`);
      const c = memDir(n, failOn); entries.set(n, c); return c;
    },
    async getFileHandle(n) {
      if (n === failOn) throw new Error(`${n}: disk full`);
      const f: { data: Uint8Array } = { data: new Uint8Array(0) };
      entries.set(n, f);
      return { async createWritable() { return { async write(x: Uint8Array | Blob) { f.data = x as Uint8Array; }, async close() { /* nothing buffered */ } }; } };
    },
    async removeEntry(n) { if (!entries.delete(n)) throw new Error(`${n}: not found`); },
  };
  return d;
}

describe('package folder through the File System Access API', () => {
  it('writes the package; replacing asks, and a failed write leaves the old package as it was', async () => {
    const parent = memDir('Models');
    expect(await writePackageFolder(parent, 'M.mlpackage', pkg, () => { throw new Error('not asked for a new folder'); })).toBe(true);
    const m = parent.entries.get('M.mlpackage') as MemDir;
    const weights = ((m.entries.get('Data') as MemDir).entries.get('com.apple.CoreML') as MemDir).entries.get('weights') as MemDir;
    expect((weights.entries.get('weight.bin') as { data: Uint8Array }).data).toBe(pkg.files.get('Data/com.apple.CoreML/weights/weight.bin'));
    expect([...parent.entries.keys()]).toEqual(['M.mlpackage']);
    expect(await writePackageFolder(parent, 'M.mlpackage', pkg, () => false)).toBe(false);

    const failing = memDir('Models', 'weight.bin');
    failing.entries.set('M.mlpackage', m);
    await expect(writePackageFolder(failing, 'M.mlpackage', pkg, () => true)).rejects.toThrow('disk full');
    expect(failing.entries.get('M.mlpackage')).toBe(m);
    expect([...failing.entries.keys()]).toEqual(['M.mlpackage']);
  });
});
