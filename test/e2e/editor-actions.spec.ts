// More of the editor through its UI: rewiring by dragging an edge's end, deleting a layer that
// can be bridged, inserting on a selected connection without dragging, and the model-wide
// actions and panel editors (fp16 with its byte counts, metadata, preprocessing), checked in
// the saved file with shared/'s decoder.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { decodeModel } from '../../shared/format/model';
import type { Model } from '../../shared/format/schema/types.generated';
import { center, edgeMidpoint, modelFile, needShared, openModel, screenshot, settled, waitForCurrentLayout, waitForDocument } from './app';
import { assert, assertEqual, assertIncludes, test } from './harness';

const SQUEEZENET = 'tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel';
const CUSTOM = 'hollance__CoreML-Custom-Layers/NeuralMcNeuralNet.mlmodel';

const load = (rel: string): Model => decodeModel(new Uint8Array(readFileSync(modelFile(rel))));

async function open(page: Page, rel: string): Promise<void> {
  await openModel(page, modelFile(rel));
  await waitForDocument(page, rel.slice(rel.lastIndexOf('/') + 1));
}

async function lastHistoryLabel(page: Page): Promise<string> {
  const h = await page.evaluate(() => window.__mlsurgeon!.history());
  return h.labels[h.current];
}

async function waitForEdits(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => window.__mlsurgeon!.history().current === n, count);
  await waitForCurrentLayout(page);
  await settled(page);
}

async function saveAndDecode(page: Page, artifacts: string, name: string): Promise<Model> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save').click()]);
  const path = `${artifacts}/actions-${name}`;
  await download.saveAs(path);
  return decodeModel(new Uint8Array(readFileSync(path)));
}

const nn = (spec: Model) => (spec.neuralNetwork ?? spec.neuralNetworkClassifier)!;

test('rewire by dragging an edge’s upper end; Delete bridges a one-input layer', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const layers = nn(load(SQUEEZENET)).layers!;
  await open(page, SQUEEZENET);
  // relu_conv1 (layer 1) reads conv1; drag that edge's producer end onto the image input.
  const edge = '.react-flow__edge[data-id="neuralNetworkClassifier.layers[0][0]->neuralNetworkClassifier.layers[1][0]"]';
  const from = await center(page, `${edge} .react-flow__edgeupdater-source`);
  const input = (await page.locator('[data-testid="graph-node"][data-kind="input"]').boundingBox())!;
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 20, from.y + 10, { steps: 4 });
  await page.mouse.move(input.x + input.width / 2, input.y + input.height - 2, { steps: 10 });
  await page.mouse.up();
  // The image has 3 channels where conv1 gave 64: fire2/squeeze1x1 could not run, so the rewire is
  // refused with that error listed, and goes through only when applied anyway.
  const refused = page.getByTestId('toast').getByTestId('toast-diagnostic');
  await refused.waitFor();
  assertIncludes((await refused.textContent()) ?? '', 'expected 64, the input has 3', 'the channel mismatch it would bring in');
  assertEqual((await page.evaluate(() => window.__mlsurgeon!.history())).current, 0, 'not applied yet');
  await page.getByTestId('apply-anyway').click();
  await waitForEdits(page, 1);
  assertEqual(await lastHistoryLabel(page), 'Rewire layer relu_conv1 to read image instead of conv1_1relu_conv1 (applied despite 1 validation error)', 'history label');
  await page.locator('[data-testid="graph-node"][data-node-id="neuralNetworkClassifier.layers[1]"]').click();
  assertEqual(await page.getByTestId('inspector-inputs').getByTestId('layer-input').allTextContents(), ['image'], 'relu_conv1 now reads the image');
  await page.keyboard.press('Control+z');
  await waitForEdits(page, 0);

  // Delete on relu_conv1 (one input, one output): pool1 then reads conv1's output directly.
  await page.locator('[data-testid="graph-node"][data-node-id="neuralNetworkClassifier.layers[1]"]').click();
  await page.keyboard.press('Delete');
  await waitForEdits(page, 1);
  assertEqual(await lastHistoryLabel(page), 'Delete layer relu_conv1 (activation)', 'history label');
  const pool1 = page.locator('[data-testid="graph-node"][data-label="pool1"]');
  await pool1.click();
  assertEqual(await page.getByTestId('inspector-inputs').getByTestId('layer-input').allTextContents(), [layers[0].output![0]], 'pool1 reads conv1’s output');
  assertEqual(await page.locator('[data-testid="graph-node"][data-label="relu_conv1"]').count(), 0, 'relu_conv1 is gone');
});

test('click-to-insert: a palette type goes onto the selected connection', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  await open(page, SQUEEZENET);
  const at = await edgeMidpoint(page, 'neuralNetworkClassifier.layers[1][0]->neuralNetworkClassifier.layers[2][0]');
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction(() => window.__mlsurgeon!.view().edgeSelection !== null);
  await page.getByTestId('left-tab-layers').click();
  await page.locator('[data-testid="palette-item"][data-type="bias"]').click();
  await waitForEdits(page, 1);
  assertEqual(await lastHistoryLabel(page), 'Insert bias after blob conv1', 'history label');
  assertEqual(await page.locator('[data-testid="inspector"]').getAttribute('data-selected'), 'neuralNetworkClassifier.layers[2]', 'the new layer (2) is selected');
  assertEqual(await page.getByTestId('inspector-type').textContent(), 'Biaslayer', 'the inspector shows it');
});

test('model actions and panel editors: fp16 (bytes before → after), metadata, preprocessing; the saved file has them', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const original = load(CUSTOM);
  await open(page, CUSTOM);

  // Convert weights to fp16 from the Model menu: the dialog shows the bytes before and after.
  await page.getByTestId('model-actions').click();
  await page.getByTestId('action-fp16').click();
  const dialog = page.getByTestId('dialog-fp16');
  await dialog.waitFor();
  assertEqual(await dialog.getByTestId('fp16-summary').textContent(), '952 B → 476 B', 'weight bytes before → after');
  await screenshot(page, ctx.artifacts, 'editor-fp16-dialog');
  await dialog.getByTestId('dialog-apply').click();
  await waitForEdits(page, 1);
  assertEqual(await lastHistoryLabel(page), 'Convert weights to fp16', 'history label');

  // Metadata: edit the author in place, add a user-defined key.
  await page.getByTestId('metadata-author').locator('.v').click();
  await page.getByTestId('metadata-editor').fill('Ada');
  await page.getByTestId('metadata-editor').press('Enter');
  await waitForEdits(page, 2);
  assertEqual(await page.getByTestId('metadata-author').locator('.v').textContent(), 'Ada', 'author shown');
  await page.getByTestId('metadata-new-key').fill('source');
  await page.getByTestId('metadata-new-value').fill('ML Surgeon test');
  await page.getByTestId('metadata-add').click();
  await waitForEdits(page, 3);
  assertEqual(await page.getByTestId('metadata-user-defined').locator('.k').allTextContents(), ['source'], 'user-defined keys');

  // Preprocessing from the input's context menu: the 0…1 preset.
  await page.locator('[data-testid="graph-node"][data-kind="input"]').click({ button: 'right' });
  await page.getByTestId('menu-preprocessing').click();
  const editor = page.getByTestId('preprocessing-editor');
  await editor.waitFor();
  await page.locator('[data-testid="preprocessing-editor"].focused').waitFor();
  await editor.getByTestId('preprocessing-preset').selectOption('zeroToOne');
  await editor.getByTestId('preprocessing-apply').click();
  await waitForEdits(page, 4);
  assertEqual(await page.getByTestId('preprocessing-scale').locator('.v').textContent(), '0.00392157', 'scale 1/255 in the model panel');

  const saved = await saveAndDecode(page, ctx.artifacts, 'NeuralMcNeuralNet.mlmodel');
  const conv = nn(saved).layers![0].convolution!;
  assert(conv.weights?.float16Value && !conv.weights.floatValue, 'convolution weights are fp16');
  assertEqual(conv.weights.float16Value.length, nn(original).layers![0].convolution!.weights!.floatValue!.length * 2, 'two bytes per weight');
  assertEqual(saved.description!.metadata!.author, 'Ada', 'author saved');
  assertEqual([...(saved.description!.metadata!.userDefined ?? new Map())], [['source', 'ML Surgeon test']], 'user-defined metadata saved');
  const pre = nn(saved).preprocessing!;
  assertEqual(pre.length, 1, 'one preprocessing entry');
  assertEqual(pre[0].featureName, 'image', 'for the image input');
  assertEqual(pre[0].scaler!.channelScale, Math.fround(1 / 255), 'scale 1/255 (as float32)');
  assertEqual(saved.specificationVersion, original.specificationVersion, 'no version change needed');
});

test('Delete offers "with its dangling inputs" when the layer’s output is read by nothing', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const layers = nn(load(SQUEEZENET)).layers!;
  const concat = layers.findIndex((l) => l.concat);
  const reader = layers.findIndex((l) => l.input?.includes(layers[concat].output![0]));
  await open(page, SQUEEZENET);
  // Point the concat's only reader at pool1 instead (through the inspector), so nothing reads the concat.
  await page.keyboard.press('Control+f');
  await page.getByTestId('search-input').fill(layers[reader].name!);
  await page.locator(`[data-testid="inspector"][data-selected="neuralNetworkClassifier.layers[${reader}]"]`).waitFor();
  await page.getByTestId('search-input').press('Escape');
  await page.getByTestId('layer-input').first().click();
  await page.getByTestId('layer-input-editor').fill('pool1');
  await page.getByTestId('layer-input-editor').press('Enter');
  // pool1 has half the channels the concat had: refused with the error listed unless applied anyway.
  await page.getByTestId('toast').getByTestId('toast-diagnostic').first().waitFor();
  await page.getByTestId('apply-anyway').click();
  await waitForEdits(page, 1);

  const node = page.locator(`[data-testid="graph-node"][data-node-id="neuralNetworkClassifier.layers[${concat}]"]`);
  await page.keyboard.press('Control+f');
  await page.getByTestId('search-input').fill(layers[concat].name!);
  await page.getByTestId('search-input').press('Escape');
  await node.click();
  await page.keyboard.press('Backspace');
  await page.getByTestId('toast').waitFor();
  assertIncludes((await page.getByTestId('toast-message').textContent()) ?? '', 'it cannot be bridged', 'reason shown');
  await page.getByTestId('delete-dangling').click();
  await waitForEdits(page, 2);
  // The concat and the fire2 expand branches that only fed it are gone; the squeeze layer feeding them too.
  const gone = layers.slice(3, concat + 1).map((l) => l.name!);
  const labels = await page.evaluate(() => window.__mlsurgeon!.document()!.nodes.filter((n) => n.kind === 'layer').map((n) => n.label));
  for (const g of gone) assert(!labels.includes(g), `${g} was removed`);
  assertEqual(labels.length, layers.length - gone.length, 'layer count');
});

test('inspector edits: an enum as a select, a repeated number as a comma list', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  await open(page, SQUEEZENET);
  await page.locator('[data-testid="graph-node"][data-label="pool1"]').click();
  // MAX pooling is the enum's zero, which proto3 leaves unwritten: it is among the defaults.
  await page.locator('[data-testid="inspector-params"] [data-testid="unset-fields"] .section-toggle').click();
  const type = page.locator('[data-testid="inspector-params"] [data-field="type"]');
  assertEqual(await type.locator('.field-value').textContent(), 'MAX', 'the default shown by name');
  await type.getByTestId('field-value').click();
  await type.getByTestId('field-select').selectOption('AVERAGE');
  await waitForEdits(page, 1);
  // Named by layer and field, not by spec path.
  assertIncludes(await lastHistoryLabel(page), 'Set Pooling pool1 type ', 'history label');
  assertEqual(await page.locator('[data-testid="inspector-params"] [data-field="type"] .field-value').textContent(), 'AVERAGE', 'the enum shows its new name');
  const kernel = page.locator('[data-testid="inspector-params"] [data-field="kernelSize"]');
  await kernel.getByTestId('field-value').click();
  await kernel.getByTestId('field-input').fill('2, x');
  await kernel.getByTestId('field-input').press('Enter');
  assertEqual(await kernel.getByTestId('field-error').textContent(), 'item 2: "x" is not a whole number', 'a typing mistake is explained and nothing is applied');
  await kernel.getByTestId('field-input').fill('2, 2');
  await kernel.getByTestId('field-input').press('Enter');
  await waitForEdits(page, 2);
  assertEqual(await page.locator('[data-testid="inspector-params"] [data-field="kernelSize"] .field-value').textContent(), '[2, 2]', 'kernel size');
  assertIncludes((await page.locator('[data-testid="graph-node"][data-label="pool1"]').textContent()) ?? '', 'kernel 2×2', 'the node face follows');
});

test('save raises the specification version a new layer needs, and says why', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const original = load(SQUEEZENET);
  assertEqual(original.specificationVersion, 2, 'SqueezeNet declares version 2');
  await open(page, SQUEEZENET);
  const at = await edgeMidpoint(page, 'neuralNetworkClassifier.layers[1][0]->neuralNetworkClassifier.layers[2][0]');
  await page.mouse.click(at.x, at.y);
  await page.keyboard.press('Insert');
  await page.getByTestId('pick-layer-search').fill('gelu');
  await page.getByTestId('pick-layer-search').press('Enter');
  await waitForEdits(page, 1);
  const warning = page.locator('[data-testid="diagnostic"][data-code="spec-version-too-low"]');
  await warning.waitFor();
  assertEqual(await warning.getAttribute('data-severity'), 'warning', 'the model panel problem is a warning');
  assert(await page.getByTestId('model-diagnostics').isVisible(), 'the model panel lists the model-level finding');

  const saved = await saveAndDecode(page, ctx.artifacts, 'SqueezeNet-gelu.mlmodel');
  assertEqual(saved.specificationVersion, 4, 'saved with version 4');
  const notice = (await page.getByTestId('notice').textContent()) ?? '';
  assertIncludes(notice, 'Specification version raised from 2 to 4: layer type gelu', 'the notice says why');
  assertEqual(await lastHistoryLabel(page), 'Raise specification version 2 → 4 to save', 'the raise is an undoable history entry');
  await page.locator('[data-testid="problems-panel"][data-count="0"]').waitFor();
  assertEqual(await page.getByTestId('dirty-indicator').count(), 0, 'saved: not dirty');
});
