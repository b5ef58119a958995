// A document decoded in a worker and posted to the window must save as losslessly as one decoded
// in the window: structured cloning drops the codec's remembered bytes, the raw table restores them.
import * as fsp from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { encodeModel, MODEL_TYPE } from '../../shared/format/model';
import { rawEncodingOf } from '../../shared/format/protobuf/codec';
import { walkMessages } from '../../shared/format/walk';
import { bytesEqual, diffWire, nameWirePath } from '../../shared/format/wirediff';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { fromTransferable, openModelContents, readFolder, serializeModel, toTransferable } from '../../shared/io/document';
import { renameFeature } from '../../shared/surgery/rename';
import { isReadable, manifest, modelPath, sharedPresent } from '../support/shared-data';

const fs = nodeFileSystem(fsp);

describe.skipIf(!sharedPresent)('posting a decoded document to another thread', () => {
  it.each(manifest().filter(isReadable).map((m) => [m.file, m] as const))('%s', async (_f, m) => {
    const input = m.kind === 'mlmodel' ? new Uint8Array(await fsp.readFile(modelPath(m))) : await readFolder(fs, modelPath(m));
    // The worker decodes its copy of the bytes; the window keeps its own copy of the same bytes.
    const workerCopy = structuredClone(input);
    const opened = openModelContents(m.file, workerCopy);
    const posted = structuredClone(toTransferable(opened, workerCopy));
    // The clone has lost what the codec remembered…
    expect(rawEncodingOf(posted.spec)).toBeUndefined();
    const adopted = fromTransferable(posted, input);
    // …and has it back, for every message, and is frozen again.
    for (const v of walkMessages(MODEL_TYPE, adopted.spec)) expect(rawEncodingOf(v.message)).toBeDefined();
    expect(Object.isFrozen(adopted.spec)).toBe(true);
    const original = opened.bytes ?? opened.package!.contents.files.get(opened.package!.modelPath)!;
    const saved = serializeModel(adopted, adopted.spec);
    expect(bytesEqual(saved instanceof Uint8Array ? saved : saved.files.get(adopted.package!.modelPath)!, original)).toBe(true);
    const first = adopted.spec.description!.input![0].name!;
    const diffs = diffWire(original, encodeModel(renameFeature(adopted.spec, { from: first, to: 'x_renamed' })));
    expect(diffs.length).toBeGreaterThan(0);
    expect(diffs.map((d) => nameWirePath(MODEL_TYPE, d.path))).toContain('description.input[0].name');
    expect(diffs.every((d) => d.kind === 'changed')).toBe(true);
  });
});
