// Driving the Run panel like a person, for the specs that run models (run, compare, detector):
// open a model from ../shared, make a picture in the page, run and wait, compare and read the summary.
import type { Page } from 'playwright-core';
import { modelFile, openModel, waitForDocument } from './app';

export async function openShared(page: Page, rel: string): Promise<void> {
  await openModel(page, modelFile(rel));
  await waitForDocument(page, rel.slice(rel.lastIndexOf('/') + 1));
}

/**
 * A PNG drawn in the page from a canvas script (`g` is its 2d context, `w` and `h` its size); the
 * default is gradients, a disc, stripes: a picture with structure, so feature maps are not flat.
 * A string, not a function: tsx's keepNames helper does not exist in the page.
 */
export async function drawPng(page: Page, width: number, height: number, draw = SCENE): Promise<Buffer> {
  const bytes = await page.evaluate<number[]>(`(async () => {
    const w = ${width}, h = ${height};
    const c = new OffscreenCanvas(w, h);
    const g = c.getContext('2d');
    ${draw}
    const blob = await c.convertToBlob({ type: 'image/png' });
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  })()`);
  return Buffer.from(bytes);
}

const SCENE = `
    const grad = g.createLinearGradient(0, 0, w, h);
    grad.addColorStop(0, '#1d4ed8'); grad.addColorStop(0.5, '#f59e0b'); grad.addColorStop(1, '#065f46');
    g.fillStyle = grad; g.fillRect(0, 0, w, h);
    g.fillStyle = '#fafafa'; g.beginPath(); g.arc(w * 0.6, h * 0.45, Math.min(w, h) * 0.25, 0, Math.PI * 2); g.fill();
    g.fillStyle = '#111827';
    for (let x = 0; x < w; x += 24) g.fillRect(x, h * 0.8, 10, h * 0.2);`;

/** Gives the first image input a picture and waits until the panel shows it. */
export async function chooseImage(page: Page, name: string, png: Buffer): Promise<void> {
  await page.getByTestId('run-image-file').setInputFiles({ name, mimeType: 'image/png', buffer: png });
  await page.locator('[data-testid="run-input"][data-source="image"]').waitFor();
}

/** Clicks Run (or another run button) and waits for a new summary; a failed run throws with its message. */
export async function runAndWait(page: Page, button = 'run-start'): Promise<string> {
  const before = await page.getByTestId('run-summary').count() ? await page.getByTestId('run-summary').textContent() : null;
  await page.getByTestId(button).click();
  await page.waitForFunction((prev) => {
    const s = document.querySelector('[data-testid="run-summary"]');
    return !document.querySelector('[data-testid="run-progress"]') && !!s && (s.textContent !== prev || prev === null);
  }, before, { timeout: 120_000 });
  const error = page.getByTestId('run-error');
  if (await error.count()) throw new Error(`the run failed: ${await error.textContent()}`);
  return (await page.getByTestId('run-summary').textContent()) ?? '';
}

export interface CompareSummary {
  readonly agreement: string;
  readonly snr: number;
  readonly rows: number;
}

/** Starts a comparison on the Compare tab and waits for a new summary; a failed one throws with its message. */
export async function compare(page: Page): Promise<CompareSummary> {
  await page.getByTestId('compare-tab').click();
  // Each comparison's time (data-ms) tells a new result from the one shown before.
  const before = await page.getByTestId('compare-done').count() ? await page.getByTestId('compare-done').getAttribute('data-ms') : null;
  await page.getByTestId('compare-start').click();
  await page.waitForFunction((prev) => {
    if (document.querySelector('[data-testid="compare-view"] [data-testid="run-error"]')) return true;
    const done = document.querySelector('[data-testid="compare-done"]');
    return !document.querySelector('[data-testid="compare-view"] [data-testid="run-progress"]') && !!done && done.getAttribute('data-ms') !== prev;
  }, before, { timeout: 120_000 });
  const error = page.getByTestId('compare-view').getByTestId('run-error');
  if (await error.count()) throw new Error(`the comparison failed: ${await error.textContent()}`);
  return {
    agreement: (await page.getByTestId('compare-agreement').textContent()) ?? '',
    snr: Number(await page.getByTestId('compare-snr').textContent()),
    rows: Number(await page.getByTestId('compare-table').getAttribute('data-rows')),
  };
}
