// Screenshots of different kinds of model for people to look at (test-results/screenshots/),
// with the checks that make each one meaningful: the right model, laid out, a selection shown.
import { needShared, modelFile, openModel, openPackage, screenshot, settled, waitForDocument } from './app';
import { assert, assertEqual, test } from './harness';

test('screenshot: SqueezeNet classifier with a convolution selected', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  await openModel(page, modelFile('tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel'));
  await waitForDocument(page, 'SqueezeNetFP16.mlmodel');
  await page.locator('[data-testid="graph-node"][data-label="fire2/expand3x3"]').click();
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

test('screenshot: pipeline classifier (FruitClassifier) with preprocessing and class labels', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  await openModel(page, modelFile('MoonAndEye__CreateMLDemo/FruitClassifier.mlmodel'));
  await waitForDocument(page, 'FruitClassifier.mlmodel');
  await page.locator('[data-testid="graph-node"][data-kind="model"]').first().click();
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
  await openModel(page, modelFile('tucan9389__PoseEstimation-CoreML/model_cpm.mlmodel'));
  await waitForDocument(page, 'model_cpm.mlmodel');
  await screenshot(page, ctx.artifacts, 'pose-cpm-top');
  await page.getByTestId('zoom-fit').click();
  await screenshot(page, ctx.artifacts, 'pose-cpm-fit');
});

test('screenshot: empty state', async (ctx) => {
  await screenshot(ctx.page, ctx.artifacts, 'empty-state');
});
