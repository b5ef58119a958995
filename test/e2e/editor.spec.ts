// Editing SqueezeNet in the browser build the way a person would: drag a layer from the palette
// onto a connection, rename the input in place, undo and redo from the keyboard, save, and read
// the downloaded file back with shared/'s decoder. Refusals and validation findings show up in
// the UI and change nothing; shapes appear on the connections when asked for.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { decodeModel } from '../../shared/format/model';
import type { Model, NeuralNetworkLayer } from '../../shared/format/schema/types.generated';
import { center, edgeMidpoint, modelFile, mouseDrag, needShared, openModel, screenshot, settled, waitForCurrentLayout, waitForDocument } from './app';
import { assert, assertEqual, assertIncludes, test } from './harness';

const SQUEEZENET = 'tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel';
const NAME = 'SqueezeNetFP16.mlmodel';

function load(): Model {
  return decodeModel(new Uint8Array(readFileSync(modelFile(SQUEEZENET))));
}

const layersOf = (spec: Model): readonly NeuralNetworkLayer[] => spec.neuralNetworkClassifier!.layers!;
/** Canvas ids are spec paths (shared/graph/collector.ts); an edge is producer[output]->consumer[input]. */
const layerId = (i: number): string => `neuralNetworkClassifier.layers[${i}]`;
const edgeId = (from: number, to: number): string => `${layerId(from)}[0]->${layerId(to)}[0]`;

async function openSqueezeNet(page: Page): Promise<void> {
  await openModel(page, modelFile(SQUEEZENET));
  await waitForDocument(page, NAME);
}

async function history(page: Page): Promise<{ labels: string[]; current: number }> {
  return page.evaluate(() => window.__mlsurgeon!.history());
}

/** Waits until the History list marks entry `index` as current and the canvas shows that revision. */
async function waitForHistoryAt(page: Page, index: number): Promise<void> {
  await page.locator('[data-testid="history-entry"][data-current="true"]').filter({ hasText: new RegExp(`^${index}`) }).waitFor();
  await waitForCurrentLayout(page);
  await settled(page);
}

test('drag a permute onto an edge, rename the input, undo, redo, save: the file has both edits', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const original = load();
  const layers = layersOf(original);
  const conv1 = layers[0], relu = layers[1];
  const blob = conv1.output![0];
  assertEqual(relu.input, [blob], 'relu_conv1 reads conv1’s output');
  const inputName = original.description!.input![0].name!;
  await openSqueezeNet(page);

  // Drag "Permute" from the palette onto the conv1 → relu_conv1 connection with the mouse.
  await page.getByTestId('left-tab-layers').click();
  await page.getByTestId('palette-search').fill('perm');
  const item = '[data-testid="palette-item"][data-type="permute"]';
  const target = await edgeMidpoint(page, edgeId(0, 1));
  await mouseDrag(page, await center(page, item), target);
  await waitForHistoryAt(page, 1);
  const permute = page.locator('[data-testid="graph-node"][data-type="permute"]');
  await permute.waitFor();
  assertEqual(await page.locator('[data-testid="inspector"][data-selected]').getAttribute('data-selected'), layerId(1), 'the inserted layer is selected (layer 1)');

  // Rename the input in place: double-click its node, type, Enter.
  const input = page.locator(`[data-testid="graph-node"][data-kind="input"][data-label="${inputName}"]`);
  await input.dblclick();
  const editor = page.getByTestId('rename-input');
  await editor.waitFor();
  await editor.fill('photo');
  await editor.press('Enter');
  await waitForHistoryAt(page, 2);
  await page.locator('[data-testid="graph-node"][data-kind="input"][data-label="photo"]').waitFor();

  const labels = await page.locator('[data-testid="history-entry"]').allTextContents();
  assertEqual(labels, [`0Open ${NAME}`, `1Insert permute after blob ${blob}`, `2Rename input ${inputName} → photo`], 'History list');
  assert(await page.getByTestId('dirty-indicator').isVisible(), 'the title shows unsaved changes');
  // The browser host sets the title once the edit is drawn (browserHost.ts).
  await page.waitForFunction(`document.title.includes(${JSON.stringify(`• ${NAME}`)})`, undefined, { timeout: 5000 }).catch(() => undefined);
  assertIncludes(await page.title(), `• ${NAME}`, 'window title while unsaved');
  await screenshot(page, ctx.artifacts, 'editor-after-edits');

  // Undo both with the keyboard, then redo both (Shift+Ctrl+Z, then Ctrl+Y).
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await waitForHistoryAt(page, 1);
  await page.locator(`[data-testid="graph-node"][data-kind="input"][data-label="${inputName}"]`).waitFor();
  await page.keyboard.press('Control+z');
  await waitForHistoryAt(page, 0);
  assertEqual(await permute.count(), 0, 'no permute layer after undoing both');
  assertEqual((await history(page)).current, 0, 'history position after two undos');
  assertEqual(await page.getByTestId('dirty-indicator').count(), 0, 'back at the saved state: not dirty');
  await page.keyboard.press('Control+Shift+z');
  await waitForHistoryAt(page, 1);
  await permute.waitFor();
  await page.keyboard.press('Control+y');
  await waitForHistoryAt(page, 2);
  await page.locator('[data-testid="graph-node"][data-kind="input"][data-label="photo"]').waitFor();

  // Save (a download in the browser) and decode what was written.
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+s')]);
  assertEqual(download.suggestedFilename(), NAME, 'download name');
  const path = `${ctx.artifacts}/edited-${NAME}`;
  await download.saveAs(path);
  const saved = decodeModel(new Uint8Array(readFileSync(path)));
  const out = layersOf(saved);
  assertEqual(out.length, layers.length + 1, 'one layer more');
  assertEqual(out[0].name, conv1.name, 'layer 0 is still conv1');
  assertEqual(out[0].input, ['photo'], 'layer 0 reads the renamed input');
  assertEqual(saved.description!.input!.map((f) => f.name), ['photo'], 'the input is renamed in the description');
  assert(out[1].permute, 'layer 1 is the permute');
  assertEqual(out[1].input, [blob], 'the permute reads conv1’s output');
  assertEqual(out[2].name, relu.name, 'layer 2 is relu_conv1');
  assertEqual(out[2].input, out[1].output, 'relu_conv1 reads the permute’s output');
  assertEqual(layers.slice(2).map((l) => l.name), out.slice(3).map((l) => l.name), 'the other layers follow unchanged');
  assertEqual(saved.description!.output, original.description!.output, 'outputs unchanged');
  await page.getByTestId('notice').filter({ hasText: `Saved ${NAME}` }).waitFor();
  assertEqual(await page.getByTestId('dirty-indicator').count(), 0, 'saved: not dirty');
});

/** Selects a node through search (which also centres it), then leaves the search box. */
async function findAndSelect(page: Page, query: string, id: string): Promise<void> {
  await page.keyboard.press('Control+f');
  await page.getByTestId('search-input').fill(query);
  await page.locator(`[data-testid="inspector"][data-selected=${JSON.stringify(id)}]`).waitFor();
  await page.getByTestId('search-input').press('Escape');
  await page.locator(`[data-testid="graph-node"][data-node-id=${JSON.stringify(id)}]`).waitFor();
}

test('refused edits show their reason and change nothing', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const original = load();
  const outputs = original.description!.output!.map((f) => f.name!);
  assertEqual(outputs, ['classLabelProbs', 'classLabel'], 'SqueezeNet’s outputs');
  await openSqueezeNet(page);

  // Renaming the classLabel output to the other output's name: F2 on the output node.
  await page.getByTestId('model-outputs').getByText('classLabel', { exact: true }).click();
  await page.locator('[data-testid="inspector"][data-selected="description.output[1]"]').waitFor();
  await page.keyboard.press('F2');
  await page.getByTestId('rename-input').fill('classLabelProbs');
  await page.getByTestId('rename-input').press('Enter');
  const toast = page.getByTestId('toast');
  await toast.filter({ hasText: 'already in use' }).waitFor();
  assertEqual(await toast.getAttribute('data-kind'), 'refused', 'the toast reports a refusal');
  assertEqual(await page.getByTestId('toast-message').textContent(), 'the name "classLabelProbs" is already in use in this model', 'reason shown');
  assertEqual((await history(page)).labels.length, 1, 'no history entry');
  assertEqual(await page.getByTestId('model-outputs').getByTestId('feature-name').allTextContents(), outputs, 'outputs unchanged');
  await page.getByTestId('toast-dismiss').click();

  // Deleting a concat layer: two inputs cannot be bridged, and its output is still read.
  const layers = layersOf(original);
  const concat = layers.findIndex((l) => l.concat);
  assertEqual(layers[concat].input!.length, 2, 'the concat has two inputs');
  const name = layers[concat].name!;
  await findAndSelect(page, name, layerId(concat));
  await page.locator(`[data-testid="graph-node"][data-node-id="${layerId(concat)}"]`).click();
  await page.keyboard.press('Delete');
  await toast.waitFor();
  assertEqual(await page.getByTestId('toast-message').textContent(), `"${name}" has 2 inputs and 1 outputs, and "${name}" is still read; rewire the readers first`, 'reason shown');
  assertEqual(await page.getByTestId('delete-dangling').count(), 0, 'no "delete with dangling inputs" offer while the output is read');
  assertEqual((await history(page)).labels.length, 1, 'still no history entry');
  assert(await page.locator(`[data-testid="graph-node"][data-node-id="${layerId(concat)}"]`).isVisible(), 'the concat is still there');
  await screenshot(page, ctx.artifacts, 'editor-refusal');
});

test('Problems: a broken layer input appears at once, selects its layer and field, and undo clears it', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const layers = layersOf(load());
  const index = 3;
  const layer = layers[index];
  await openSqueezeNet(page);
  assertEqual(await page.getByTestId('problem-counts').getAttribute('data-errors'), '0', 'SqueezeNet validates clean');
  assertEqual(await page.getByTestId('problem-counts').getAttribute('data-warnings'), '0', 'no warnings either');
  assertEqual(await page.getByTestId('dock').count(), 0, 'with nothing to show, the Problems and History dock stays closed');

  // Point the layer's input at a blob nothing produces, through the inspector.
  await findAndSelect(page, layer.name!, layerId(index));
  await page.getByTestId('layer-input').first().click();
  const editor = page.getByTestId('layer-input-editor');
  await editor.fill('no_such_blob');
  await editor.press('Enter');
  // The edit brings in an error, so it is refused until applied on purpose (checked-edits.spec.ts).
  await page.getByTestId('apply-anyway').click();
  const diagnostic = page.locator('[data-testid="diagnostic"][data-code="layer-input-undefined"]');
  await diagnostic.waitFor();
  assertEqual(await diagnostic.getAttribute('data-path'), `${layerId(index)}.input[0]`, 'the finding’s spec path');
  assertEqual(await diagnostic.getAttribute('data-element'), layerId(index), 'shown on the layer');
  assertIncludes((await diagnostic.textContent()) ?? '', 'no_such_blob', 'the message names the blob');
  assert(Number(await page.getByTestId('problem-counts').getAttribute('data-errors')) >= 1, 'the toolbar counts the error');
  await waitForCurrentLayout(page);
  const badge = page.locator(`[data-testid="graph-node"][data-node-id="${layerId(index)}"] [data-testid="node-badge"]`);
  await badge.waitFor();
  assertEqual(await badge.getAttribute('data-severity'), 'error', 'a red badge on the layer');
  assertIncludes((await badge.getAttribute('title')) ?? '', 'no_such_blob', 'the badge’s tooltip lists the message');

  // Clicking the finding selects the layer, centres it and marks the field in the inspector.
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => window.__mlsurgeon!.view().selection === null);
  await diagnostic.click();
  await page.locator(`[data-testid="inspector"][data-selected="${layerId(index)}"]`).waitFor();
  await page.locator(`[data-testid="inspector"] .focused[data-path="${layerId(index)}.input[0]"]`).waitFor();
  await page.getByTestId('left-tab-layers').click();
  await screenshot(page, ctx.artifacts, 'editor-problems');

  // Undo: the finding goes away as soon as the edit does.
  await page.keyboard.press('Control+z');
  await page.locator('[data-testid="problems-panel"][data-count="0"]').waitFor();
  assertEqual(await diagnostic.count(), 0, 'no finding after undo');
  await waitForCurrentLayout(page);
  assertEqual(await page.locator('[data-testid="node-badge"]').count(), 0, 'no badge after undo');
});

test('Shapes: connections are labelled with inferred shapes, C×H×W with the full form in the tooltip; the toggle hides them', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  await openSqueezeNet(page);
  // On by default.
  assert(await page.getByTestId('toggle-shapes').isChecked(), 'the Shapes toggle starts on');
  const label = page.locator(`.react-flow__edge[data-id="${edgeId(0, 1)}"] [data-testid="edge-shape"]`);
  await label.waitFor();
  // NeuralNetwork.proto: blobs are rank 5, [Seq, Batch, C, H, W]; sequence and batch of 1 are left off the label.
  assertEqual(await label.textContent(), '64×113×113', 'conv1’s output shape on the conv1 → relu_conv1 connection');
  assertEqual(await label.getAttribute('data-full'), '1×1×64×113×113 (sequence × batch × channels × height × width)', 'the full form for the tooltip');
  assertEqual(await page.locator(`.react-flow__edge[data-id="description.input[0][0]->${layerId(0)}[0]"] [data-testid="edge-shape"]`).textContent(), '3×227×227', 'the image input’s shape');
  await screenshot(page, ctx.artifacts, 'editor-shapes');
  await page.getByTestId('toggle-shapes').uncheck();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="edge-shape"]').length === 0);
  await page.getByTestId('toggle-shapes').check();
  await label.waitFor();
});

test('context menus: expose a blob as an output from an edge, and a node’s menu', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const blob = layersOf(load())[2].output![0];
  await openSqueezeNet(page);
  // Right click on the pool1 → fire2/squeeze1x1 connection.
  const at = await edgeMidpoint(page, edgeId(2, 3));
  await page.mouse.click(at.x, at.y, { button: 'right' });
  const menu = page.getByTestId('context-menu');
  await menu.waitFor();
  assertEqual(await menu.getAttribute('data-target'), 'edge', 'an edge menu');
  await screenshot(page, ctx.artifacts, 'editor-edge-menu');
  await page.getByTestId('menu-expose').click();
  await page.getByTestId('model-outputs').getByTestId('feature-name').filter({ hasText: blob }).waitFor();
  assertEqual((await history(page)).labels.at(-1), `Expose blob ${blob} as an output`, 'history label');

  // A layer's menu lists what can be done to it.
  await page.locator(`[data-testid="graph-node"][data-node-id="${layerId(0)}"]`).click({ button: 'right' });
  await menu.waitFor();
  const items = await menu.locator('button[role="menuitem"]').allInnerTexts();
  for (const want of ['Rename…', 'Delete', 'Insert layer after…', 'Replace with a custom layer', 'Replace with a built-in layer…', 'Convert this layer’s weights to fp16']) {
    assert(items.some((t) => t.startsWith(want)), `the layer menu offers "${want}" (has ${JSON.stringify(items)})`);
  }
  await screenshot(page, ctx.artifacts, 'editor-node-menu');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-testid="context-menu"]'));
});
