// Preprocessing never damages a model silently: every argument is checked with its field named,
// and every preset leaves a model that validates as cleanly as before (issue 8).
import * as fsp from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Model } from '../../shared/format/schema/types.generated';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile } from '../../shared/io/document';
import { SurgeryError } from '../../shared/surgery/errors';
import { PREPROCESSING_PRESETS, setPreprocessing, type SetPreprocessingArgs } from '../../shared/surgery/preprocessing';
import { formatDiagnostic, validateModel } from '../../shared/validate';
import { EditUsageError, parsePreprocess } from '../../cli/edit';
import { manifest, modelPath, sharedPresent } from '../support/shared-data';

const fs = nodeFileSystem(fsp);
const open = async (suffix: string) => (await openModelFile(fs, modelPath(manifest().find((m) => m.file.endsWith(suffix))!))).spec;
const refusal = (f: () => unknown) => { try { f(); } catch (e) { if (e instanceof SurgeryError) return e.reason; throw e; } return 'not refused'; };
const findings = (s: Model) => validateModel(s).map(formatDiagnostic);
const nnOf = (s: Model) => (s.neuralNetworkClassifier ?? s.neuralNetwork)!;

describe.skipIf(!sharedPresent)('setPreprocessing refuses what the scaler cannot hold, naming the field', () => {
  it('an unknown preset is refused and the scaler keeps its biases (SqueezeNetFP16)', async () => {
    const spec = await open('SqueezeNetFP16.mlmodel');
    const before = nnOf(spec).preprocessing![0].scaler;
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers as any
    expect(before).toMatchObject({ blueBias: expect.any(Number) });
    expect(refusal(() => setPreprocessing(spec, { input: 'image', preset: 'foo' as never }))).toBe('preset: "foo" is not a preprocessing preset; use zeroToOne, minusOneToOne, caffe, imagenet');
    expect(nnOf(spec).preprocessing![0].scaler).toBe(before);
  });

  it('each other argument is checked', async () => {
    const spec = await open('SqueezeNetFP16.mlmodel');
    const gray = await open('MNISTClassifier.mlmodel');
    const grayInput = gray.description!.input![0].name!;
    const cases: [Model, SetPreprocessingArgs, string | RegExp][] = [
      [spec, { input: 'image', scale: 0 }, /^scale: must be a finite number other than 0/],
      [spec, { input: 'image', scale: Number.NaN }, /^scale: must be a finite number/],
      [spec, { input: 'image', bias: [1, 2] }, 'bias: "image" has colour: give three biases in red, green, blue order (got 2)'],
      [spec, { input: 'image', bias: [1, Number.POSITIVE_INFINITY, 3] }, /^bias: every value must be a finite number/],
      [spec, { input: 'image', std: [0.2, 0.2] }, /^std: "image" has colour: give three standard deviations/],
      [spec, { input: 'image', std: [0.2, 0, 0.2] }, /^std: every value must be positive/],
      [spec, { input: 'image', colorSpace: 'XYZ' as never }, 'colorSpace: "XYZ" is not a channel order; use RGB or BGR'],
      [spec, { input: 'image', meanImage: new Float32Array(3) }, /^meanImage: "image" \(3 × 227 × 227\) needs 154587 values, got 3/],
      [spec, { input: 'image', meanImage: new Float32Array(3 * 227 * 227), scale: 2 }, /^meanImage: a mean image replaces the scaler/],
      [spec, { input: 'image', remove: true, scale: 2 }, 'remove: cannot be combined with scale'],
      [spec, { input: 'nope' }, /^input: "nope" is not an input/],
      [spec, { input: 'image', gamma: 2 } as never, /^gamma: not a preprocessing setting/],
      [gray, { input: grayInput, bias: [0, 0, 0] }, `bias: "${grayInput}" is grayscale: give one bias (got 3)`],
      [gray, { input: grayInput, preset: 'imagenet' }, `preset: imagenet is for colour images; "${grayInput}" is grayscale`],
      [gray, { input: grayInput, preset: 'caffe' }, /^preset caffe: ".*" is grayscale and has no channel order/],
      [gray, { input: grayInput, colorSpace: 'BGR' }, /^colorSpace: ".*" is grayscale/],
    ];
    for (const [model, args, reason] of cases) {
      const got = refusal(() => setPreprocessing(model, args));
      if (typeof reason === 'string') expect(got, JSON.stringify(args)).toBe(reason);
      else expect(got, JSON.stringify(args)).toMatch(reason);
    }
  });

  it('the command line refuses an unknown preset or colour while parsing', () => {
    expect(() => parsePreprocess('image:preset=foo')).toThrow(EditUsageError);
    expect(() => parsePreprocess('image:preset=foo')).toThrow('--preprocess preset: "foo" is not a preset; use zeroToOne, minusOneToOne, caffe, imagenet');
    expect(() => parsePreprocess('image:color=XYZ')).toThrow('--preprocess color: "XYZ" is not a channel order; use RGB or BGR');
    expect(() => parsePreprocess('image:scale=1,2')).toThrow('--preprocess scale: give one number (got "1,2")');
    expect(parsePreprocess('image:color=bgr,preset=caffe')).toEqual({ input: 'image', colorSpace: 'BGR', preset: 'caffe' });
  });
});

describe.skipIf(!sharedPresent)('every preset validates as cleanly as the model it started from', () => {
  const models = [['SqueezeNetFP16.mlmodel', 'image'], ['model_cpm.mlmodel', 'image__0'], ['NeuralMcNeuralNet.mlmodel', 'image']] as const;
  for (const [file, input] of models) {
    it.each(PREPROCESSING_PRESETS.map((p) => [p]))(`${file} %s`, async (preset) => {
      const spec = await open(file);
      const out = setPreprocessing(spec, { input, preset });
      expect(findings(out)).toEqual(findings(spec));
      const pre = nnOf(out).preprocessing!.filter((p) => p.featureName === input);
      expect(pre).toHaveLength(1);
      const std = nnOf(out).layers!.filter((l) => l.name?.startsWith(`${input}_std`));
      expect(std.map((l) => [...l.scale!.shapeScale!])).toEqual(preset === 'imagenet' ? [[3]] : []);
    });
  }

  it('grayscale presets give one bias (MNISTClassifier)', async () => {
    const spec = await open('MNISTClassifier.mlmodel');
    const input = spec.description!.input![0].name!;
    for (const preset of ['zeroToOne', 'minusOneToOne'] as const) {
      const out = setPreprocessing(spec, { input, preset });
      expect(nnOf(out).preprocessing!.at(-1)!.scaler).toEqual({ channelScale: preset === 'zeroToOne' ? 1 / 255 : 2 / 255, grayBias: preset === 'zeroToOne' ? 0 : -1 });
      expect(findings(out)).toEqual(findings(spec));
    }
  });

  it('applying imagenet twice keeps one std layer; another preset removes it', async () => {
    const spec = await open('SqueezeNetFP16.mlmodel');
    const once = setPreprocessing(spec, { input: 'image', preset: 'imagenet' });
    const twice = setPreprocessing(once, { input: 'image', preset: 'imagenet' });
    expect(nnOf(twice).layers!.length).toBe(nnOf(spec).layers!.length + 1);
    expect(nnOf(twice).layers!.filter((l) => l.name?.startsWith('image_std')).map((l) => l.name)).toEqual(['image_std']);
    const back = setPreprocessing(twice, { input: 'image', preset: 'zeroToOne' });
    expect(nnOf(back).layers!.map((l) => l.name)).toEqual(nnOf(spec).layers!.map((l) => l.name));
    expect(nnOf(back).layers![0].input).toEqual(['image']);
    const removed = setPreprocessing(once, { input: 'image', remove: true });
    expect(nnOf(removed).preprocessing).toEqual([]);
    expect(nnOf(removed).layers!.length).toBe(nnOf(spec).layers!.length);
  });
});
