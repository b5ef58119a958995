// Bad input never replaces the open model: the page says which file and why, and the model that
// was open stays open.
import { needShared, modelFile, openModel, waitForDocument, featureNames } from './app';
import { assertEqual, assertIncludes, test } from './harness';

test('empty state says how to open a model', async ({ page }) => {
  const text = (await page.getByTestId('empty-state').textContent()) ?? '';
  assertIncludes(text, 'Open a Core ML model', 'empty state heading');
  assertIncludes(text, '.mlpackage', 'empty state mentions packages');
});

test('an unreadable file shows an error and keeps the open model', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  await openModel(page, modelFile('hollance__CoreML-Custom-Layers/NeuralMcNeuralNet.mlmodel'));
  await waitForDocument(page, 'NeuralMcNeuralNet.mlmodel');
  const inputsBefore = await featureNames(page, 'model-inputs');
  const layersBefore = await page.getByTestId('canvas').getAttribute('data-layer-count');

  await openModel(page, modelFile('nbnitin__CoreML/ObjectDetector.mlmodel'));
  const problem = page.getByTestId('problem').filter({ hasText: 'ObjectDetector.mlmodel' });
  await problem.waitFor();
  assertEqual((await problem.textContent())?.replace('×', '').trim(), 'ObjectDetector.mlmodel: macOS alias file, not a model', 'error message');
  assertEqual(await page.getByTestId('canvas').getAttribute('data-doc-name'), 'NeuralMcNeuralNet.mlmodel', 'open document after the failure');
  assertEqual(await featureNames(page, 'model-inputs'), inputsBefore, 'model panel after the failure');
  assertEqual(await page.getByTestId('canvas').getAttribute('data-layer-count'), layersBefore, 'canvas after the failure');
  assertEqual(await page.getByTestId('doc-title').textContent(), 'NeuralMcNeuralNet.mlmodel', 'title after the failure');

  await openModel(page, modelFile('apple__coremltools/simple_layer.mlmodel'));
  const second = page.getByTestId('problem').filter({ hasText: 'simple_layer.mlmodel' });
  await second.waitFor();
  assertIncludes((await second.textContent()) ?? '', 'simple_layer.mlmodel: ', 'second error names the file');
  assertEqual(await page.getByTestId('canvas').getAttribute('data-doc-name'), 'NeuralMcNeuralNet.mlmodel', 'open document after the second failure');
});

test('the off-screen rehearsal of drawing leaves nothing behind and no error', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.reload();
  await page.getByTestId('empty-state').waitFor();
  // canvas/Rehearsal.tsx adds one element to <body> while it draws, then removes it.
  await page.waitForFunction(() => performance.getEntriesByName('mlsurgeon:rehearsal-drawn').length > 0);
  assertEqual(await page.evaluate(() => document.body.children.length), 1, 'only the app root remains in <body>');
  assertEqual(await page.locator('[data-testid="graph-node"]').count(), 0, 'no graph node is visible to the page');
  // It rendered the model panel and the inspector on its own store: the workspace is still empty.
  assertEqual(await page.getByTestId('empty-state').isVisible(), true, 'the empty state is still shown');
  assertEqual(await page.locator('[data-testid="model-panel"], [data-testid="inspector"]').count(), 0, 'no panel of a document in the page');
  assertEqual(errors, [], 'no page error');
});
