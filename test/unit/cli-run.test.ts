// `mlsurgeon run` and `mlsurgeon compare` as a user runs them: child processes through the bin
// launcher, on small models built here and on real models from ../shared/models.
import { spawn } from 'node:child_process';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../shared/format/model';
import type { Model } from '../../shared/format/schema/types.generated';
import { decodeNpy, encodeNpy } from '../../shared/executor/npy';
import { decodePng, encodePng } from '../../cli/png';
import { manifest, modelPath, repoRoot, sharedPresent } from '../support/shared-data';
import { CLI_BIN, mlsurgeon } from '../support/cli';

const FLOAT32 = 65568, DOUBLE = 65600;
/** What `run` writes for a classifier: out/<label feature>.json. */
type ClassifierJson = { label: string; probabilities: Record<string, number> };
let dir = '';
const path = (name: string) => join(dir, name);
const saveModel = async (name: string, m: Model) => { await writeFile(path(name), encodeModel(m)); return path(name); };
const npy = async (file: string) => decodeNpy(new Uint8Array(await readFile(file)));

// y = relu(2x + 1) over a 3-vector, through a named intermediate blob h.
const network: Model = {
  specificationVersion: 4,
  description: {
    input: [{ name: 'x', type: { multiArrayType: { shape: [3], dataType: FLOAT32 } } }],
    output: [{ name: 'y', type: { multiArrayType: { shape: [3], dataType: FLOAT32 } } }],
  },
  neuralNetwork: { layers: [
    { name: 'affine', input: ['x'], output: ['h'], activation: { linear: { alpha: 2, beta: 1 } } },
    { name: 'relu', input: ['h'], output: ['y'], activation: { ReLU: {} } },
  ] },
};

// A binary GLM classifier: P(yes) = sigmoid(x0 - x1).
const classifier = (w = 1): Model => ({
  specificationVersion: 1,
  description: {
    input: [{ name: 'x', type: { multiArrayType: { shape: [2], dataType: DOUBLE } } }],
    output: [{ name: 'label', type: { stringType: {} } }, { name: 'probs', type: { dictionaryType: { stringKeyType: {} } } }],
    predictedFeatureName: 'label', predictedProbabilitiesName: 'probs',
  },
  glmClassifier: { weights: [{ value: Float64Array.of(w, -1) }], offset: Float64Array.of(0), classEncoding: 1, stringClassLabels: { vector: ['no', 'yes'] } },
});

// An image passed straight through: output = the input's [3, H, W] planes (RGB, no preprocessing).
const imageModel = (w: number, h: number): Model => ({
  specificationVersion: 4,
  description: {
    input: [{ name: 'image', type: { imageType: { width: w, height: h, colorSpace: 20 } } }],
    output: [{ name: 'planes', type: { multiArrayType: { shape: [3, h, w], dataType: FLOAT32 } } }],
  },
  neuralNetwork: { layers: [{ name: 'copy', input: ['image'], output: ['planes'], activation: { linear: { alpha: 1, beta: 0 } } }] },
});

beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mlsurgeon-run-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('mlsurgeon run on models built here', () => {
  it('writes each output as float32 .npy from .npy inputs, blobs on request, and a profile table', async () => {
    const model = await saveModel('net.mlmodel', network);
    await writeFile(path('x.npy'), encodeNpy({ shape: [3], data: Float32Array.of(-2, 0, 1.5) }));
    const r = await mlsurgeon('run', model, '--input', `x=${path('x.npy')}`, '--out', path('out1'), '--blobs', 'h', '--profile');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const y = await npy(path('out1/y.npy'));
    expect(y.dtype).toBe('<f4');
    expect(y.shape.reduce((a, b) => a * b, 1)).toBe(3);
    expect(Array.from(y.data)).toEqual([0, 1, 4]); // relu(2x + 1)
    expect(Array.from((await npy(path('out1/h.npy'))).data)).toEqual([-3, 1, 4]);
    expect(r.stdout).toMatch(/^affine\s+activation\s+\d+\.\d{3}\s+\d+\.\d$/m);
    expect(r.stdout).toMatch(/^relu\s+activation\s/m);
    expect(r.stdout).toMatch(/^total\s+\d+\.\d{3}\s+100\.0$/m);
  });

  it('--random fills inputs in [-1, 1] reproducibly: the same seed writes the same bytes', async () => {
    const model = await saveModel('net2.mlmodel', network);
    for (const [out, seed] of [['r1', '5'], ['r2', '5'], ['r3', '6']]) {
      expect((await mlsurgeon('run', model, '--random', seed, '--out', path(out), '--blobs', 'all')).code).toBe(0);
    }
    expect(Buffer.compare(await readFile(path('r1/y.npy')), await readFile(path('r2/y.npy')))).toBe(0);
    expect(Buffer.compare(await readFile(path('r1/y.npy')), await readFile(path('r3/y.npy')))).not.toBe(0);
    const h = Array.from((await npy(path('r1/h.npy'))).data); // h = 2x + 1 with x in [-1, 1]
    expect(h.every((v) => v >= -1 && v <= 3)).toBe(true);
    expect(new Set(h).size).toBe(3);
    expect((await readdir(path('r1'))).sort()).toEqual(['h.npy', 'x.npy', 'y.npy']); // every blob, the input included
  });

  it('a classifier writes its label and probabilities as JSON beside the .npy', async () => {
    const model = await saveModel('glm.mlmodel', classifier());
    await writeFile(path('xy.npy'), encodeNpy({ shape: [2], data: Float32Array.of(0.5, -1) }));
    const r = await mlsurgeon('run', model, '--input', `x=${path('xy.npy')}`, '--out', path('cls'), '--profile');
    expect(r.code).toBe(0);
    const json = JSON.parse(await readFile(path('cls/label.json'), 'utf8')) as ClassifierJson;
    expect(json.label).toBe('yes');
    expect(json.probabilities.yes).toBeCloseTo(1 / (1 + Math.exp(-1.5)), 7);
    expect(Array.from((await npy(path('cls/probs.npy'))).data)).toEqual([1 - 1 / (1 + Math.exp(-1.5)), 1 / (1 + Math.exp(-1.5))].map(Math.fround));
    expect(r.stdout).toMatch(/^\(whole model\)\s+glmClassifier\s/m);
  });

  it('--image decodes a PNG (resizing to the input size) into the model\'s RGB planes', async () => {
    const pixels = Uint8Array.from({ length: 4 * 2 * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256));
    await writeFile(path('img.png'), encodePng({ width: 4, height: 2, pixels }));
    const same = await mlsurgeon('run', await saveModel('img.mlmodel', imageModel(4, 2)), '--image', `image=${path('img.png')}`, '--out', path('img'));
    expect(same.code).toBe(0);
    const planes = await npy(path('img/planes.npy'));
    const expected = [0, 1, 2].flatMap((c) => Array.from({ length: 8 }, (_, p) => pixels[p * 4 + c]));
    expect(Array.from(planes.data)).toEqual(expected);
    // A 2×1 model samples the 4×2 image: each output pixel is the mean of a 2×2 block.
    const half = await mlsurgeon('run', await saveModel('img2.mlmodel', imageModel(2, 1)), '--image', `image=${path('img.png')}`, '--out', path('img2'));
    expect(half.code).toBe(0);
    const block = (c: number, bx: number) => Math.round([0, 1].flatMap((y) => [0, 1].map((x) => pixels[(y * 4 + bx * 2 + x) * 4 + c])).reduce((a, b) => a + b) / 4);
    expect(Array.from((await npy(path('img2/planes.npy'))).data)).toEqual([0, 1, 2].flatMap((c) => [block(c, 0), block(c, 1)]));
  });

  it('refuses in one line: usage (2), a missing input (2), a bad .npy (1), a JPEG (1), an unreadable model (3)', async () => {
    const model = await saveModel('net3.mlmodel', network);
    const noOut = await mlsurgeon('run', model, '--random', '1');
    expect(noOut.code).toBe(2);
    expect(noOut.stderr.split('\n')[0]).toBe('--out DIR is required');
    const missing = await mlsurgeon('run', model, '--out', path('m'));
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe('input x is not given: use --input x=FILE.npy or --random SEED');
    await writeFile(path('bad.npy'), 'not numpy');
    const bad = await mlsurgeon('run', model, '--input', `x=${path('bad.npy')}`, '--out', path('m'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`mlsurgeon run: ${path('bad.npy')}: not a .npy file (no \\x93NUMPY magic)\n`);
    await writeFile(path('photo.jpg'), Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 0x10));
    const jpeg = await mlsurgeon('run', await saveModel('img3.mlmodel', imageModel(4, 2)), '--image', `image=${path('photo.jpg')}`, '--out', path('m'));
    expect(jpeg.code).toBe(1);
    expect(jpeg.stderr).toMatch(/^mlsurgeon run: .*photo\.jpg: JPEG images are not supported by the command line .*; convert it to PNG\n$/);
    await writeFile(path('empty.mlmodel'), new Uint8Array(0));
    const unreadable = await mlsurgeon('run', path('empty.mlmodel'), '--random', '1', '--out', path('m'));
    expect(unreadable.code).toBe(3);
    expect(unreadable.stderr).toBe(`mlsurgeon: ${path('empty.mlmodel')}: empty file\n`);
    const unknown = await mlsurgeon('run', model, '--input', `z=${path('bad.npy')}`, '--out', path('m'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe('the model has no input named z (inputs: x)');
  });
});

// y = relu(x) after a loop that rewrites h = x a trillion times: the run never ends by itself.
const endless: Model = {
  specificationVersion: 4,
  description: {
    input: [{ name: 'x', type: { multiArrayType: { shape: [1000], dataType: FLOAT32 } } }],
    output: [{ name: 'y', type: { multiArrayType: { shape: [1000], dataType: FLOAT32 } } }],
  },
  neuralNetwork: { layers: [
    { name: 'first', input: ['x'], output: ['h'], activation: { linear: { alpha: 1, beta: 0 } } },
    { name: 'spin', loop: { maxLoopIterations: 1e12, bodyNetwork: { layers: [
      { name: 'step', input: ['h'], output: ['h'], activation: { linear: { alpha: 1, beta: 0 } } },
    ] } } },
    { name: 'last', input: ['h'], output: ['y'], activation: { ReLU: {} } },
  ] },
};

describe('mlsurgeon run in a worker thread: progress and Ctrl-C', () => {
  it('--progress reports layers on stderr; without it (stderr not a terminal) stderr stays empty and the outputs are the same', async () => {
    const model = await saveModel('net3.mlmodel', network);
    const r = await mlsurgeon('run', model, '--random', '3', '--out', path('p1'), '--progress');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^running .*net3\.mlmodel: layer 2\/2 \(100%\)$/m);
    expect(r.stdout).toMatch(/^y: \[3\] → /m);
    const quiet = await mlsurgeon('run', model, '--random', '3', '--out', path('p2'));
    expect(quiet.stderr).toBe('');
    expect(Buffer.compare(await readFile(path('p1/y.npy')), await readFile(path('p2/y.npy')))).toBe(0);
  });

  it('SIGINT in the middle of a layer stops the run at once: exit 130, one line, no output folder', async () => {
    const model = await saveModel('endless.mlmodel', endless);
    const child = spawn(process.execPath, [CLI_BIN, 'run', model, '--random', '1', '--out', path('never'), '--progress'], { cwd: repoRoot });
    let stderr = '';
    let interrupted = false;
    try {
      const code = await new Promise<number | null>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          // The first layer is done and the loop is running in the worker: interrupt it.
          if (!interrupted && stderr.includes('layer 1/3')) interrupted = child.kill('SIGINT');
        });
        child.on('error', reject);
        child.on('exit', (c) => resolve(c));
      });
      expect(code).toBe(130);
      expect(stderr.trim().split('\n').at(-1)).toBe('mlsurgeon run: cancelled');
      await expect(access(path('never'))).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('mlsurgeon compare on models built here', () => {
  it('a model against itself agrees exactly; a changed weight shows its difference', async () => {
    const a = await saveModel('cmpA.mlmodel', classifier(1));
    const b = await saveModel('cmpB.mlmodel', classifier(1.25));
    const self = await mlsurgeon('compare', a, a, '--random', '4');
    expect(self.code).toBe(0);
    expect(self.stdout).toMatch(/^probs\s+0\.000e\+0\s+inf\s+4\/4 \(100\.0%\)$/m);
    expect(self.stdout).toMatch(/^label\s+n\/a\s+n\/a\s+4\/4 \(100\.0%\)$/m);
    const diff = await mlsurgeon('compare', a, b, '--random', '4');
    expect(diff.code).toBe(0);
    const row = /^probs\s+(\S+)\s+(\S+)\s+(\d+)\/4/m.exec(diff.stdout);
    expect(row).not.toBeNull();
    expect(Number(row![1])).toBeGreaterThan(0);
    expect(Number(row![1])).toBeLessThan(0.25); // |Δz| ≤ 0.25·|x0| ≤ 0.25, and the sigmoid's slope is at most 1/4
    expect(Number(row![2])).toBeGreaterThan(10);
  });
});

describe('PNG decoding', () => {
  // Filters as the PNG specification defines them, to build files with every filter type.
  const paeth = (a: number, b: number, c: number) => {
    const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  };
  function filterRow(type: number, row: Uint8Array, prev: Uint8Array, bpp: number): Uint8Array {
    return row.map((x, i) => {
      const a = i >= bpp ? row[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][type];
      return (x - pred) & 0xff;
    });
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (b: Uint8Array) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type: string, data: Uint8Array) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, c]);
  };
  function png(width: number, height: number, colorType: number, depth: number, rows: Uint8Array[], bpp: number, extra: Buffer[] = []): Uint8Array {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = depth; ihdr[9] = colorType;
    const filtered = rows.map((r, y) => {
      const type = y % 5;
      return Buffer.concat([Buffer.of(type), filterRow(type, r, y ? rows[y - 1] : new Uint8Array(r.length), bpp)]);
    });
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), ...extra, chunk('IDAT', deflateSync(Buffer.concat(filtered))), chunk('IEND', Buffer.alloc(0))]);
  }

  it('RGB rows with each of the five filter types decode to the original pixels', () => {
    const w = 7, h = 5;
    const rows = Array.from({ length: h }, (_, y) => Uint8Array.from({ length: w * 3 }, (_, i) => (y * 91 + i * 53 + ((i * i) % 17)) & 0xff));
    const img = decodePng(png(w, h, 2, 8, rows, 3));
    expect([img.width, img.height]).toEqual([w, h]);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      expect(Array.from(img.pixels.subarray((y * w + x) * 4, (y * w + x) * 4 + 4))).toEqual([...rows[y].subarray(x * 3, x * 3 + 3), 255]);
    }
  });

  it('a 2-bit palette image with transparency, and 16-bit gray', () => {
    const palette = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]);
    const indices = [[0, 1, 2, 3, 2], [3, 3, 1, 0, 0]];
    const rows = indices.map((r) => { const b = new Uint8Array(2); r.forEach((v, i) => { b[i >> 2] |= v << (6 - 2 * (i & 3)); }); return b; });
    const img = decodePng(png(5, 2, 3, 2, rows, 1, [chunk('PLTE', palette), chunk('tRNS', Buffer.from([255, 128]))]));
    const at = (x: number, y: number) => Array.from(img.pixels.subarray((y * 5 + x) * 4, (y * 5 + x) * 4 + 4));
    expect(at(0, 0)).toEqual([255, 0, 0, 255]);
    expect(at(1, 0)).toEqual([0, 255, 0, 128]);
    expect(at(3, 0)).toEqual([9, 9, 9, 255]);
    expect(at(2, 1)).toEqual([0, 255, 0, 128]);
    const gray = [Uint8Array.of(0x12, 0x34, 0xff, 0xff, 0x80, 0x00)];
    const g = decodePng(png(3, 1, 0, 16, gray, 2));
    expect(Array.from(g.pixels)).toEqual([0x12, 0x12, 0x12, 255, 255, 255, 255, 255, 0x80, 0x80, 0x80, 255]);
  });

  it('our writer round-trips through the decoder', () => {
    const pixels = Uint8Array.from({ length: 3 * 3 * 4 }, (_, i) => (i * 29) & 0xff);
    expect(decodePng(encodePng({ width: 3, height: 3, pixels })).pixels).toEqual(pixels);
  });
});

describe.skipIf(!sharedPresent)('mlsurgeon run and compare on real models', () => {
  const file = (f: string) => modelPath(manifest().find((e) => e.file === f)!);

  it('SqueezeNetFP16 classifies a PNG: label JSON with a probability per distinct label', async () => {
    // A 300×300 gradient, resized by the command to the model's 227×227.
    const w = 300, h = 300;
    const pixels = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pixels.set([x % 256, y % 256, (x + y) % 256, 255], (y * w + x) * 4);
    await writeFile(path('gradient.png'), encodePng({ width: w, height: h, pixels }));
    const r = await mlsurgeon('run', file('tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel'), '--image', `image=${path('gradient.png')}`, '--out', path('squeeze'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(await readFile(path('squeeze/classLabel.json'), 'utf8')) as ClassifierJson;
    const probs = Object.values(json.probabilities);
    // ImageNet's 1000 labels hold three repeated names ("crane", "maillot", …): a dictionary keeps 997 keys.
    const spec = decodeModel(await readFile(file('tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel')));
    const labels = spec.neuralNetworkClassifier!.stringClassLabels!.vector!;
    expect(labels.length).toBe(1000);
    expect(probs.length).toBe(new Set(labels).size);
    expect(probs.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(probs.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1.0001);
    expect(json.probabilities[json.label]).toBe(Math.max(...probs));
    const npyProbs = await npy(path('squeeze/classLabelProbs.npy'));
    expect(npyProbs.shape).toEqual([probs.length]);
    expect(Array.from(npyProbs.data)).toEqual(probs.map(Math.fround));
  });

  it('--threads 2 and --threads 1 write the same bytes for SqueezeNetFP16, and --profile says which ran; --threads 0 is refused', async () => {
    const model = file('tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel');
    const two = await mlsurgeon('run', model, '--random', '5', '--blobs', 'all', '--out', path('threads2'), '--profile', '--threads', '2');
    expect(two.code).toBe(0);
    expect(two.stdout).toMatch(/^kernels ran on 2 threads$/m);
    const one = await mlsurgeon('run', model, '--random', '5', '--blobs', 'all', '--out', path('threads1'), '--profile', '--threads', '1');
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^kernels ran on 1 thread$/m);
    const files = (await readdir(path('threads1'))).sort();
    expect(files.length).toBeGreaterThan(60);
    expect((await readdir(path('threads2'))).sort()).toEqual(files);
    for (const f of files) expect(Buffer.compare(await readFile(join(path('threads2'), f)), await readFile(join(path('threads1'), f))), f).toBe(0);
    const zero = await mlsurgeon('run', model, '--random', '5', '--out', path('threads0'), '--threads', '0');
    expect(zero.code).toBe(2);
    expect(zero.stderr.split('\n')[0]).toBe('--threads needs a whole number of threads (1 or more), got 0');
  });

  it('compare: SqueezeNet fp16 against its 8-bit lookup-table twin on 2 random images', async () => {
    const r = await mlsurgeon('compare', file('tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel'), file('tucan9389__ImageClassification-CoreML/SqueezeNetInt8LUT.mlmodel'), '--random', '2');
    expect(r.code).toBe(0);
    const row = /^classLabelProbs\s+(\S+)\s+(\S+)\s+(\d)\/2/m.exec(r.stdout);
    expect(row).not.toBeNull();
    expect(Number(row![1])).toBeGreaterThan(0); // different weights, different numbers
    expect(Number(row![1])).toBeLessThan(1);
    expect(r.stdout).toMatch(/^classLabel\s+n\/a\s+n\/a\s+\d\/2/m);
  });

  it('compare refuses two models that cannot take the same inputs, naming each input, as the Run panel does', async () => {
    const a = file('tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel');
    const b = file('umerzia-7001__CoreML-Keras_Digit_recognition_app/MNISTClassifier.mlmodel');
    const r = await mlsurgeon('compare', a, b);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^mlsurgeon compare: the models cannot take the same inputs: input image of A \(.*SqueezeNetFP16\.mlmodel\) is not an input of B \(.*MNISTClassifier\.mlmodel\) \(B .*'s inputs: imageInput\); input imageInput of B .* is not an input of A .*\n$/);
  });

  it('a classic pipeline runs from --random; a text classifier is refused in one line', async () => {
    const tab = await mlsurgeon('run', file('Nehanth__EOG/MyTabularClassifier 1.mlmodel'), '--random', '1', '--out', path('tab'));
    expect(tab.code).toBe(0);
    expect(Object.keys((JSON.parse(await readFile(path('tab/DRILL_BIT_NAME.json'), 'utf8')) as ClassifierJson).probabilities)).toEqual(['AstroBit', 'Buzz Drilldrin', 'ChallengDriller']);
    await writeFile(path('review.txt'), 'great movie\n');
    const text = await mlsurgeon('run', file('MoonAndEye__CreateMLDemo/SentimentClassifer.mlmodel'), '--input', `text=${path('review.txt')}`, '--out', path('txt'));
    expect(text.code).toBe(1);
    expect(text.stderr).toBe("mlsurgeon run: textClassifier is not supported on the CPU: a Create ML text classifier runs on Apple's Natural Language framework\n");
  });
});
