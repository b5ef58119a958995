// Ways in: drag-and-drop of a file onto the window, and saving what was opened.
import { readFileSync } from 'node:fs';
import { needShared, modelFile, openModel, screenshot, waitForDocument } from './app';
import { assertEqual, assertIncludes, test } from './harness';

const IDENTITY = 'findit-studio__coremlit/identity.mlmodel';

test('dropping a .mlmodel file on the window opens it', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const bytes = [...readFileSync(modelFile(IDENTITY))];
  await page.getByTestId('app').evaluate((app, data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(data)], 'identity.mlmodel'));
    app.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    app.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await waitForDocument(page, 'identity.mlmodel');
  assertEqual(await page.getByTestId('model-inputs').getByTestId('feature-name').allTextContents(), ['x'], 'inputs of the dropped model');
});

test('Download writes the model back byte for byte', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const path = modelFile('hollance__CoreML-Custom-Layers/NeuralMcNeuralNet.mlmodel');
  await openModel(page, path);
  await waitForDocument(page, 'NeuralMcNeuralNet.mlmodel');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save').click()]);
  assertEqual(download.suggestedFilename(), 'NeuralMcNeuralNet.mlmodel', 'download name');
  const saved = `${ctx.artifacts}/saved-${download.suggestedFilename()}`;
  await download.saveAs(saved);
  assertEqual(readFileSync(saved).equals(readFileSync(path)), true, 'saved bytes equal the original');
});

test('a slow layout shows "Laying out…" with Cancel, and cancelling shows a quick arrangement', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  // Makes ELK's worker hold every layout request: the test does not depend on how fast ELK is.
  // elk-worker.min.js installs `self.onmessage = dispatcher.saveDispatch`; wrap it after it runs.
  await page.context().route(/elk-worker[^/]*\.js$/, async (route) => {
    const response = await route.fetch();
    const body = `${await response.text()}
;(() => { const dispatch = self.onmessage; self.onmessage = (e) => { if (e.data && e.data.cmd === 'layout') return; dispatch.call(self, e); }; })();`;
    await route.fulfill({ response, body });
  });
  await openModel(page, modelFile('hollance__CoreML-Custom-Layers/NeuralMcNeuralNet.mlmodel'));
  await page.getByTestId('layout-indicator').filter({ hasText: 'Laying out' }).waitFor();
  await page.getByTestId('layout-cancel').click();
  await page.locator('[data-testid="canvas"][data-layout-status="fallback"]').waitFor();
  assertIncludes((await page.getByTestId('layout-note').textContent()) ?? '', 'Layout cancelled', 'note after cancelling');
  const nodes = Number(await page.getByTestId('canvas').getAttribute('data-node-count'));
  await page.getByTestId('zoom-fit').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="graph-node"]').length === n, nodes);
  assertEqual(await page.getByTestId('layout-indicator').count(), 0, 'indicator gone');
  await screenshot(page, ctx.artifacts, 'layout-fallback');
});
