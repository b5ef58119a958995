// An edit that would damage the model says so before it lands: the UI refuses an edit that brings
// in validation errors, lists them, and applies it only through "Apply anyway", which the History
// list records; saving a model with errors asks first. Notices describe the revision they were
// raised on and go when it does.
import type { Page } from 'playwright-core';
import { modelFile, needShared, openModel, screenshot, waitForDocument } from './app';
import { assertEqual, assertIncludes, test } from './harness';

const SQUEEZENET = 'tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel';
const NAME = 'SqueezeNetFP16.mlmodel';
const LAYER = 'neuralNetworkClassifier.layers[3]';

async function history(page: Page): Promise<{ labels: string[]; current: number }> {
  return page.evaluate(() => window.__mlsurgeon!.history());
}

test('an edit that brings in an error is refused with the error shown; Apply anyway is recorded; Save asks first', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  await openModel(page, modelFile(SQUEEZENET));
  await waitForDocument(page, NAME);
  assertEqual(await page.getByTestId('problem-counts').getAttribute('data-errors'), '0', 'SqueezeNet validates clean');

  // Point layer 3's input at a blob nothing produces, through the inspector.
  await page.evaluate((id) => window.__mlsurgeon!.select(id), LAYER);
  await page.locator(`[data-testid="inspector"][data-selected="${LAYER}"]`).waitFor();
  await page.getByTestId('layer-input').first().click();
  await page.getByTestId('layer-input-editor').fill('no_such_blob');
  await page.getByTestId('layer-input-editor').press('Enter');

  const toast = page.getByTestId('toast');
  await toast.waitFor();
  assertEqual(await toast.getAttribute('data-kind'), 'refused', 'the edit is refused');
  assertEqual(await page.getByTestId('toast-title').textContent(), 'Not done: Set Convolution fire2/squeeze1x1 input[0] "no_such_blob"', 'the toast names the edit as the history would');
  assertEqual(await page.getByTestId('toast-message').textContent(), 'it would bring in 1 validation error:', 'the toast says why');
  const listed = toast.getByTestId('toast-diagnostic');
  assertEqual(await listed.count(), 1, 'one error listed');
  assertEqual(await listed.getAttribute('data-code'), 'layer-input-undefined', 'the error listed');
  assertIncludes((await listed.textContent()) ?? '', 'no_such_blob', 'the error names the blob');
  assertEqual((await history(page)).labels.length, 1, 'nothing was applied');
  assertEqual(await page.getByTestId('problem-counts').getAttribute('data-errors'), '0', 'still no errors');
  assertEqual(await page.getByTestId('dirty-indicator').count(), 0, 'not dirty');
  await screenshot(page, ctx.artifacts, 'checked-edit-refused');

  await page.getByTestId('apply-anyway').click();
  await page.waitForFunction(() => window.__mlsurgeon!.history().current === 1);
  const label = (await history(page)).labels[1];
  assertEqual(label, 'Set Convolution fire2/squeeze1x1 input[0] "no_such_blob" (applied despite 1 validation error)', 'the history label names the edit and says it was forced');
  await page.getByTestId('history-entry').filter({ hasText: '(applied despite 1 validation error)' }).waitFor();
  await page.locator('[data-testid="diagnostic"][data-code="layer-input-undefined"]').waitFor();
  await screenshot(page, ctx.artifacts, 'checked-edit-applied-anyway');
  // The refusal is replaced by what the edit did besides: pool1, which layer 3 read, is now read by nothing.
  await page.locator('[data-testid="toast"][data-kind="done"]').waitFor();
  assertEqual(await toast.getByTestId('toast-message').textContent(), 'It brings in 1 warning:', 'the new warning is said at once');
  assertEqual(await toast.getByTestId('toast-diagnostic').getAttribute('data-code'), 'layer-output-unused', 'pool1 computes for nothing');
  assertIncludes((await toast.getByTestId('toast-diagnostic').textContent()) ?? '', 'pool1', 'named');
  assertEqual(await page.getByTestId('apply-anyway').count(), 0, 'nothing left to apply');

  // Save asks first, naming the count and the error; Cancel downloads nothing.
  let downloads = 0;
  page.on('download', () => { downloads++; });
  await page.keyboard.press('Control+s');
  const dialog = page.getByTestId('dialog-save-with-errors');
  await dialog.waitFor();
  assertIncludes((await dialog.locator('h2').textContent()) ?? '', `Save ${NAME} with 1 validation error?`, 'the question names the count');
  assertIncludes((await dialog.getByTestId('save-error').first().textContent()) ?? '', 'no_such_blob', 'and the first error');
  await screenshot(page, ctx.artifacts, 'checked-edit-save-question');
  await dialog.getByTestId('save-with-errors-cancel').click();
  await dialog.waitFor({ state: 'detached' });
  assertEqual(await page.getByTestId('notice').count(), 0, 'no "Saved" notice');
  assertEqual(downloads, 0, 'nothing downloaded');

  // Save anyway writes it and says what was written.
  const [download] = await Promise.all([page.waitForEvent('download'), (async () => {
    await page.keyboard.press('Control+s');
    await dialog.getByTestId('save-with-errors-confirm').click();
  })()]);
  assertEqual(download.suggestedFilename(), NAME, 'download name');
  assertEqual(await page.getByTestId('notice').locator('span').textContent(), `Saved ${NAME} with 1 validation error.`, 'the notice');

  // Undo: the notice described the saved revision, so it goes.
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => window.__mlsurgeon!.history().current === 0);
  assertEqual(await page.getByTestId('notice').count(), 0, 'the notice is gone after undo');
});
