// The inspector on real weights: SqueezeNet's first convolution in its fp16 and 8-bit
// lookup-table versions. Expected facts are read from the files here with shared/'s decoder,
// and the fp16 values are decoded by the formula below, independently of the renderer's code.
import { readFileSync } from 'node:fs';
import { decodeModel } from '../../shared/format/model';
import type { Model, NeuralNetworkLayer } from '../../shared/format/schema/types.generated';
import { needShared, modelFile, openModel, waitForDocument } from './app';
import { assert, assertEqual, assertIncludes, test } from './harness';

const FP16 = 'tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel';
const LUT = 'tucan9389__ImageClassification-CoreML/SqueezeNetInt8LUT.mlmodel';

function load(rel: string): Model {
  return decodeModel(new Uint8Array(readFileSync(modelFile(rel))));
}

function firstConvolution(spec: Model): NeuralNetworkLayer {
  const layer = spec.neuralNetworkClassifier?.layers?.find((l) => l.convolution);
  assert(layer, 'the model has a convolution');
  return layer;
}

/** IEEE 754 half precision, little-endian. */
function half(lo: number, hi: number): number {
  const h = lo | (hi << 8);
  const e = (h >> 10) & 31, f = h & 1023, s = h & 0x8000 ? -1 : 1;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

const sig6 = (x: number): string => String(Number(x.toPrecision(6)));

async function selectLayer(page: import('playwright-core').Page, name: string): Promise<void> {
  await page.locator(`[data-testid="graph-node"][data-label=${JSON.stringify(name)}]`).click();
  await page.locator(`[data-testid="inspector"] [data-testid="inspector-name"]`).filter({ hasText: name }).waitFor();
}

async function field(page: import('playwright-core').Page, name: string): Promise<string> {
  return (await page.locator(`[data-testid="inspector-params"] [data-field="${name}"] .field-value`).first().textContent()) ?? '';
}

test('SqueezeNet fp16: a convolution shows its kernel, output channels and fp16 weights', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const layer = firstConvolution(load(FP16));
  const conv = layer.convolution!;
  const kernel = (conv.kernelSize ?? [3, 3]).map(Number);
  const out = Number(conv.outputChannels);
  const fp16 = conv.weights!.float16Value!;
  const count = fp16.length / 2;
  assertEqual(count, out * Number(conv.kernelChannels) * kernel[0] * kernel[1], 'weights hold outputChannels × kernelChannels × kH × kW values');
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < fp16.length; i += 2) { const v = half(fp16[i], fp16[i + 1]); min = Math.min(min, v); max = Math.max(max, v); }

  await openModel(page, modelFile(FP16));
  await waitForDocument(page, 'SqueezeNetFP16.mlmodel');
  await selectLayer(page, layer.name!);
  assertIncludes((await page.getByTestId('inspector-type').textContent()) ?? '', 'Convolution', 'inspector type');
  assertIncludes((await page.getByTestId('inspector-path').textContent()) ?? '', 'neuralNetworkClassifier.layers[0]', 'spec path of the selection');
  assertEqual(await field(page, 'kernelSize'), `[${kernel.join(', ')}]`, 'kernelSize field');
  assertEqual(await field(page, 'outputChannels'), String(out), 'outputChannels field');
  const weights = page.locator('[data-testid="inspector-params"] [data-testid="weights"][data-name="weights"]');
  assertEqual(await weights.getAttribute('data-storage-kind'), 'float16', 'weight storage kind');
  assertEqual(await weights.getByTestId('weights-storage').textContent(), 'float16', 'weight storage as shown');
  assertEqual(await weights.getAttribute('data-count'), String(count), 'weight element count');
  assertEqual(await weights.getByTestId('weights-count').textContent(), `${count.toLocaleString('en-US')} elements`, 'element count as shown');
  assertEqual(await weights.getByTestId('weights-shape').textContent(), `shape ${out}×${conv.kernelChannels}×${kernel[0]}×${kernel[1]}`, 'weight shape');
  const stats = (await weights.getByTestId('weights-stats').textContent()) ?? '';
  assertIncludes(stats, `min ${sig6(min)}`, 'weight minimum');
  assertIncludes(stats, `max ${sig6(max)}`, 'weight maximum');
  assert(await weights.getByTestId('histogram').isVisible(), 'a histogram is shown');

  // .npy export: float32 little-endian, the weights' shape in the header, fp16 decoded exactly.
  const [download] = await Promise.all([page.waitForEvent('download'), weights.getByTestId('export-npy').click()]);
  const path = `${ctx.artifacts}/${download.suggestedFilename()}`;
  await download.saveAs(path);
  const npy = readFileSync(path);
  assertEqual([...npy.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], '.npy magic and version');
  const headerLength = npy.readUInt16LE(8);
  const header = npy.subarray(10, 10 + headerLength).toString('latin1');
  assertEqual((10 + headerLength) % 64, 0, '.npy data is 64-byte aligned');
  assertIncludes(header, `'descr': '<f4'`, '.npy dtype');
  assertIncludes(header, `'shape': (${out}, ${conv.kernelChannels}, ${kernel[0]}, ${kernel[1]})`, '.npy shape');
  assertEqual(npy.length, 10 + headerLength + count * 4, '.npy size');
  for (const i of [0, 1, count - 1]) {
    assertEqual(npy.readFloatLE(10 + headerLength + i * 4), half(fp16[2 * i], fp16[2 * i + 1]), `.npy value ${i}`);
  }
});

test('SqueezeNet int8 LUT: the same convolution shows 8-bit lookup-table weights', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const layer = firstConvolution(load(LUT));
  const w = layer.convolution!.weights!;
  const bits = Number(w.quantization?.numberOfBits);
  const table = w.quantization?.lookupTableQuantization?.floatValue;
  assert(table, 'the weights are lookup-table quantized');
  const count = (w.rawValue!.length * 8) / bits;

  await openModel(page, modelFile(LUT));
  await waitForDocument(page, 'SqueezeNetInt8LUT.mlmodel');
  await selectLayer(page, layer.name!);
  const weights = page.locator('[data-testid="inspector-params"] [data-testid="weights"][data-name="weights"]');
  assertEqual(await weights.getAttribute('data-storage-kind'), `quantized-lut-${bits}bit`, 'weight storage kind');
  assertEqual(await weights.getByTestId('weights-storage').textContent(), `${bits}-bit lookup table (${table.length} entries)`, 'weight storage as shown');
  assertEqual(await weights.getAttribute('data-count'), String(count), 'weight element count');
  // Every dequantized value is a table entry: the minimum shown is the smallest entry used.
  let min = Infinity;
  for (const q of w.rawValue!) min = Math.min(min, table[q]);
  assertIncludes((await weights.getByTestId('weights-stats').textContent()) ?? '', `min ${sig6(min)}`, 'dequantized minimum');
});

test('keyboard: arrows follow edges, Escape clears the selection', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const spec = load(FP16);
  const layers = spec.neuralNetworkClassifier!.layers!;
  const first = layers[0];
  const next = layers.find((l) => l.input?.includes(first.output![0]))!;
  await openModel(page, modelFile(FP16));
  await waitForDocument(page, 'SqueezeNetFP16.mlmodel');
  await selectLayer(page, first.name!);
  await page.keyboard.press('ArrowUp');
  await page.locator('[data-testid="inspector"][data-selected] [data-testid="inspector-name"]').filter({ hasText: spec.description!.input![0].name! }).waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.locator('[data-testid="inspector-name"]').filter({ hasText: next.name! }).waitFor();
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-testid="inspector"][data-selected]'));
});

test('search (Ctrl+F) selects a layer by blob name and centres it', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const layers = load(FP16).neuralNetworkClassifier!.layers!;
  const query = layers[layers.length - 3].output![0];
  // The first layer in file order whose name or blobs contain the query is the first match.
  const has = (s: string): boolean => s.toLowerCase().includes(query.toLowerCase());
  const target = layers.find((l) => has(l.name!) || l.input!.some(has) || l.output!.some(has))!;
  await openModel(page, modelFile(FP16));
  await waitForDocument(page, 'SqueezeNetFP16.mlmodel');
  await page.keyboard.press('Control+f');
  assert(await page.getByTestId('search-input').evaluate((el) => el === document.activeElement), 'Ctrl+F focuses the search box');
  await page.keyboard.type(query);
  await page.locator('[data-testid="inspector-name"]').filter({ hasText: target.name! }).waitFor();
  // Centred: the selected node is rendered (off-screen nodes are not) and inside the canvas.
  const node = page.locator('[data-testid="graph-node"].selected');
  await node.waitFor();
  const box = (await node.boundingBox())!;
  const pane = (await page.getByTestId('canvas').boundingBox())!;
  assert(box.x >= pane.x && box.x + box.width <= pane.x + pane.width && box.y >= pane.y && box.y + box.height <= pane.y + pane.height, 'the match is inside the visible canvas');
});

test('SqueezeNet: the model panel lists the first 100 of 1000 class labels, more on request, and the filter finds any', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const labels = load(FP16).neuralNetworkClassifier!.stringClassLabels!.vector!;
  assertEqual(labels.length, 1000, 'SqueezeNet has 1000 class labels');
  await openModel(page, modelFile(FP16));
  await waitForDocument(page, 'SqueezeNetFP16.mlmodel');
  const list = page.getByTestId('class-labels');
  assertEqual(await list.getAttribute('data-count'), '1000', 'all labels counted');
  const items = list.locator('.label-list li');
  assertEqual(await items.count(), 100, 'the first 100 listed');
  assertEqual(await items.nth(99).textContent(), `99${labels[99]}`, 'in order, with their indices');
  await list.getByTestId('class-labels-more').click();
  assertEqual(await items.count(), 600, '500 more on request');
  assertEqual(await items.nth(599).textContent(), `599${labels[599]}`, 'continuing in order');
  // A label no other label contains, past the 600 listed.
  const far = labels.findIndex((l, i) => i >= 600 && labels.filter((m) => m.toLowerCase().includes(l.toLowerCase())).length === 1);
  await list.getByTestId('class-label-search').fill(labels[far]);
  assertEqual(await items.allTextContents(), [`${far}${labels[far]}`], 'the filter finds a label past those listed');
});
