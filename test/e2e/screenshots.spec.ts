// Screenshots of different kinds of model for people to look at (test-results/screenshots/),
// with the checks that make each one meaningful: the right model, laid out, a selection shown.
import { readFileSync } from 'node:fs';
import { decodeModel } from '../../shared/format/model';
import type { Model } from '../../shared/format/schema/types.generated';
import { canvasCounts, clickVisiblePart, featureNames, needShared, modelFile, nodesInView, openModel, openPackage, screenshot, settled, waitForDocument } from './app';
import { assert, assertEqual, assertIncludes, test } from './harness';

const load = (rel: string): Model => decodeModel(new Uint8Array(readFileSync(modelFile(rel))));

test('screenshot: SqueezeNet classifier with a convolution selected', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  await openModel(page, modelFile('tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel'));
  await waitForDocument(page, 'SqueezeNetFP16.mlmodel');
  await clickVisiblePart(page, page.locator('[data-testid="graph-node"][data-label="fire2/expand3x3"]'));
  await page.getByTestId('weights').first().waitFor();
  assert(await page.getByTestId('class-labels').isVisible(), 'class labels are listed');
  await screenshot(page, ctx.artifacts, 'squeezenet-fp16');
});

test('screenshot: pipeline regressor (MRT) with its sub-model groups', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  await openModel(page, modelFile('Appletone__iPlayground-CreateML/MRT.mlmodel'));
  await waitForDocument(page, 'MRT.mlmodel');
  assertEqual(await page.locator('[data-testid="graph-group"]').count(), 5, 'one group per pipeline stage');
  await page.locator('[data-testid="graph-node"][data-kind="model"]').last().click();
  await screenshot(page, ctx.artifacts, 'mrt-pipeline');
  // Every edge is drawn, including those that cross from one stage's group into the next.
  const edges = Number(await page.getByTestId('canvas').getAttribute('data-edge-count'));
  assertEqual(await page.locator('.react-flow__edge').count(), edges, 'edges drawn');
  // Collapsing a stage re-attaches the edges of its contents to the collapsed group.
  const group = page.locator('[data-testid="graph-group"]').filter({ hasText: 'featureVectorizer' });
  await group.getByTestId('group-toggle').click();
  await page.locator('[data-testid="graph-group"][data-collapsed="true"]').filter({ hasText: 'featureVectorizer' }).waitFor();
  await waitForDocument(page, 'MRT.mlmodel');
  const collapsedId = await group.getAttribute('data-group-id');
  const attached = await page.evaluate((id) => [...document.querySelectorAll('.react-flow__edge')]
    .filter((e) => (e.getAttribute('aria-label') ?? '').endsWith(` to ${id}`)).length, collapsedId!);
  assertEqual(attached, 4, 'edges into the collapsed featureVectorizer stage (its four inputs)');
  await screenshot(page, ctx.artifacts, 'mrt-collapsed');
});

test('screenshot: pipeline classifier (FruitClassifier) with its flexible image input and class labels', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const spec = load('MoonAndEye__CreateMLDemo/FruitClassifier.mlmodel');
  const stages = spec.pipelineClassifier!.pipeline!.models!;
  const glm = stages.find((m) => m.glmClassifier)!;
  const labels = glm.glmClassifier!.stringClassLabels!.vector!;
  assertEqual(labels, ['Apple', 'Banana'], 'FruitClassifier’s class labels (from the file)');
  await openModel(page, modelFile('MoonAndEye__CreateMLDemo/FruitClassifier.mlmodel'));
  await waitForDocument(page, 'FruitClassifier.mlmodel');
  // One group per pipeline stage, titled with the stage's model type.
  const groups = page.locator('[data-testid="graph-group"]');
  assertEqual(await groups.count(), stages.length, 'one group per pipeline stage');
  assertIncludes((await groups.nth(0).textContent()) ?? '', 'visionFeaturePrint', 'the first stage');
  assertIncludes((await groups.nth(1).textContent()) ?? '', 'glmClassifier', 'the second stage');
  // The model's own interface in the model panel, and on the canvas.
  assertEqual(await featureNames(page, 'model-inputs'), spec.description!.input!.map((f) => f.name!), 'inputs listed');
  assertEqual(await featureNames(page, 'model-outputs'), spec.description!.output!.map((f) => f.name!), 'outputs listed');
  const image = spec.description!.input![0].type!.imageType!;
  const input = page.locator('[data-testid="graph-node"][data-kind="input"][data-label="image"]').first();
  assertIncludes((await input.textContent()) ?? '', `${image.width}×${image.height} BGR`, 'the input node shows the image size and colour order');
  // The class labels: listed in the model panel and on the classLabel output node.
  assertEqual(await page.getByTestId('class-labels').getAttribute('data-count'), String(labels.length), 'class labels listed');
  assertEqual(await page.getByTestId('class-labels').locator('.label-list li').allTextContents(), labels.map((l, i) => `${i}${l}`), 'the labels in order');
  const classLabel = page.locator('[data-testid="graph-node"][data-kind="output"][data-label="classLabel"]').last();
  for (const l of labels) assertIncludes((await classLabel.textContent()) ?? '', l, 'the classLabel output node lists the labels');
  // The feature print stage selected: the inspector shows its scene version.
  await page.locator('[data-testid="graph-node"][data-kind="model"]').first().click();
  await page.locator('[data-testid="inspector"][data-selected="pipelineClassifier.pipeline.models[0].visionFeaturePrint"]').waitFor();
  assertEqual(await page.getByTestId('inspector-name').textContent(), 'Vision Feature Print', 'inspector title');
  assertEqual(await page.locator('[data-testid="inspector"] [data-field="version"] .field-value').first().textContent(), 'SCENE_VERSION_1', 'scene version');
  // The whole small graph is on screen.
  const counts = await canvasCounts(page);
  assertEqual((await nodesInView(page)).length, counts.nodes, 'every node is drawn inside the canvas');
  await screenshot(page, ctx.artifacts, 'fruit-classifier');
});

test('screenshot: yolov8n ML Program package, groups collapse and expand', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  await openPackage(page, modelFile('saadiahl__cat_feeder_project/yolov8n.mlpackage'));
  await waitForDocument(page, 'yolov8n.mlpackage');
  await page.locator('[data-testid="graph-node"][data-type="conv"]').first().click();
  await page.getByTestId('inspector-op-inputs').waitFor();
  await screenshot(page, ctx.artifacts, 'yolov8n-package');

  // Collapsing the ML Program stage hides its operations behind one node; expanding restores
  // them. Found by search, toggled with Enter, as a keyboard user would.
  const hook = await page.evaluate(() => window.__mlsurgeon!.document()!.groups);
  const stage = hook.find((g) => g.kind === 'pipelineModel' && g.label.includes('mlProgram'));
  assert(stage, 'the pipeline has an ML Program stage');
  await page.keyboard.press('Control+f');
  await page.getByTestId('search-input').fill(stage.label);
  await page.locator(`[data-testid="inspector"][data-selected=${JSON.stringify(stage.id)}]`).waitFor();
  await page.getByTestId('search-input').blur();
  await page.keyboard.press('Enter');
  // The collapsed stage is laid out again and brought into view.
  await page.locator(`[data-testid="graph-group"][data-group-id=${JSON.stringify(stage.id)}][data-collapsed="true"]`).waitFor();
  await waitForDocument(page, 'yolov8n.mlpackage');
  assertEqual(await page.evaluate(() => window.__mlsurgeon!.view().collapsed), [stage.id], 'collapsed groups');
  assertEqual(await page.locator('[data-testid="graph-node"][data-kind="operation"]').count(), 0, 'no operations rendered while collapsed');
  await page.getByTestId('zoom-fit').click();
  await screenshot(page, ctx.artifacts, 'yolov8n-collapsed');
  // Finding an operation hidden in the collapsed stage expands it, selects and centres the match.
  await page.getByTestId('search-input').fill('input_1_cast_fp16');
  await page.locator(`[data-testid="graph-group"][data-group-id=${JSON.stringify(stage.id)}][data-collapsed="false"]`).waitFor();
  const match = page.locator('[data-testid="graph-node"].selected');
  await match.waitFor();
  assertEqual(await match.getAttribute('data-label'), 'input_1_cast_fp16', 'selected match');
  await settled(page);
  const box = (await match.boundingBox())!;
  const pane = (await page.getByTestId('canvas').boundingBox())!;
  assert(box.y >= pane.y && box.y + box.height <= pane.y + pane.height && box.x >= pane.x && box.x + box.width <= pane.x + pane.width, 'the match is inside the visible canvas');
});

test('screenshot: pose estimation network (757 layers)', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const spec = load('tucan9389__PoseEstimation-CoreML/model_cpm.mlmodel');
  const layers = spec.neuralNetwork!.layers!;
  const input = spec.description!.input![0].name!;
  const output = spec.description!.output![0].name!;
  await openModel(page, modelFile('tucan9389__PoseEstimation-CoreML/model_cpm.mlmodel'));
  await waitForDocument(page, 'model_cpm.mlmodel');
  const counts = await canvasCounts(page);
  assertEqual(counts.layers, layers.length, 'every layer is a node');
  assertEqual(counts.nodes, layers.length + 2, 'layers, the input and the output');
  // Opened at the top: the input and the first layers are drawn, readable, inside the canvas.
  const top = await nodesInView(page);
  assertEqual(top[0], input, 'the input is the first node on screen');
  for (const l of layers.slice(0, 3)) assert(top.includes(l.name!), `${l.name} is on screen at the top`);
  assert(!top.includes(output), 'the output, 757 layers down, is not on screen yet');
  assert(top.length >= 5 && top.length < counts.nodes, `a readable part of the network is on screen (${top.length} nodes)`);
  await screenshot(page, ctx.artifacts, 'pose-cpm-top');
  // Zoom to fit shows the whole network, however tall (the zoom floor gives way to the graph).
  await page.getByTestId('zoom-fit').click();
  await settled(page);
  // Drawing 759 nodes at once can take React several frames after the viewport moved.
  await page.waitForFunction(`document.querySelectorAll('[data-testid="graph-node"]').length >= ${counts.nodes}`, undefined, { timeout: 10_000 }).catch(() => undefined);
  await settled(page);
  const fit = await nodesInView(page);
  assertEqual(fit.length, counts.nodes, `zoom to fit shows every node (${fit.length} of ${counts.nodes})`);
  assert(fit.every((l) => l === input || l === output || layers.some((x) => x.name === l)), 'only the model’s own nodes are drawn');
  await screenshot(page, ctx.artifacts, 'pose-cpm-fit');
});

test('screenshot: empty state', async (ctx) => {
  const { page } = ctx;
  const empty = page.getByTestId('empty-state');
  assert(await empty.isVisible(), 'the empty state is shown');
  assertEqual(await empty.locator('h1').textContent(), 'Open a Core ML model', 'its heading');
  assertIncludes((await empty.textContent()) ?? '', 'Drop a .mlmodel file or a .mlpackage folder', 'it says how to open a model');
  // The browser build opens through two buttons, both ready; nothing else acts without a model.
  assert(await page.getByTestId('open-file').isEnabled(), 'Open model… is enabled');
  assert(await page.getByTestId('open-folder').isEnabled(), 'Open .mlpackage… is enabled');
  assert(await page.getByTestId('search-input').isDisabled(), 'search is disabled');
  assert(await page.getByTestId('model-actions').isDisabled(), 'the Model menu is disabled');
  assertEqual(await page.getByTestId('canvas').count(), 0, 'no canvas');
  assertEqual(await page.getByTestId('model-panel').count(), 0, 'no model panel');
  const card = (await empty.locator('.empty-card').boundingBox())!;
  assert(card.width > 300 && card.height > 150, `the card is drawn at a readable size (${card.width}×${card.height})`);
  await screenshot(page, ctx.artifacts, 'empty-state');
});
