// The SSDLite clean-up of ../shared/seeds/mobilenetv2-ssdlite-coreml.txt ("Cleaning it up"), done
// with `mlsurgeon edit` instead of a Python session: rename input and outputs with descriptions,
// fill in the scores shape, drop the trailing 1 of boxes, convert to fp16, save.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type Io } from '../../cli/main';
import { decodeModel, encodeModel, MODEL_TYPE } from '../../shared/format/model';
import { weightBytes } from '../../shared/surgery/weights';
import { buildSsdliteLikeModel } from '../support/ssdlite-fixture';
import { walkMessages } from '../../shared/format/walk';
import { validateModel } from '../../shared/validate';

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mlsurgeon-ssd-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

async function cli(args: string[]) {
  let out = '', err = '';
  const io: Io = { out: (t) => { out += `${t}\n`; }, err: (t) => { err += `${t}\n`; } };
  return { code: await main(args, io), out, err };
}

describe('SSDLite clean-up from the command line', () => {
  it('renames, fixes shapes, converts to fp16 and saves a valid model', async () => {
    const input = join(dir, 'MobileNetV2_SSDLite.mlmodel');
    const output = join(dir, 'MobileNetV2_SSDLite_clean.mlmodel');
    const original = encodeModel(buildSsdliteLikeModel());
    await writeFile(input, original);
    const r = await cli(['edit', input, '-o', output,
      '--rename-input', 'Preprocessor__sub__0=image', '--describe', 'image=Input image',
      '--rename-output', 'Postprocessor__convert_scores__0=scores', '--describe', 'scores=Predicted class scores for each bounding box',
      '--rename-output', 'concat__0=boxes', '--describe', 'boxes=Predicted coordinates for each bounding box',
      '--set-shape', 'scores=91,1917', '--set-shape', 'boxes=4,1917', '--fp16']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Rename input Preprocessor__sub__0 → image');

    const spec = decodeModel(new Uint8Array(await readFile(output)));
    expect(validateModel(spec).filter((x) => x.severity === 'error')).toEqual([]);
    const v = await cli(['validate', output]);
    expect(v.code).toBe(0);
    expect(v.out).toContain(': 0 errors');
    const d = spec.description!;
    expect(d.input!.map((f) => [f.name, f.shortDescription])).toEqual([['image', 'Input image']]);
    expect(d.output!.map((f) => [f.name, f.shortDescription, f.type?.multiArrayType?.shape])).toEqual([
      ['scores', 'Predicted class scores for each bounding box', [91, 1917]],
      ['boxes', 'Predicted coordinates for each bounding box', [4, 1917]],
    ]);
    const nn = spec.neuralNetwork!;
    expect(nn.preprocessing![0].featureName).toBe('image');
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers as any
    expect(nn.preprocessing![0].scaler).toEqual({ channelScale: expect.closeTo(0.007843, 6), redBias: -1, greenBias: -1, blueBias: -1 });
    expect(nn.layers![0].input).toEqual(['image']);
    expect(nn.layers!.find((l) => l.name === 'Postprocessor/convert_scores')!.output).toEqual(['scores']);
    expect(nn.layers!.find((l) => l.name === 'concat')!.output).toEqual(['boxes']);
    // No reference to an old name is left anywhere in the file.
    const text = new TextDecoder('latin1').decode(await readFile(output));
    for (const old of ['Preprocessor__sub__0', 'Postprocessor__convert_scores__0', 'concat__0']) expect(text).not.toContain(old);
    // fp16: every weight is half precision, half the bytes; the spec version rose to 2 for it.
    const before = weightBytes(decodeModel(original)), after = weightBytes(spec);
    expect(before.byKind).toEqual({ float32: before.total });
    expect(after.byKind).toEqual({ float16: before.total / 2 });
    expect(spec.specificationVersion).toBe(2);
    expect([...walkMessages(MODEL_TYPE, spec)].filter((v) => v.typeName === 'CoreML.Specification.WeightParams' && v.message.floatValue)).toHaveLength(0);
  });

  it('refuses edits that would leave the model invalid, and says which rule breaks', async () => {
    const input = join(dir, 'in2.mlmodel');
    await writeFile(input, encodeModel(buildSsdliteLikeModel()));
    // Accepted: the shape is valid, and the model needs no more than version 1.
    const r = await cli(['edit', input, '-o', join(dir, 'never2.mlmodel'), '--set-shape', 'concat__0=4,1917,1', '--spec-version', '1']);
    expect(r.code).toBe(0);
    const bad = await cli(['edit', input, '-o', join(dir, 'never3.mlmodel'), '--optional', 'concat__0=true']);
    expect(bad.code).toBe(1);
    // Core ML has no optional outputs.
    expect(bad.err).toMatch(/^error \S+ description\.output\[1\]/m);
    expect(bad.err).toMatch(/refused: Set output concat__0 optional would introduce 1 validation error; nothing written/);
    await expect(readFile(join(dir, 'never3.mlmodel'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses to rename onto a name in use, and leaves no file behind', async () => {
    const input = join(dir, 'in.mlmodel');
    await writeFile(input, encodeModel(buildSsdliteLikeModel()));
    const r = await cli(['edit', input, '-o', join(dir, 'never.mlmodel'), '--rename-output', 'concat__0=Postprocessor__convert_scores__0']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('mlsurgeon: refused: the name "Postprocessor__convert_scores__0" is already in use in this model\n');
    await expect(readFile(join(dir, 'never.mlmodel'))).rejects.toThrow(/ENOENT/);
  });
});
