// The foundation's promise: every real model decodes with no field the schema does not know,
// saves back byte for byte, and an edit changes exactly the field it names.
import * as fsp from 'node:fs/promises';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeModel, MODEL_TYPE } from '../../shared/format/model';
import { unknownFieldsOf } from '../../shared/format/protobuf/codec';
import { walkMessages } from '../../shared/format/walk';
import { bytesEqual, describeDifferences, diffWire, nameWirePath } from '../../shared/format/wirediff';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile, readFolder, saveModelFile, serializeModel } from '../../shared/io/document';
import type { Model } from '../../shared/format/schema/types.generated';
import { isReadable, manifest, modelPath, sharedPresent } from '../support/shared-data';

const fs = nodeFileSystem(fsp);
const readable = manifest().filter(isReadable);
let tmp = '';
const tempDir = async () => (tmp ||= await mkdtemp(join(tmpdir(), 'mlsurgeon-rt-')));
afterAll(async () => { if (tmp) await rm(tmp, { recursive: true, force: true }); });

function specBytes(o: Awaited<ReturnType<typeof openModelFile>>): Uint8Array {
  return o.bytes ?? o.package!.contents.files.get(o.package!.modelPath)!;
}

describe.skipIf(!sharedPresent)('round trip of every readable model in ../shared/models', () => {
  it('has the models the manifest promises', () => {
    expect(readable.length).toBe(24);
  });

  it.each(readable.map((m) => [m.file, m] as const))('%s: decodes with no unknown fields', async (_f, m) => {
    const o = await openModelFile(fs, modelPath(m));
    const unknown = [...walkMessages(MODEL_TYPE, o.spec)].filter((v) => unknownFieldsOf(v.message).length > 0);
    expect(unknown.map((v) => v.path.join('.'))).toEqual([]);
  });

  it.each(readable.map((m) => [m.file, m] as const))('%s: every decoded message and every repeated field is frozen', async (_f, m) => {
    const o = await openModelFile(fs, modelPath(m));
    const thawed: string[] = [];
    for (const v of walkMessages(MODEL_TYPE, o.spec)) {
      if (!Object.isFrozen(v.message)) thawed.push(v.path.join('.'));
      for (const [k, x] of Object.entries(v.message)) if (Array.isArray(x) && !Object.isFrozen(x)) thawed.push(`${v.path.join('.')}.${k}`);
    }
    expect(thawed).toEqual([]);
  });

  it.each(readable.map((m) => [m.file, m] as const))('%s: a full re-encode from the decoded fields reproduces the bytes', async (_f, m) => {
    const o = await openModelFile(fs, modelPath(m));
    const original = specBytes(o);
    // Without reusing any remembered bytes: this proves the schema and codec carry every field.
    const re = encodeModel(o.spec, { reuseRawEncoding: false });
    expect(describeDifferences(MODEL_TYPE, diffWire(original, re, 20))).toEqual([]);
    expect(bytesEqual(original, re)).toBe(true);
  });

  it.each(readable.map((m) => [m.file, m] as const))('%s: resave writes identical files', async (_f, m) => {
    const o = await openModelFile(fs, modelPath(m));
    const out = join(await tempDir(), m.file.replace(/[\\/ ]/g, '_'));
    await saveModelFile(fs, out, serializeModel(o, o.spec));
    if (m.kind === 'mlmodel') {
      expect(bytesEqual(new Uint8Array(await readFile(out)), new Uint8Array(await readFile(modelPath(m))))).toBe(true);
    } else {
      const before = await readFolder(fs, modelPath(m));
      const after = await readFolder(fs, out);
      expect([...after.files.keys()]).toEqual([...before.files.keys()]);
      expect(after.directories).toEqual(before.directories);
      for (const [p, bytes] of before.files) expect(bytesEqual(after.files.get(p)!, bytes), p).toBe(true);
    }
  });

  it.each(readable.map((m) => [m.file, m] as const))('%s: renaming the first input changes exactly that one field', async (_f, m) => {
    const o = await openModelFile(fs, modelPath(m));
    const d = o.spec.description!;
    const input = d.input![0];
    const edited: Model = { ...o.spec, description: { ...d, input: [{ ...input, name: 'renamed_input' }, ...d.input!.slice(1)] } };
    const diffs = diffWire(specBytes(o), encodeModel(edited));
    expect(diffs).toHaveLength(1);
    expect(nameWirePath(MODEL_TYPE, diffs[0].path)).toBe('description.input[0].name');
    expect(diffs[0].after).toBe('"renamed_input"');
  });
});
