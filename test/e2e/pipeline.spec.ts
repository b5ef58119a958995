// Pipelines in the browser build, driven like a person: three models open in tabs, chained into
// a pipeline in the pipeline editor (ticked out of order, then put in order), downloaded, and the
// file read back with shared/ code: three sub-models, valid, and it computes the chain. Then the
// yolov8n package: its ML Program stage extracted to a tab of its own, NMS added back with the
// builder, and the package saved as a folder through the File System Access API. Headless
// Chromium has no folder picker a test can answer, so the page gets an in-memory directory
// handle; the app's writing code (host/packageFolder.ts) is the real one.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { runModel } from '../../shared/executor/index';
import { readPackage } from '../../shared/format/mlpackage';
import { decodeModel, encodeModel } from '../../shared/format/model';
import type { FeatureDescription, Model } from '../../shared/format/schema/types.generated';
import { formatDiagnostic, validateModel } from '../../shared/validate';
import { modelFile, needShared, openModel, openPackage, screenshot, waitForDocument } from './app';
import { assert, assertEqual, test } from './harness';

const DOUBLE = 65600, FLOAT32 = 65568;
const arr = (name: string, shortDescription: string): FeatureDescription => ({ name, shortDescription, type: { multiArrayType: { shape: [3], dataType: DOUBLE } } });
/** y = alpha·x + beta over a rank-1 array of 3, from `from` to `to`. */
const linear = (from: FeatureDescription, to: FeatureDescription, alpha: number, beta = 0): Model => ({
  specificationVersion: 1,
  description: { input: [from], output: [to] },
  neuralNetwork: { layers: [{ name: `${to.name}_layer`, input: [from.name!], output: [to.name!], activation: { linear: { alpha, beta } } }] },
});
const errors = (m: Model): string[] => validateModel(m).filter((d) => d.severity === 'error').map(formatDiagnostic);

const tabNames = (page: Page): Promise<string[]> => page.getByTestId('doc-tab').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''));
const activeDocument = (page: Page): Promise<string | undefined> => page.evaluate(() => window.__mlsurgeon!.document()?.name);

test('three models in tabs chained into a pipeline in the editor; the download has three sub-models, validates and computes the chain', async (ctx) => {
  const { page } = ctx;
  const models: [string, Model][] = [
    ['Double.mlmodel', linear(arr('x', 'The input'), arr('h', 'Doubled'), 2)],
    ['PlusOne.mlmodel', linear(arr('h', 'Doubled'), arr('y', 'Doubled plus one'), 1, 1)],
    // Reads y as FLOAT32 where PlusOne writes DOUBLE: a data type mismatch for the editor to fix.
    ['TimesTen.mlmodel', linear({ ...arr('y', 'Doubled plus one'), type: { multiArrayType: { shape: [3], dataType: FLOAT32 } } }, arr('z', 'Times ten'), 10)],
  ];
  // Opened out of order: the editor's order is the user's, not the tabs'.
  for (const [name, spec] of [models[1], models[0], models[2]]) {
    const path = join(ctx.artifacts, name);
    writeFileSync(path, encodeModel(spec));
    await openModel(page, path);
    await waitForDocument(page, name);
  }
  assertEqual(await tabNames(page), ['PlusOne.mlmodel', 'Double.mlmodel', 'TimesTen.mlmodel'], 'one tab per opened model, in opening order');
  assertEqual(await activeDocument(page), 'TimesTen.mlmodel', 'the last opened is shown');

  // Each tab keeps its own history: rename in the active tab, switch away and back, undo there.
  await page.getByTestId('doc-tab').filter({ hasText: 'Double.mlmodel' }).click();
  await waitForDocument(page, 'Double.mlmodel');
  assertEqual(await page.evaluate(() => window.__mlsurgeon!.history().labels.length), 1, 'Double.mlmodel: only its open in its history');

  await page.getByTestId('new-pipeline').click();
  const panel = page.getByTestId('pipeline-panel');
  await panel.waitFor();
  for (const name of ['PlusOne.mlmodel', 'Double.mlmodel', 'TimesTen.mlmodel']) await panel.locator(`[data-testid="pipeline-choose"][data-name="${name}"]`).check();
  const order = (): Promise<string[]> => panel.getByTestId('pipeline-order-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''));
  assertEqual(await order(), ['PlusOne.mlmodel', 'Double.mlmodel', 'TimesTen.mlmodel'], 'stages in the order ticked');
  await panel.locator('[data-testid="pipeline-order-item"][data-name="Double.mlmodel"]').getByTestId('order-up').click();
  assertEqual(await order(), ['Double.mlmodel', 'PlusOne.mlmodel', 'TimesTen.mlmodel'], 'Double moved up to the front');
  await panel.getByTestId('pipeline-name').fill('Chain');
  await screenshot(page, ctx.artifacts, 'pipeline-create');
  await panel.getByTestId('pipeline-make').click();

  await waitForDocument(page, 'Chain.mlmodel');
  assertEqual(await tabNames(page), ['PlusOne.mlmodel', 'Double.mlmodel', 'Chain.mlmodel', 'TimesTen.mlmodel'], 'the pipeline opens in a new tab after the active one');
  const made = await page.evaluate(() => window.__mlsurgeon!.document());
  assertEqual(made?.modelType, 'pipeline', 'the new document is a pipeline');
  assertEqual(made?.dirty, true, 'a new pipeline is unsaved');
  await panel.getByTestId('pipeline-edit').waitFor();
  assertEqual(await panel.getByTestId('pipeline-stage').count(), 3, 'the editor lists three stages');
  const mismatch = panel.getByTestId('pipeline-mismatch');
  assertEqual(await mismatch.count(), 1, 'one mismatch: y written as DOUBLE, read as FLOAT32');
  assertEqual(await mismatch.getAttribute('data-kind'), 'dataType', 'a data type mismatch');
  await screenshot(page, ctx.artifacts, 'pipeline-editor');
  await mismatch.getByTestId('pipeline-fix').filter({ hasText: 'input y as DOUBLE' }).click();
  await panel.getByTestId('pipeline-no-mismatch').waitFor();

  // Reorder in the editor (an undoable edit), then undo it.
  const stageOutputs = (): Promise<string[]> => panel.getByTestId('pipeline-stage').locator('.stage-io').allTextContents();
  const before = await stageOutputs();
  await panel.getByRole('button', { name: 'Move stage 3 up' }).click();
  await page.waitForFunction((n) => window.__mlsurgeon!.history().labels.length === n, 3);
  assertEqual((await stageOutputs())[1], before[2], 'stage 3 moved to position 2');
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => window.__mlsurgeon!.history().current === 1);
  assertEqual(await stageOutputs(), before, 'undo restores the order');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save').click()]);
  assertEqual(download.suggestedFilename(), 'Chain.mlmodel', 'download name');
  const saved = join(ctx.artifacts, 'Chain.mlmodel');
  await download.saveAs(saved);
  const spec = decodeModel(new Uint8Array(readFileSync(saved)));
  assertEqual(spec.pipeline?.models?.length, 3, 'three sub-models');
  assertEqual(spec.pipeline!.models!.map((m) => m.description!.output![0].name), ['h', 'y', 'z'], 'in the chosen order');
  assertEqual(errors(spec), [], 'validation errors');
  assertEqual(spec.description!.input!.map((f) => f.name), ['x'], 'pipeline input');
  assertEqual(spec.description!.output!.map((f) => [f.name, f.shortDescription]), [['z', 'Times ten']], 'pipeline output, described');
  const out = runModel(spec, new Map([['x', { kind: 'tensor', tensor: { shape: [3], data: Float32Array.from([1, 0, -1]) } }]])).outputs.get('z');
  assert(out?.kind === 'tensor', 'the pipeline outputs z');
  assertEqual(Array.from(out.tensor.data), [30, 10, -10], 'z = (2x + 1)·10');
  await page.getByTestId('doc-tab').filter({ hasText: 'Chain.mlmodel' }).getByTestId('doc-tab-dirty').waitFor({ state: 'detached' });
}, { timeoutMs: 240_000 });

/** An in-memory FileSystemDirectoryHandle tree behind window.showDirectoryPicker, readable back by the test. */
async function stubDirectoryPicker(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const makeDir = (name) => {
      const entries = new Map();
      const dir = {
        kind: 'directory', name, entries,
        async getDirectoryHandle(n, o) {
          const e = entries.get(n);
          if (e && e.kind === 'directory') return e;
          if (e || !(o && o.create)) throw new DOMException(n + ' not found', 'NotFoundError');
          const d = makeDir(n); entries.set(n, d); return d;
        },
        async getFileHandle(n, o) {
          let e = entries.get(n);
          if (!e) {
            if (!(o && o.create)) throw new DOMException(n + ' not found', 'NotFoundError');
            e = { kind: 'file', name: n, data: new Uint8Array(0),
              async createWritable() { const parts = []; return { async write(d) { parts.push(d instanceof Blob ? new Uint8Array(await d.arrayBuffer()) : new Uint8Array(d)); }, async close() { const len = parts.reduce((a, p) => a + p.length, 0); const all = new Uint8Array(len); let at = 0; for (const p of parts) { all.set(p, at); at += p.length; } e.data = all; } }; } };
            entries.set(n, e);
          }
          return e;
        },
        async removeEntry(n) { if (!entries.delete(n)) throw new DOMException(n + ' not found', 'NotFoundError'); },
      };
      return dir;
    };
    window.__pickedRoot = makeDir('Models');
    window.showDirectoryPicker = async () => window.__pickedRoot;
  })()`);
}

/** The files written under the stub's root: relative path → bytes. */
async function pickedFiles(page: Page): Promise<Map<string, Uint8Array>> {
  const listed = await page.evaluate<[string, number[] | null][]>(`(() => {
    const out = [];
    const walk = (d, prefix) => { for (const [n, e] of d.entries) { if (e.kind === 'directory') { out.push([prefix + n + '/', null]); walk(e, prefix + n + '/'); } else out.push([prefix + n, Array.from(e.data)]); } };
    walk(window.__pickedRoot, '');
    return out;
  })()`);
  return new Map(listed.filter(([, d]) => d).map(([p, d]) => [p, Uint8Array.from(d!)]));
}

test('yolov8n: extract its ML Program to a tab, add NMS back with the builder, save the package as a folder with its weights', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const pkgDir = modelFile('saadiahl__cat_feeder_project/yolov8n.mlpackage');
  await openPackage(page, pkgDir);
  await waitForDocument(page, 'yolov8n.mlpackage', 180_000);
  assertEqual((await page.evaluate(() => window.__mlsurgeon!.document()))?.modelType, 'pipeline', 'yolov8n opens as a pipeline');
  await page.getByTestId('edit-pipeline').click();
  const panel = page.getByTestId('pipeline-panel');
  assertEqual(await panel.getByTestId('pipeline-stage').count(), 2, 'ML Program + NMS');
  await panel.getByTestId('pipeline-stage').first().getByTestId('stage-extract').click();
  await waitForDocument(page, 'yolov8n-stage1.mlpackage', 180_000);
  assertEqual((await page.evaluate(() => window.__mlsurgeon!.document()))?.modelType, 'mlProgram', 'the extracted stage is the ML Program');

  await page.getByTestId('pipeline-panel-close').click();
  await page.locator('[data-testid="open-builder-nms-toolbar"]').click();
  const dialog = page.getByTestId('dialog-nms');
  await dialog.waitFor();
  await dialog.getByTestId('nms-preset-ssd').click();
  await screenshot(page, ctx.artifacts, 'pipeline-nms-builder');
  await dialog.getByTestId('dialog-apply').click();
  await dialog.waitFor({ state: 'detached' });
  await page.waitForFunction(() => window.__mlsurgeon!.document()?.modelType === 'pipeline');

  await stubDirectoryPicker(page);
  assertEqual(await page.getByTestId('save').textContent(), 'Save package…', 'the browser offers a package folder');
  await page.getByTestId('save').click();
  await page.waitForFunction(() => !window.__mlsurgeon!.document()?.dirty);
  const files = await pickedFiles(page);
  const root = 'yolov8n-stage1.mlpackage/';
  const contents = new Map([...files].filter(([p]) => p.startsWith(root)).map(([p, d]) => [p.slice(root.length), d]));
  assert(contents.has('Manifest.json'), `the folder holds Manifest.json (written: ${[...files.keys()].join(', ')})`);
  assert(![...files.keys()].some((p) => p.includes('mlsurgeon-tmp')), 'no temporary folder left');
  const original = readFileSync(join(pkgDir, 'Data/com.apple.CoreML/weights/weight.bin'));
  const weights = contents.get('Data/com.apple.CoreML/weights/weight.bin');
  assert(weights && Buffer.from(weights).equals(original), 'weight.bin written byte for byte');
  const directories = [...new Set([...contents.keys()].flatMap((p) => p.split('/').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('/'))))];
  const { spec } = readPackage({ files: contents, directories });
  const stages = spec.pipeline?.models ?? [];
  assertEqual(stages.map((m) => (m.mlProgram ? 'mlProgram' : m.nonMaximumSuppression ? 'nonMaximumSuppression' : '?')), ['mlProgram', 'nonMaximumSuppression'], 'ML Program + NMS');
  assertEqual(errors(spec), [], 'validation errors');
}, { timeoutMs: 400_000 });
