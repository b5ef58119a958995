// Compare of two files, as WWDC18's "model size versus agreement" table for quantization: the
// SqueezeNet of tucan9389's repository in fp16 (2.5 MB) and with 8-bit lookup-table weights
// (1.3 MB), both opened as tabs, the same picture through both; then a model file read from disk
// for the purpose, one whose inputs do not fit (refused, the inputs named), and one that does.
import { statSync } from 'node:fs';
import { modelFile, needShared, screenshot } from './app';
import { assert, assertEqual, assertIncludes, test } from './harness';
import { chooseImage, compare, drawPng, openShared } from './runPanel';

const DIR = 'tucan9389__ImageClassification-CoreML';
const FP16 = `${DIR}/SqueezeNetFP16.mlmodel`;
const LUT = `${DIR}/SqueezeNetInt8LUT.mlmodel`;
const MNIST = 'umerzia-7001__CoreML-Keras_Digit_recognition_app/MNISTClassifier.mlmodel';

test('compare two open files: SqueezeNetFP16 against SqueezeNetInt8LUT, model sizes beside top-1 agreement', async (ctx) => {
  needShared(ctx);
  const { page, artifacts } = ctx;
  await openShared(page, FP16);
  await openShared(page, LUT);
  assertEqual(await page.getByTestId('canvas').getAttribute('data-laid-doc'), 'SqueezeNetInt8LUT.mlmodel', 'the second file is the active tab');

  await page.getByTestId('run-toggle').click();
  await chooseImage(page, 'scene.png', await drawPng(page, 320, 240));
  await page.getByTestId('compare-tab').click();
  // A: the other open document; B: this one.
  const choice = page.getByTestId('compare-with');
  const options = await choice.locator('option').allTextContents();
  assert(options.includes('open document SqueezeNetFP16.mlmodel'), `the other tab is offered as the reference (options: ${options.join(' | ')})`);
  assert(!options.some((o) => o.includes('open document SqueezeNetInt8LUT')), 'the document itself is not offered as its own reference');
  await choice.selectOption({ label: 'open document SqueezeNetFP16.mlmodel' });
  await page.getByTestId('compare-extra-sets').fill('2');
  const c = await compare(page);

  // The table of the talk: each version's size, and the quantized one's agreement with the original.
  const sizeA = Number(await page.getByTestId('compare-size-a').getAttribute('data-bytes'));
  const sizeB = Number(await page.getByTestId('compare-size-b').getAttribute('data-bytes'));
  assertEqual(sizeA, statSync(modelFile(FP16)).size, 'A is the fp16 file, its size as on disk');
  assertEqual(sizeB, statSync(modelFile(LUT)).size, 'B is the lookup-table file, its size as on disk');
  assertEqual(await page.getByTestId('compare-size-a').textContent(), '2.4 MB', 'A’s size as shown');
  assertEqual(await page.getByTestId('compare-size-b').textContent(), '1.3 MB', 'B’s size as shown');
  assertIncludes((await page.getByTestId('compare-version-a').textContent()) ?? '', 'A: SqueezeNetFP16.mlmodel', 'A is named');
  assertIncludes((await page.getByTestId('compare-version-b').textContent()) ?? '', 'B: SqueezeNetInt8LUT.mlmodel', 'B is named');
  assert(/^[0-3]\/3 \(\d+%\)$/.test(c.agreement), `top-1 agreement over the picture and two random sets (got "${c.agreement}")`);
  assert(c.agreement.startsWith('3/3') || c.agreement.startsWith('2/3'), `8-bit lookup tables keep the class on (nearly) every input (got ${c.agreement})`);
  assert(Number.isFinite(c.snr) && c.snr > 10, `the probabilities’ SNR is a finite number above 10 dB (got ${c.snr})`);
  // The same network: every blob has its counterpart by name.
  assertEqual(c.rows, 1 + 65 + 1, 'the input, the 65 layers’ outputs and the label are compared');
  assertEqual(await page.getByTestId('compare-unmatched').count(), 0, 'nothing is left unmatched');
  const conv1 = page.locator('[data-testid="compare-row"][data-name="conv1"]');
  assert(Number(await conv1.getAttribute('data-max-abs')) > 0, 'the lookup-table weights change conv1');
  await screenshot(page, artifacts, 'compare-two-files');

  // A model file whose input is another: refused before anything runs, the inputs named.
  await page.getByTestId('compare-file-input').setInputFiles(modelFile(MNIST));
  const refused = page.getByTestId('compare-refused');
  await refused.waitFor();
  const why = (await refused.textContent()) ?? '';
  assertIncludes(why, 'input image of this document is not an input of the reference', 'SqueezeNet’s input is named');
  assertIncludes(why, 'imageInput', 'MNIST’s input is named');
  assertEqual(await page.getByTestId('compare-start').isDisabled(), true, 'Compare cannot start');
  await screenshot(page, artifacts, 'compare-refused');

  // The fp16 file read from disk: the same figures as the open tab gave.
  await page.getByTestId('compare-file-input').setInputFiles(modelFile(FP16));
  await refused.waitFor({ state: 'detached' });
  assertEqual(await choice.inputValue(), 'file', 'the file is the reference');
  const again = await compare(page);
  assertEqual(again.agreement, c.agreement, 'the file gives the agreement the tab gave');
  assertEqual(again.snr, c.snr, 'and the same SNR');
  assertEqual(Number(await page.getByTestId('compare-size-a').getAttribute('data-bytes')), sizeA, 'and the same size');
}, { timeoutMs: 400_000 });
