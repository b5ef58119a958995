// A .zip of a package folder, for browsers without the File System Access API: every file stored
// as is (method 0, no compression: weight files hardly compress, and unzip tools, Finder and
// Python's zipfile all read stored entries). APPNOTE.TXT (PKWARE's .ZIP File Format
// Specification) 4.3: local file header + data per entry, then the central directory, then the
// end of central directory record. No ZIP64, so the whole archive must stay under 4 GiB and
// 65535 entries; larger packages are refused rather than written wrong.
import type { PackageContents } from '../../../shared/format';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 as zip uses it (ISO 3309, reflected, polynomial 0xEDB88320). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export class ZipTooLargeError extends Error {}

/** MS-DOS date and time (APPNOTE 4.4.6): 1980-01-01 00:00, so the same package gives the same bytes. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

interface Entry { readonly name: Uint8Array; readonly data: Uint8Array; readonly crc: number; readonly offset: number; readonly directory: boolean }

/**
 * The files and folders of a package under one root folder (`root`/Manifest.json, …), as a stored
 * zip. Folders get entries of their own (name ending in "/") so empty ones survive.
 */
export function zipPackage(root: string, contents: PackageContents): Uint8Array {
  const enc = new TextEncoder();
  const items: { path: string; data: Uint8Array; directory: boolean }[] = [{ path: `${root}/`, data: new Uint8Array(0), directory: true }];
  for (const d of [...contents.directories].sort()) items.push({ path: `${root}/${d}/`, data: new Uint8Array(0), directory: true });
  for (const [p, data] of [...contents.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) items.push({ path: `${root}/${p}`, data, directory: false });
  if (items.length > 0xffff) throw new ZipTooLargeError(`${items.length} entries; a zip without ZIP64 holds at most 65535`);
  let size = 22;
  for (const it of items) size += 30 + 46 + 2 * enc.encode(it.path).length + it.data.length;
  if (size > 0xffffffff) throw new ZipTooLargeError('the package is 4 GiB or more; a zip without ZIP64 cannot hold it');
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  const entries: Entry[] = [];
  for (const it of items) {
    const name = enc.encode(it.path);
    const crc = crc32(it.data);
    entries.push({ name, data: it.data, crc, offset: at, directory: it.directory });
    view.setUint32(at, 0x04034b50, true); // local file header signature
    view.setUint16(at + 4, 10, true); // version needed: 1.0
    view.setUint16(at + 6, 0x0800, true); // bit 11: names are UTF-8
    view.setUint16(at + 8, 0, true); // stored
    view.setUint16(at + 10, DOS_TIME, true);
    view.setUint16(at + 12, DOS_DATE, true);
    view.setUint32(at + 14, crc, true);
    view.setUint32(at + 18, it.data.length, true);
    view.setUint32(at + 22, it.data.length, true);
    view.setUint16(at + 26, name.length, true);
    view.setUint16(at + 28, 0, true);
    out.set(name, at + 30);
    out.set(it.data, at + 30 + name.length);
    at += 30 + name.length + it.data.length;
  }
  const cdStart = at;
  for (const e of entries) {
    view.setUint32(at, 0x02014b50, true); // central directory header signature
    view.setUint16(at + 4, (3 << 8) | 20, true); // made by: Unix, 2.0 (so the mode bits below count)
    view.setUint16(at + 6, 10, true);
    view.setUint16(at + 8, 0x0800, true);
    view.setUint16(at + 10, 0, true);
    view.setUint16(at + 12, DOS_TIME, true);
    view.setUint16(at + 14, DOS_DATE, true);
    view.setUint32(at + 16, e.crc, true);
    view.setUint32(at + 20, e.data.length, true);
    view.setUint32(at + 24, e.data.length, true);
    view.setUint16(at + 28, e.name.length, true);
    view.setUint16(at + 30, 0, true); // extra
    view.setUint16(at + 32, 0, true); // comment
    view.setUint16(at + 34, 0, true); // disk
    view.setUint16(at + 36, 0, true); // internal attributes
    // External attributes: Unix mode in the high 16 bits (drwxr-xr-x / -rw-r--r--), MS-DOS directory bit.
    view.setUint32(at + 38, e.directory ? ((0o40755 << 16) | 0x10) >>> 0 : (0o100644 << 16) >>> 0, true);
    view.setUint32(at + 42, e.offset, true);
    out.set(e.name, at + 46);
    at += 46 + e.name.length;
  }
  const cdSize = at - cdStart;
  view.setUint32(at, 0x06054b50, true); // end of central directory signature
  view.setUint16(at + 4, 0, true);
  view.setUint16(at + 6, 0, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, cdSize, true);
  view.setUint32(at + 16, cdStart, true);
  view.setUint16(at + 20, 0, true);
  return out;
}
