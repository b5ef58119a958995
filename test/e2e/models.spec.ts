// Every readable model in ../shared/models opens in the browser build: the canvas holds one node
// per layer (NeuralNetwork) or operation (ML Program, constants unfolded), as many as the
// manifest counts, and the model panel lists the manifest's input and output names.
import { basename } from 'node:path';
import { isReadable, manifest, sharedPresent } from '../support/shared-data';
import { canvasCounts, featureNames, needShared, openManifestModel } from './app';
import { assert, assertEqual, test } from './harness';

/** "image: image 227x227 BGR" → "image" (names come before the first ": "). */
const featureName = (s: string): string => s.slice(0, s.indexOf(': '));

/** Small enough that zoom-to-fit shows every node, so the DOM must hold them all. */
const ALL_RENDERED_LIMIT = 40;

const models = sharedPresent ? manifest().filter(isReadable) : [];
if (!sharedPresent) test('open every readable model', async (ctx) => needShared(ctx));

for (const m of models) {
  test(`opens ${m.file}`, async (ctx) => {
    needShared(ctx);
    const { page } = ctx;
    const name = await openManifestModel(page, m);
    const expectedLayers = (m.nn_layers ?? 0) + (m.mlprogram?.op_count ?? 0);
    if (m.mlprogram) {
      // Counting operations means counting const operations too: fold constants off.
      await page.getByTestId('fold-constants').uncheck();
      await page.waitForFunction(
        (n) => document.querySelector('[data-testid="canvas"]')?.getAttribute('data-layer-count') === String(n) &&
          document.querySelector('[data-testid="canvas"]')?.getAttribute('data-layout-status') === 'done',
        expectedLayers, { timeout: 90_000 },
      ).catch(() => undefined);
    }
    const counts = await canvasCounts(page);
    assertEqual(counts.layers, expectedLayers, `${m.file}: layer/operation nodes on the canvas`);
    const hook = await page.evaluate(() => window.__mlsurgeon!.document());
    assert(hook, 'the test hook sees a document');
    assertEqual(hook.name, name, 'open document');
    assertEqual(hook.nodes.filter((n) => n.kind === 'layer' || n.kind === 'operation').length, expectedLayers, `${m.file}: layer nodes in the store`);
    assertEqual(await featureNames(page, 'model-inputs'), (m.inputs ?? []).map(featureName), `${m.file}: inputs in the model panel`);
    assertEqual(await featureNames(page, 'model-outputs'), (m.outputs ?? []).map(featureName), `${m.file}: outputs in the model panel`);
    assertEqual(await page.getByTestId('model-type').textContent(), m.type ?? m.model_tree?.[0] ?? '', `${m.file}: model type`);
    const userDefined = await page.getByTestId('metadata-user-defined').locator('.k').allTextContents();
    assertEqual(userDefined.sort(), [...(m.metadata?.userDefined_keys ?? [])].sort(), `${m.file}: user-defined metadata keys`);
    // "neuralNetworkClassifier: 1000 string labels" → 1000
    const labelCounts = m.class_labels.map((c) => Number(/: (\d+) /.exec(c)?.[1])).sort((a, b) => a - b);
    const shownCounts = (await page.getByTestId('class-labels').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))).sort((a, b) => a - b);
    assertEqual(shownCounts, labelCounts, `${m.file}: class label lists and their sizes`);
    assertEqual(await page.locator('[data-testid="model-preprocessing"] .preprocessing').count(), m.preprocessing.length, `${m.file}: preprocessing entries`);
    if (counts.nodes + counts.groups <= ALL_RENDERED_LIMIT) {
      await page.getByTestId('zoom-fit').click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="graph-node"]').length === n, counts.nodes, { timeout: 5_000 }).catch(() => undefined);
      const dom = await page.locator('[data-testid="graph-node"]').count();
      assertEqual(dom, counts.nodes, `${m.file}: graph nodes rendered in the DOM`);
      const domLayers = await page.locator('[data-testid="graph-node"][data-kind="layer"], [data-testid="graph-node"][data-kind="operation"]').count();
      assertEqual(domLayers, expectedLayers, `${m.file}: layer nodes rendered in the DOM`);
      assertEqual(await page.locator('[data-testid="graph-group"]').count(), counts.groups, `${m.file}: groups rendered in the DOM`);
    }
    assertEqual(basename(m.file), name, 'document name is the file name');
  });
}
