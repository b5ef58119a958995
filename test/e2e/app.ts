// Driving the app like a person: open files through the toolbar's inputs, wait for the canvas,
// read what the panels show.
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { SHARED, sharedPresent, type ManifestModel } from '../support/shared-data';
import type { TestContext } from './harness';

export { SHARED };

/** Skips the test when ../shared is absent (shared-data.ts already failed the run under REQUIRE_SHARED=1). */
export function needShared(ctx: TestContext): void {
  if (!sharedPresent) ctx.skip(`${SHARED} is absent`);
}

export const modelFile = (rel: string): string => join(SHARED, 'models', rel);

/** Waits until `name` is the open document and its layout has landed (ELK, not the fallback). */
export async function waitForDocument(page: Page, name: string, timeout = 90_000): Promise<void> {
  const sel = `[data-testid="canvas"][data-laid-doc=${JSON.stringify(name)}][data-layout-status="done"]`;
  await page.locator(sel).waitFor({ timeout });
  await page.waitForFunction(() => !document.querySelector('[data-testid="loading"]'));
}

export async function openModel(page: Page, path: string): Promise<void> {
  await page.getByTestId('open-file-input').setInputFiles(path);
}

export async function openPackage(page: Page, dir: string): Promise<void> {
  await page.getByTestId('open-folder-input').setInputFiles(dir);
}

/** Opens a manifest model (file or package) and waits until it is shown. */
export async function openManifestModel(page: Page, m: ManifestModel): Promise<string> {
  const path = modelFile(m.file);
  const name = basename(m.file);
  if (m.kind === 'mlpackage') await openPackage(page, path); else await openModel(page, path);
  await waitForDocument(page, name);
  return name;
}

export async function canvasCounts(page: Page): Promise<{ nodes: number; layers: number; edges: number; groups: number; rendered: number }> {
  const c = page.getByTestId('canvas');
  const n = async (attr: string): Promise<number> => Number(await c.getAttribute(attr));
  return { nodes: await n('data-node-count'), layers: await n('data-layer-count'), edges: await n('data-edge-count'), groups: await n('data-group-count'), rendered: await n('data-rendered-items') };
}

export async function featureNames(page: Page, panel: 'model-inputs' | 'model-outputs'): Promise<string[]> {
  return page.getByTestId(panel).getByTestId('feature-name').allTextContents();
}

/** Selects the first match of a search and waits until the inspector shows it. */
export async function searchAndSelect(page: Page, query: string): Promise<void> {
  await page.keyboard.press('Control+f');
  await page.getByTestId('search-input').fill(query);
  await page.waitForFunction(() => !!document.querySelector('[data-testid="inspector"][data-selected]'));
}

/**
 * Clicks the part of a canvas node that shows inside the canvas, as a person would. Playwright's
 * own click aims at the middle of the node; for a node cut off by the canvas's edge that point lies
 * under the Run strip, and Playwright then scrolls the canvas's clipped container to reach it,
 * which React Flow puts back: about one click in five landed on the empty pane.
 */
export async function clickVisiblePart(page: Page, node: Locator): Promise<void> {
  const box = await node.boundingBox();
  const pane = await page.getByTestId('canvas').boundingBox();
  if (!box || !pane) throw new Error('the node or the canvas is not laid out');
  const top = Math.max(box.y, pane.y), bottom = Math.min(box.y + box.height, pane.y + pane.height);
  const left = Math.max(box.x, pane.x), right = Math.min(box.x + box.width, pane.x + pane.width);
  if (bottom <= top || right <= left) throw new Error('the node is outside the canvas');
  await page.mouse.click((left + right) / 2, (top + bottom) / 2);
}

export async function screenshot(page: Page, artifacts: string, name: string): Promise<string> {
  const dir = join(artifacts, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await settled(page);
  await page.screenshot({ path });
  return path;
}

/** Waits until the viewport has not moved for 20 frames (zoom-to-fit and centring animate, after a queued frame or two). */
export async function settled(page: Page): Promise<void> {
  // A string, not a function: tsx compiles these specs with esbuild's keepNames, whose __name
  // helper does not exist in the page.
  await page.waitForFunction(`new Promise((resolve) => {
    const read = () => document.querySelector('.react-flow__viewport')?.style.transform ?? '';
    const first = read();
    let frames = 0;
    const tick = () => {
      if (read() !== first) return resolve(false);
      if (++frames >= 20) return resolve(true);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })`, undefined, { timeout: 10_000 });
}

/**
 * Labels of the graph nodes drawn inside the visible canvas, top to bottom: what a screenshot
 * of the canvas shows (off-screen nodes are either not in the page or outside the pane).
 */
export async function nodesInView(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const pane = document.querySelector('[data-testid="canvas"]').getBoundingClientRect();
    return [...document.querySelectorAll('[data-testid="graph-node"]')]
      .map((n) => ({ label: n.getAttribute('data-label'), r: n.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0 && r.top >= pane.top - 1 && r.bottom <= pane.bottom + 1 && r.left >= pane.left - 1 && r.right <= pane.right + 1)
      .sort((a, b) => a.r.top - b.r.top || a.r.left - b.r.left)
      .map(({ label }) => label);
  })()`);
}

/** Every file below a folder, for sanity checks on packages. */
export function filesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...filesBelow(p)); else out.push(p);
  }
  return out;
}

/** Waits until the canvas shows the current revision of the document, laid out by ELK. */
export async function waitForCurrentLayout(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid="canvas"]');
    return !!c && c.getAttribute('data-layout-status') === 'done' && c.getAttribute('data-revision') === c.getAttribute('data-laid-revision');
  }, undefined, { timeout });
}

/** Screen coordinates of the middle of a drawn canvas edge (by its id). */
export async function edgeMidpoint(page: Page, edgeId: string): Promise<{ x: number; y: number }> {
  const p = await page.evaluate(`(() => {
    const g = [...document.querySelectorAll('.react-flow__edge')].find((e) => e.getAttribute('data-id') === ${JSON.stringify(edgeId)});
    const path = g && g.querySelector('path.react-flow__edge-path');
    if (!path) return null;
    const pt = path.getPointAtLength(path.getTotalLength() / 2).matrixTransform(path.getScreenCTM());
    return { x: pt.x, y: pt.y };
  })()`);
  if (!p) throw new Error(`edge ${edgeId} is not drawn`);
  return p as { x: number; y: number };
}

/** Drags with real mouse events: press on `from`, move in steps, release at `to`. */
export async function mouseDrag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 10, from.y + 6, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

export async function center(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}
