// Ways in: drag-and-drop of a file onto the window, and saving what was opened.
import { readFileSync } from 'node:fs';
import { needShared, modelFile, openModel, waitForDocument } from './app';
import { assertEqual, test } from './harness';

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
