// ML Program weight files: the header and every blob record of real packages, checked against
// what the model's BlobFileValue offsets point at.
import * as fsp from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseWeightFile, blobData, WeightFileError } from '../../shared/format/weightfile';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile } from '../../shared/io/document';
import { walkMessages } from '../../shared/format/walk';
import { MODEL_TYPE } from '../../shared/format/model';
import { manifest, modelPath, sharedPresent } from '../support/shared-data';

const fs = nodeFileSystem(fsp);

describe.skipIf(!sharedPresent)('weight.bin', () => {
  it.each(manifest().filter((m) => m.kind === 'mlpackage').map((m) => [m.file, m] as const))('%s: every BlobFileValue points at a blob record', async (_f, m) => {
    const o = await openModelFile(fs, modelPath(m));
    const wf = o.package!.weightFiles;
    expect(wf).toHaveLength(1);
    expect(wf[0].path).toBe('Data/com.apple.CoreML/weights/weight.bin');
    const parsed = wf[0].parsed!;
    expect(parsed.version).toBe(2);
    expect(parsed.blobs).toHaveLength(parsed.count);
    const offsets = new Set(parsed.blobs.map((b) => b.metadataOffset));
    const refs = [...walkMessages(MODEL_TYPE, o.spec)].filter((v) => v.typeName === 'CoreML.Specification.MILSpec.Value.BlobFileValue');
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) expect(offsets.has(Number(r.message.offset))).toBe(true);
    const bytes = o.package!.contents.files.get(wf[0].path)!;
    for (const b of parsed.blobs) {
      expect(b.metadataOffset % 64).toBe(0);
      expect(b.dataOffset % 64).toBe(0);
      expect(blobData(bytes, b.metadataOffset).data.length).toBe(b.sizeInBytes);
    }
    const types = new Set(parsed.blobs.map((b) => b.dataTypeName));
    if (m.file.includes('yolov8n')) {
      expect(parsed.count).toBe(193);
      expect([...types].sort()).toEqual(['float16', 'uint8']);
    } else {
      expect(parsed.count).toBe(2);
      expect([...types]).toEqual(['float16']);
    }
  });
});

describe('weight.bin errors', () => {
  it('rejects a short file and a bad sentinel with the byte offset', () => {
    expect(() => parseWeightFile(new Uint8Array(10))).toThrow('weight file is 10 bytes, shorter than its 64-byte header');
    const b = new Uint8Array(192);
    new DataView(b.buffer).setUint32(0, 1, true);
    new DataView(b.buffer).setUint32(4, 2, true);
    expect(() => parseWeightFile(b)).toThrow(WeightFileError);
    expect(() => parseWeightFile(b)).toThrow('no blob record at byte 64 (sentinel 0, expected deadbeef)');
  });
});
