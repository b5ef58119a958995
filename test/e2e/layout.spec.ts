// The canvas layout as a person sees it: model_cpm and a 10,000-layer chain are laid out by the
// layered layout (never the fallback), and edits do not lay the graph out again: a rename leaves
// every node where it was, an insert places only the new layer and moves the ones below it down.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { encodeModel } from '../../shared/format/model';
import { buildChainModel } from '../../bench/synthetic';
import { edgeMidpoint, modelFile, needShared, openModel, screenshot, searchAndSelect, settled, waitForCurrentLayout, waitForDocument } from './app';
import { assert, assertEqual, test } from './harness';

const CPM = 'tucan9389__PoseEstimation-CoreML/model_cpm.mlmodel';
const SQUEEZENET = 'tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel';

/** Rendered nodes by label (layer or feature name): their position in graph coordinates. */
async function renderedPositions(page: Page): Promise<Map<string, { x: number; y: number }>> {
  const list = await page.evaluate<[string, number, number][]>(`[...document.querySelectorAll('.react-flow__node')].map((n) => {
    const g = n.querySelector('[data-testid="graph-node"]');
    const m = /translate\\(([-\\d.]+)px, ?([-\\d.]+)px\\)/.exec(n.style.transform);
    return g && m ? [g.getAttribute('data-kind') + ':' + g.getAttribute('data-label'), Number(m[1]), Number(m[2])] : null;
  }).filter(Boolean)`);
  return new Map(list.map(([k, x, y]) => [k, { x, y }]));
}

async function layoutMode(page: Page): Promise<string | null> {
  return page.getByTestId('canvas').getAttribute('data-layout-mode');
}

test('layout: model_cpm is laid out by the layered layout, with shapes on its edges as C×H×W', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  await openModel(page, modelFile(CPM));
  await waitForDocument(page, 'model_cpm.mlmodel');
  assertEqual(await layoutMode(page), 'full', 'a new document is laid out in full');
  assertEqual(await page.getByTestId('canvas').getAttribute('data-show-shapes'), 'true', 'shapes are shown by default');
  const input = page.locator('.react-flow__edge[data-id^="description.input[0]"] [data-testid="edge-shape"]').first();
  await input.waitFor();
  // NeuralNetwork.proto maps the 192×192 RGB image to [Seq, Batch, C, H, W] = 1×1×3×192×192.
  assertEqual(await input.textContent(), '3×192×192', 'the image input’s shape on its edge');
  assertEqual(await input.getAttribute('data-full'), '1×1×3×192×192 (sequence × batch × channels × height × width)', 'the full Core ML form for the tooltip');
  await screenshot(page, ctx.artifacts, 'layout-model_cpm-top');
  await page.getByTestId('zoom-fit').click();
  await settled(page);
  await screenshot(page, ctx.artifacts, 'layout-model_cpm-whole');
  // Where a stage joins its features with the previous stage's maps (long edges with routes).
  await searchAndSelect(page, 'concat');
  await settled(page);
  await screenshot(page, ctx.artifacts, 'layout-model_cpm-concat');
});

test('layout: a 10,000-layer chain is laid out without the fallback, as one straight line', async (ctx) => {
  const { page } = ctx;
  mkdirSync(ctx.artifacts, { recursive: true });
  const file = join(ctx.artifacts, 'chain-10000.mlmodel');
  writeFileSync(file, encodeModel(buildChainModel(10_000)));
  await openModel(page, file);
  await waitForDocument(page, 'chain-10000.mlmodel');
  assertEqual(await page.getByTestId('canvas').getAttribute('data-layout-status'), 'done', 'the real layout, not the fallback');
  // Every layer of a chain is centred on one vertical line, each in its own row (widths differ:
  // compare centres; offsetWidth is the node's unscaled width).
  const nodes = await page.evaluate<{ centre: number; y: number }[]>(`[...document.querySelectorAll('.react-flow__node')].map((n) => {
    const m = /translate\\(([-\\d.]+)px, ?([-\\d.]+)px\\)/.exec(n.style.transform);
    return { centre: Number(m[1]) + n.offsetWidth / 2, y: Number(m[2]) };
  })`);
  assert(nodes.length >= 3, `several nodes are drawn at the top (got ${nodes.length})`);
  const centres = nodes.map((n) => n.centre);
  assert(Math.max(...centres) - Math.min(...centres) <= 1, `one vertical line (centres ${centres.join(', ')})`);
  assertEqual(new Set(nodes.map((n) => n.y)).size, nodes.length, 'one node per row');
  await screenshot(page, ctx.artifacts, 'layout-chain-10000-top');
});

test('layout: renaming keeps every node where it was; inserting places only the new layer', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  await openModel(page, modelFile(SQUEEZENET));
  await waitForDocument(page, 'SqueezeNetFP16.mlmodel');
  const before = await renderedPositions(page);
  assert(before.size > 5, `nodes drawn (${before.size})`);

  // Rename a layer in place (select, F2, type, Enter).
  const conv1 = page.locator('[data-testid="graph-node"][data-kind="layer"][data-label="conv1"]');
  await conv1.click();
  await page.keyboard.press('F2');
  await page.getByTestId('rename-input').fill('first_convolution');
  await page.getByTestId('rename-input').press('Enter');
  await page.locator('[data-testid="graph-node"][data-label="first_convolution"]').waitFor();
  await waitForCurrentLayout(page);
  assertEqual(await layoutMode(page), 'same', 'a rename keeps the layout');
  const renamed = await renderedPositions(page);
  assertEqual(await page.locator('[data-testid="graph-node"][data-label="conv1"]').count(), 0, 'no stale name on the canvas');
  for (const [k, p] of before) {
    if (k === 'layer:conv1') continue;
    const q = renamed.get(k);
    if (q) assertEqual(q, p, `${k} after the rename`);
  }
  const oldConv = before.get('layer:conv1')!, newConv = renamed.get('layer:first_convolution')!;
  assertEqual(newConv.y, oldConv.y, 'the renamed layer stays in its row');

  // Insert a bias layer on conv1 → relu_conv1 (click the edge, then the palette type).
  const relu = before.get('layer:relu_conv1')!;
  const at = await edgeMidpoint(page, 'neuralNetworkClassifier.layers[0][0]->neuralNetworkClassifier.layers[1][0]');
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction(() => window.__mlsurgeon!.view().edgeSelection !== null);
  await page.getByTestId('left-tab-layers').click();
  await page.locator('[data-testid="palette-item"][data-type="bias"]').click();
  await page.locator('[data-testid="graph-node"][data-type="bias"]').waitFor();
  await waitForCurrentLayout(page);
  assertEqual(await layoutMode(page), 'incremental', 'an insert places only what is new');
  const inserted = await renderedPositions(page);
  const bias = [...inserted.keys()].find((k) => !renamed.has(k));
  assert(bias, 'the new layer is drawn');
  const b = inserted.get(bias)!;
  assert(b.y > newConv.y && b.y <= relu.y, `the new layer sits between conv1 (${newConv.y}) and relu_conv1 (${relu.y}), at ${b.y}`);
  const dy = inserted.get('layer:relu_conv1')!.y - relu.y;
  assert(dy > 0, 'the layers below move down to make room');
  for (const [k, p] of renamed) {
    const q = inserted.get(k);
    if (!q) continue;
    if (p.y < b.y) assertEqual(q, p, `${k} (above the new layer) stays`);
    else assertEqual(q, { x: p.x, y: p.y + dy }, `${k} (below the new layer) moves down by ${dy}`);
  }
  await screenshot(page, ctx.artifacts, 'layout-after-insert');

  // Undo the insert: every node goes back to where it was after the rename.
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => !document.querySelector('[data-testid="graph-node"][data-type="bias"]'));
  await waitForCurrentLayout(page);
  const undone = await renderedPositions(page);
  for (const [k, p] of renamed) {
    const q = undone.get(k);
    if (q) assertEqual(q, p, `${k} after undo`);
  }
});
