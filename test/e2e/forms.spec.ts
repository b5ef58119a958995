// Forms edit the element they show: a form left over from the previous selection must never be
// the one an Apply sends. Selecting another element, or another revision of the same one, starts
// the form again from that element's values. Expectations are read from the file with shared/'s
// decoder.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { decodeModel } from '../../shared/format/model';
import type { Model } from '../../shared/format/schema/types.generated';
import { modelFile, needShared, openModel, screenshot, waitForDocument } from './app';
import { assert, assertEqual, test } from './harness';

const CUSTOM = 'hollance__CoreML-Custom-Layers/NeuralMcNeuralNet.mlmodel';

const load = (rel: string): Model => decodeModel(new Uint8Array(readFileSync(modelFile(rel))));

async function open(page: Page, rel: string): Promise<void> {
  await openModel(page, modelFile(rel));
  await waitForDocument(page, rel.slice(rel.lastIndexOf('/') + 1));
}

/** Clicks a feature in the model panel and waits until the inspector shows it. */
async function selectFeature(page: Page, panel: 'model-inputs' | 'model-outputs', name: string, id: string): Promise<void> {
  await page.getByTestId(panel).getByTestId('feature-name').filter({ hasText: name }).click();
  await page.locator(`[data-testid="inspector"][data-selected=${JSON.stringify(id)}]`).waitFor();
}

const value = (page: Page, testId: string): Promise<string> => page.getByTestId('feature-editor').getByTestId(testId).inputValue();

test('the type and shape form shows the selected feature, not the one selected before', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const spec = load(CUSTOM);
  const input = spec.description!.input![0];
  const output = spec.description!.output![0];
  assert(input.type?.imageType && output.type?.multiArrayType, 'NeuralMcNeuralNet maps an image to a multi-array');
  await open(page, CUSTOM);

  // The output first: its form is a multi-array one.
  await selectFeature(page, 'model-outputs', output.name!, 'description.output[0]');
  assertEqual(await value(page, 'feature-kind'), 'multiArray', 'the output’s kind');
  assertEqual(await value(page, 'feature-shape'), output.type.multiArrayType.shape!.map(Number).join(', '), 'the output’s shape');
  assertEqual(await value(page, 'feature-description'), output.shortDescription, 'the output’s description');
  // A change typed into the output's form and left unapplied belongs to the output only.
  await page.getByTestId('feature-editor').getByTestId('feature-description').fill('typed but not applied');

  // Then the input: the form shows the input's own values, with nothing to apply.
  await selectFeature(page, 'model-inputs', input.name!, 'description.input[0]');
  assertEqual(await value(page, 'feature-kind'), 'image', 'the input’s kind');
  assertEqual(await value(page, 'feature-width'), String(input.type.imageType.width), 'the input’s width');
  assertEqual(await value(page, 'feature-height'), String(input.type.imageType.height), 'the input’s height');
  assertEqual(await value(page, 'feature-color-space'), 'RGB', 'the input’s colour space');
  assertEqual(await value(page, 'feature-description'), input.shortDescription, 'the input’s description');
  assertEqual(await page.getByTestId('feature-shape').count(), 0, 'no multi-array shape field for an image input');
  assert(await page.getByTestId('feature-apply').isDisabled(), 'Apply is disabled: nothing was changed on the input');
  await screenshot(page, ctx.artifacts, 'forms-input-after-output');

  // And back: the output's form starts again from the output's values.
  await selectFeature(page, 'model-outputs', output.name!, 'description.output[0]');
  assertEqual(await value(page, 'feature-description'), output.shortDescription, 'the output’s description, not the unapplied text');
  assert(await page.getByTestId('feature-apply').isDisabled(), 'Apply is disabled on the output too');
  assertEqual((await page.evaluate(() => window.__mlsurgeon!.history())).labels.length, 1, 'no edit was made');
});
