// The Run panel as a person uses it: run SqueezeNetFP16 on a picture, look at a middle
// convolution's output as heatmaps and at the classifier's labelled top-k, export a blob as .npy,
// run up to a chosen layer, then quantize (the weights are already fp16) or convert MNIST's fp32
// weights to fp16 and compare the edited model with the opened one.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { decodeModel } from '../../shared/format/model';
import { decodeNpy } from '../../shared/executor/npy';
import { modelFile, needShared, screenshot, searchAndSelect, waitForCurrentLayout } from './app';
import { assert, assertEqual, assertIncludes, test } from './harness';
import { compare, drawPng, openShared as open, runAndWait } from './runPanel';

const SQUEEZENET = 'tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel';
const MNIST = 'umerzia-7001__CoreML-Keras_Digit_recognition_app/MNISTClassifier.mlmodel';
const CPM = 'tucan9389__PoseEstimation-CoreML/model_cpm.mlmodel';

/** Per heatmap canvas: how many distinct colours it holds (1 = a flat, uninformative map). */
async function heatmapColours(page: Page): Promise<number[]> {
  return page.evaluate<number[]>(`[...document.querySelectorAll('[data-testid="heatmap"]')].map((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  })`);
}

async function quantizeOrFp16(page: Page, action: 'action-quantize' | 'action-fp16', dialog: 'dialog-quantize' | 'dialog-fp16'): Promise<void> {
  await page.getByTestId('model-actions').click();
  await page.getByTestId(action).click();
  await page.getByTestId(dialog).getByTestId('dialog-apply').click();
  await page.waitForFunction(() => window.__mlsurgeon!.history().current === 1);
  await waitForCurrentLayout(page);
}

test('run SqueezeNetFP16 on a picture: heatmaps of a middle convolution, labelled top-k, .npy export, quantize and compare', async (ctx) => {
  needShared(ctx);
  const { page, artifacts } = ctx;
  await open(page, SQUEEZENET);
  await page.getByTestId('run-toggle').click();
  assertEqual(await page.getByTestId('run-panel').getAttribute('data-open'), 'true', 'the Run panel opens');

  // The input: a picture made here, resized to 227×227; the panel shows the model's preprocessing.
  await page.getByTestId('run-image-file').setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: await drawPng(page, 320, 240) });
  await page.locator('[data-testid="run-input"][data-source="image"]').waitFor();
  await page.getByTestId('run-input-preview').waitFor();
  const pre = (await page.getByTestId('run-preprocessing').textContent()) ?? '';
  assertIncludes(pre, '227×227 BGR', 'the input is shown as the model takes it');
  assertIncludes(pre, 'scaler: y = 1 · x + (104, 117, 123) for B, G, R', 'the scaler of SqueezeNet (the model file says blue 104, green 117, red 123)');

  const summary = await runAndWait(page);
  assertIncludes(summary, '65 layers', 'every layer (65) ran and was timed');
  // Served with COOP + COEP (test/e2e/runner.ts, as vite serves `npm run web`): the page is
  // crossOriginIsolated, so the executor worker shares its memory with a helper worker.
  assertEqual(await page.evaluate(() => globalThis.crossOriginIsolated), true, 'the page is crossOriginIsolated');
  assertIncludes(summary, '2 threads', 'the convolutions ran on two threads');
  assertEqual(Number(await page.getByTestId('blob-list').getAttribute('data-count')) > 60, true, 'every blob is listed');

  // A middle convolution selected on the canvas: its output, 128 channels of 28×28, as heatmaps.
  await searchAndSelect(page, 'fire5/expand3x3');
  const viewer = page.locator('[data-testid="tensor-viewer"][data-blob="fire5/expand3x3_30fire5/relu_expand3x3"]');
  await viewer.waitFor();
  assertEqual(await viewer.getAttribute('data-view'), 'channels', 'a spatial blob opens as channel heatmaps');
  assertEqual(await page.getByTestId('tensor-shape').textContent(), '[1, 1, 128, 28, 28]', 'the blob shape (rank 5)');
  await page.locator('[data-testid="heatmap"]').nth(95).waitFor();
  const colours = await heatmapColours(page);
  assertEqual(colours.length, 96, 'the first 96 of 128 channels are drawn');
  const varied = colours.filter((n) => n > 8).length;
  assert(varied >= 48, `most heatmaps show structure: ${varied} of ${colours.length} have more than 8 colours (${colours.slice(0, 16).join(', ')}, …)`);
  const stats = (await page.getByTestId('tensor-stats').textContent()) ?? '';
  assertIncludes(stats, 'NaN 0', 'no NaN');
  assertIncludes(stats, 'Inf 0', 'no Inf');
  await page.getByTestId('histogram').first().waitFor();
  await screenshot(page, artifacts, 'run-heatmaps');

  // The classifier: its label, and the probabilities as a top-k with label text.
  await page.locator('[data-testid="blob-row"][data-blob="classLabel"]').click();
  const label = ((await page.getByTestId('run-label').textContent()) ?? '').trim();
  assert(label.length > 2, `the class label is shown (got "${label}")`);
  const topk = page.getByTestId('topk').first();
  assertEqual(await topk.getAttribute('data-labelled'), 'true', 'top-k carries labels');
  const first = (await topk.getByTestId('topk-row').first().locator('.run-topk-label').textContent()) ?? '';
  assertEqual(first, label, 'the best of the top-k is the class label');
  assertEqual(await topk.getByTestId('topk-row').count(), 10, 'ten classes');
  // The softmax blob itself (1,000 values) gets the same labels from the model's class list.
  await page.locator('[data-testid="blob-row"][data-blob="classLabelProbs"]').click();
  await page.locator('[data-testid="tensor-viewer"][data-blob="classLabelProbs"][data-view="topk"]').waitFor();
  await screenshot(page, artifacts, 'run-classifier');

  // Time per layer: one row per layer; a row selects the layer and shows its output.
  await page.getByTestId('list-profile').click();
  assertEqual(await page.getByTestId('profile-list').getAttribute('data-count'), '65', 'every layer is timed');
  await page.locator('[data-testid="profile-row"][data-layer="fire9/expand1x1"]').click();
  await page.locator('[data-testid="tensor-viewer"][data-blob="fire9/expand1x1_57fire9/relu_expand1x1"]').waitFor();
  await page.waitForFunction(() => window.__mlsurgeon!.view().selection !== null);
  await screenshot(page, artifacts, 'run-profile');
  await page.getByTestId('list-blobs').click();

  // A blob exported as .npy is the tensor the viewer shows.
  await page.locator('[data-testid="blob-row"][data-blob="pool1"]').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('blob-export-npy').click()]);
  assertEqual(download.suggestedFilename(), 'pool1.npy', 'export file name');
  const path = `${artifacts}/run-pool1.npy`;
  await download.saveAs(path);
  const npy = decodeNpy(new Uint8Array(readFileSync(path)));
  assertEqual(npy.shape, [1, 1, 64, 56, 56], 'exported shape');
  assertEqual(npy.dtype, '<f4', 'exported dtype');

  // Up to a chosen layer: fire2/concat selected on the canvas.
  await searchAndSelect(page, 'fire2/concat');
  assertEqual(await page.getByTestId('run-to-selected').textContent(), 'Run to fire2/concat', 'the button names the layer');
  const partial = await runAndWait(page, 'run-to-selected');
  assertIncludes(partial, 'stopped after fire2/concat', 'the summary says where it stopped');
  assertEqual(await page.locator('[data-testid="blob-row"][data-blob="fire3/concat"]').count(), 0, 'no blob after the stop');
  assertEqual(await page.locator('[data-testid="blob-row"][data-blob="fire2/concat"]').count(), 1, 'the stop layer’s output is there');

  // Quantize to 8 bits and compare with the model as opened.
  await quantizeOrFp16(page, 'action-quantize', 'dialog-quantize');
  const c = await compare(page);
  assertEqual(c.agreement, '1/1 (100%)', 'top-1 agreement after 8-bit quantization');
  assert(Number.isFinite(c.snr) && c.snr > 15, `SNR of the probabilities is a finite number above 15 dB (got ${c.snr})`);
  assert(c.rows >= 66, `every output and blob is compared (got ${c.rows} rows)`);
  const conv1 = page.locator('[data-testid="compare-row"][data-name="conv1_1relu_conv1"]');
  if (await conv1.count()) assert(Number(await conv1.getAttribute('data-max-abs')) > 0, 'quantized conv1 differs');
  await screenshot(page, artifacts, 'run-compare-quantized');
}, { timeoutMs: 300_000 });

test('fp16 conversion of MNISTClassifier compared with its fp32 original: agreement and SNR', async (ctx) => {
  needShared(ctx);
  const { page, artifacts } = ctx;
  const spec = decodeModel(new Uint8Array(readFileSync(modelFile(MNIST))));
  assertEqual(spec.description?.input?.[0]?.type?.imageType?.colorSpace, 10, 'MNIST takes a grayscale image');
  await open(page, MNIST);
  await page.getByTestId('run-toggle').click();
  await page.getByTestId('run-image-file').setInputFiles({ name: 'digit.png', mimeType: 'image/png', buffer: await drawPng(page, 56, 56) });
  await page.locator('[data-testid="run-input"][data-source="image"]').waitFor();
  await quantizeOrFp16(page, 'action-fp16', 'dialog-fp16');
  await page.getByTestId('compare-tab').click();
  await page.getByTestId('compare-extra-sets').fill('3');
  const c = await compare(page);
  assertEqual(c.agreement, '4/4 (100%)', 'fp16 weights keep the top-1 class on the picture and 3 random sets');
  assert(c.snr > 40, `fp16 weights: SNR above 40 dB (got ${c.snr})`);
  const summary = (await page.getByTestId('compare-summary').textContent()) ?? '';
  assertIncludes(summary, 'Convert weights to fp16', 'B is the fp16 revision');
  await screenshot(page, artifacts, 'run-compare-fp16');
}, { timeoutMs: 300_000 });

test('a long run can be cancelled, and the next run works', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  await open(page, CPM);
  await page.getByTestId('run-toggle').click();
  await page.getByTestId('run-start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="run-progress"]')?.getAttribute('data-done') ?? 0) > 0, undefined, { timeout: 60_000 });
  await page.getByTestId('run-cancel').click();
  await page.getByTestId('run-cancelled').waitFor();
  assertEqual(await page.getByTestId('run-summary').count(), 0, 'a cancelled run leaves no result');
  const summary = await runAndWait(page);
  assertIncludes(summary, 'layers in', 'the run after a cancel completes');
}, { timeoutMs: 300_000 });
