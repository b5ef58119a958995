// Time from "file chosen" to "final picture drawn" in Debian's Chromium, production build, as a
// new user meets it, against Netron measured the same way in the same run.
//
// Both apps are served from 127.0.0.1, each page is new (nothing cached in memory), and after the
// window is ready the file is chosen a second later (USER_PAUSE_MS) through the app's own file
// input. The clock is the page's: it starts at the input's change event and stops at the first
// frame of the final picture, i.e. the last frame in which anything visible changed (viewport,
// nodes drawn, the "ready" signal) before 15 frames without change. Ready means, for ML Surgeon:
// the canvas shows this file laid out by the real layout (data-layout-status="done", never the
// fallback), graph nodes are drawn and the toolbar's "Opening…" is gone (the worker's shapes,
// model facts and findings have landed); for Netron: its body has the class "default" (view.js
// show(null) after render) and its SVG holds nodes.
// Then two edits on model_cpm, clocked from the key press or click to the first frame showing the
// new revision: rename the output (target < 100 ms) and insert a layer (target < 1 s).
//
// Usage: tsx bench/ui-open.ts   Env: NETRON_DIR=<netron checkout> (serves its source/ folder),
// BENCH_DIST=folder (where the production build goes; default bench/out/dist, so a run never
// overwrites the dist/ that others serve), BENCH_NO_BUILD=1 (reuse that build), BENCH_RUNS
// (default 5), BENCH_ONLY=<name part> (one model, no edits; "edits": the edits only), CHROMIUM=path.
// Exits 1 when a target is missed: open ≤ 0.5× Netron on each model, the two edit times.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, extname, join, resolve, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { decodeModel, encodeModel } from '../shared/format/model';
import { buildChainModel } from './synthetic';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'bench', 'out');
const distDir = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(outDir, 'dist');
const models = join(root, '..', 'shared', 'models');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
};
/** Target: at most this fraction of Netron's time. */
const RATIO_TARGET = 0.5;
const RENAME_TARGET_MS = 100;
/**
 * Between the window being ready and the file being chosen, as a person takes at least this long
 * to pick a file. It also lets Netron finish wiring its file dialog after it shows its welcome page:
 * without it, about one open in four was never started (the change event came first).
 */
const USER_PAUSE_MS = 1000;
const INSERT_TARGET_MS = 1000;

/** Netron's figures from issue 9 (same machine, median of 5), used when NETRON_DIR is not set. */
const NETRON_FIGURES: Record<string, number> = {
  SqueezeNetFP16: 350, HandPoseClassifier: 390, model_cpm: 2140, 'chain-3000': 3470, 'chain-10000': 9900,
};

function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = join(dir, p === '/' ? 'index.html' : p);
    if (!(file === dir || file.startsWith(dir + sep)) || !existsSync(file) || statSync(file).isDirectory()) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    ok({ server, url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/` });
  }));
}

/**
 * Installed before the file is chosen: the page's own clock from `startEvent` on `startSelector`
 * (capture phase) to the first frame of the final picture, where the picture is `signature` and
 * ready is `ready` (both cheap JavaScript expressions evaluated in the page each frame).
 */
function armClock(page: Page, startSelector: string, startEvent: string, ready: string, signature: string): Promise<void> {
  return page.evaluate(`(() => {
    const b = window.__bench = { t0: 0, result: null };
    const ready = () => (${ready});
    const signature = () => (${signature});
    document.addEventListener(${JSON.stringify(startEvent)}, (e) => {
      if (b.t0 || !(e.target instanceof Element) || !e.target.closest(${JSON.stringify(startSelector)})) return;
      b.t0 = performance.now();
      let last = '', lastChange = b.t0, stable = 0;
      const tick = () => {
        const now = performance.now();
        const sig = (ready() ? 'ready|' : 'busy|') + signature();
        if (sig !== last) { last = sig; lastChange = now; stable = 0; } else stable++;
        if (sig.startsWith('ready|') && stable >= 15) { b.result = lastChange - b.t0; return; }
        if (now - b.t0 > 180000) { b.result = -1; b.last = last; return; }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    }, { capture: true });
  })()`);
}

async function clockResult(page: Page): Promise<number> {
  const h = await page.waitForFunction('window.__bench && window.__bench.result !== null ? window.__bench.result : false', undefined, { timeout: 200_000, polling: 50 });
  const ms = Number(await h.jsonValue());
  if (ms < 0) throw new Error(`the picture never settled within 180 s: ${String(await page.evaluate('window.__bench.last')).slice(0, 300)}`);
  return ms;
}

const OURS_VIEWPORT = `(document.querySelector('.react-flow__viewport')?.style.transform ?? '') + '|' + document.querySelectorAll('.react-flow__node').length`;

async function openOurs(browser: Browser, url: string, file: string): Promise<{ ms: number; page: Page }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(url);
  await page.waitForSelector('[data-testid="open-file-input"]', { state: 'attached' });
  await page.waitForTimeout(USER_PAUSE_MS);
  const name = basename(file);
  await armClock(page, '[data-testid="open-file-input"]', 'change',
    `!!document.querySelector('[data-testid="canvas"][data-laid-doc=${JSON.stringify(JSON.stringify(name)).slice(1, -1)}][data-layout-status="done"]') && !!document.querySelector('[data-testid="graph-node"]') && !document.querySelector('[data-testid="loading"]')`,
    OURS_VIEWPORT);
  await page.setInputFiles('[data-testid="open-file-input"]', file);
  const ms = await clockResult(page);
  if (await page.locator('[data-testid="canvas"][data-layout-status="fallback"]').count()) throw new Error(`${name}: the fallback layout was drawn`);
  return { ms, page };
}

async function openNetron(browser: Browser, url: string, file: string): Promise<number> {
  // Netron's page forbids eval by its Content-Security-Policy; the clock's checks need it.
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
  // Netron's browser host replaces window.eval with a function that throws (browser.js), and
  // Playwright evaluates through it: keep the real one, let Netron's assignment pass silently.
  await page.addInitScript(`(() => { const e = window.eval; Object.defineProperty(window, 'eval', { get: () => e, set: () => {}, configurable: true }); })()`);
  // A returning user: the cookie consent was given (browser.js asks once, before files open).
  await page.context().addCookies([{ name: 'consent', value: String(Date.now()), url }]);
  try {
    await page.goto(url);
    await page.waitForSelector('#open-file-dialog', { state: 'attached' });
    await page.waitForFunction(() => document.body.classList.contains('welcome'));
    await page.waitForTimeout(USER_PAUSE_MS);
    await armClock(page, '#open-file-dialog', 'change',
      // grapher.js puts every node in <g id="nodes">; counting its children is cheap each frame.
      `document.body.classList.contains('default') && (document.getElementById('nodes')?.childElementCount ?? 0) > 0`,
      `document.body.className + '|' + (document.getElementById('canvas')?.getAttribute('width') ?? '') + 'x' + (document.getElementById('canvas')?.getAttribute('height') ?? '') + '|' + (document.getElementById('target')?.scrollLeft ?? 0) + ',' + (document.getElementById('target')?.scrollTop ?? 0) + '|' + (document.getElementById('nodes')?.childElementCount ?? 0)`);
    await page.setInputFiles('#open-file-dialog', file);
    return await clockResult(page);
  } finally {
    await page.close();
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Rename model_cpm's output from the canvas (search, F2, type, Enter); ms from Enter to the new name
 * drawn. The production build has no store access: the output's name comes from the file itself.
 */
async function renameOutput(page: Page, output: string): Promise<number> {
  await page.keyboard.press('Control+f');
  await page.getByTestId('search-input').fill(output);
  await page.getByTestId('search-input').press('Escape');
  await page.locator(`[data-testid="graph-node"][data-kind="output"][data-label="${output}"]`).waitFor();
  await page.locator(`[data-testid="graph-node"][data-kind="output"][data-label="${output}"]`).click();
  await page.keyboard.press('F2');
  const input = page.getByTestId('rename-input');
  await input.fill('heatmaps');
  await armClock(page, '[data-testid="rename-input"]', 'keydown',
    `!!document.querySelector('[data-testid="graph-node"][data-label="heatmaps"]') && !document.querySelector('[data-testid="graph-node"][data-label=${JSON.stringify(JSON.stringify(output)).slice(1, -1)}]') && (() => { const c = document.querySelector('[data-testid="canvas"]'); return c.getAttribute('data-revision') === c.getAttribute('data-laid-revision'); })()`,
    OURS_VIEWPORT);
  await input.press('Enter');
  return clockResult(page);
}

/** Insert a bias layer on the first edge in view (click the edge, then the palette type); ms from the click to the layer drawn. */
async function insertLayer(page: Page): Promise<number> {
  const id = 'neuralNetwork.layers[0][0]->neuralNetwork.layers[1][0]';
  const at = await page.evaluate<{ x: number; y: number } | null>(`(() => {
    const g = [...document.querySelectorAll('.react-flow__edge')].find((e) => e.getAttribute('data-id') === ${JSON.stringify(id)});
    const path = g && g.querySelector('path.react-flow__edge-path');
    if (!path) return null;
    const pt = path.getPointAtLength(path.getTotalLength() / 2).matrixTransform(path.getScreenCTM());
    return { x: pt.x, y: pt.y };
  })()`);
  if (!at) throw new Error(`edge ${id} is not drawn`);
  await page.mouse.click(at.x, at.y);
  // The selected edge carries the class "selected" (Canvas.tsx edgeClass).
  await page.waitForFunction(`!!document.querySelector('.react-flow__edge.selected[data-id=${JSON.stringify(JSON.stringify(id)).slice(1, -1)}]')`);
  await page.getByTestId('left-tab-layers').click();
  const item = page.locator('[data-testid="palette-item"][data-type="bias"]');
  await item.waitFor();
  await armClock(page, '[data-testid="palette-item"]', 'click',
    `!!document.querySelector('[data-testid="graph-node"][data-type="bias"]') && (() => { const c = document.querySelector('[data-testid="canvas"]'); return c.getAttribute('data-revision') === c.getAttribute('data-laid-revision'); })()`,
    OURS_VIEWPORT);
  await item.click();
  return clockResult(page);
}

interface OpenRow { name: string; layers: number; ours: number[]; netron: number[] | null; netronMs: number; ratio: number; pass: boolean }

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  if (process.env.BENCH_NO_BUILD !== '1') {
    execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn', '--outDir', distDir, '--emptyOutDir'], { cwd: root, stdio: 'inherit' });
  }
  const chain = (n: number): string => {
    const f = join(outDir, `chain-${n}.mlmodel`);
    writeFileSync(f, encodeModel(buildChainModel(n)));
    return f;
  };
  const cpm = join(models, 'tucan9389__PoseEstimation-CoreML/model_cpm.mlmodel');
  const subjects = [
    { name: 'SqueezeNetFP16', file: join(models, 'tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel'), layers: 67 },
    { name: 'HandPoseClassifier', file: join(models, 'vincecloutier__asl-models/HandPoseClassifier.mlmodel'), layers: 71 },
    { name: 'model_cpm', file: cpm, layers: 757 },
    { name: 'chain-3000', file: chain(3000), layers: 3000 },
    { name: 'chain-10000', file: chain(10_000), layers: 10_000 },
  ];
  const netronDir = process.env.NETRON_DIR ? resolve(process.env.NETRON_DIR, 'source') : undefined;
  if (netronDir && !existsSync(join(netronDir, 'index.html'))) throw new Error(`NETRON_DIR: no source/index.html in ${process.env.NETRON_DIR}`);
  const cpmOutput = decodeModel(readFileSync(cpm)).description?.output?.[0]?.name;
  if (!cpmOutput) throw new Error('model_cpm: no output named in its description');
  const ours = await serve(distDir);
  const netron = netronDir ? await serve(netronDir) : undefined;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  // The machine is shared: the load average says how much the figures can be trusted.
  const loadBefore = loadavg();
  const rows: OpenRow[] = [];
  const netronFailed = new Map<string, string>();
  const renames: number[] = [], inserts: number[] = [];
  try {
    for (const s of subjects.filter((x) => !process.env.BENCH_ONLY || x.name.includes(process.env.BENCH_ONLY))) {
      const mine: number[] = [], theirs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const { ms, page } = await openOurs(browser, ours.url, s.file);
        mine.push(ms);
        await page.close();
        if (netron && !netronFailed.has(s.name)) {
          try {
            theirs.push(await openNetron(browser, netron.url, s.file));
          } catch (e) {
            // Netron not drawing a model is reported, and the issue's figure stands in for it.
            netronFailed.set(s.name, (e as Error).message.split('\n')[0]);
            process.stderr.write(`Netron failed on ${s.name}: ${netronFailed.get(s.name)}\n`);
          }
        }
      }
      const measured = netron && !netronFailed.has(s.name);
      const netronMs = measured ? median(theirs) : NETRON_FIGURES[s.name];
      const ratio = median(mine) / netronMs;
      rows.push({ name: s.name, layers: s.layers, ours: mine, netron: measured ? theirs : null, netronMs, ratio, pass: ratio <= RATIO_TARGET });
      process.stderr.write(`${s.name}: ours ${mine.map(Math.round).join(', ')} ms; Netron ${measured ? theirs.map(Math.round).join(', ') : `${netronMs} (issue 9)`} ms\n`);
    }
    const editRuns = !process.env.BENCH_ONLY || process.env.BENCH_ONLY === 'edits' ? RUNS : 0;
    for (let i = 0; i < editRuns; i++) {
      const { page } = await openOurs(browser, ours.url, cpm);
      renames.push(await renameOutput(page, cpmOutput));
      await page.close();
      const second = await openOurs(browser, ours.url, cpm);
      inserts.push(await insertLayer(second.page));
      await second.page.close();
    }
    process.stderr.write(`model_cpm rename output: ${renames.map(Math.round).join(', ')} ms; insert: ${inserts.map(Math.round).join(', ')} ms\n`);
  } finally {
    await browser.close();
    ours.server.close();
    netron?.server.close();
  }
  const r = (x: number): string => String(Math.round(x));
  // BENCH_ONLY naming a model measures opens only: the edits are left out, not reported as failed.
  const edits = renames.length === 0 ? [] : [
    { name: 'model_cpm: rename the output → canvas updated', runs: renames, target: RENAME_TARGET_MS },
    { name: 'model_cpm: insert a layer → canvas updated', runs: inserts, target: INSERT_TARGET_MS },
  ];
  const lines = [
    '# ML Surgeon vs Netron: file chosen → final picture drawn (Chromium, production build)', '',
    `${new Date().toISOString()} · ${process.platform}/${process.arch} · median of ${RUNS} · Netron ${netron ? 'measured in this run' : 'figures from issue 9 (NETRON_DIR not set)'}`,
    `load average (1/5/15 min) at start ${loadBefore.map((x) => x.toFixed(1)).join(' / ')}, at end ${loadavg().map((x) => x.toFixed(1)).join(' / ')}`, '',
    '| model | layers | ML Surgeon ms | Netron ms | ratio | target | result |', '|:--|--:|--:|--:|--:|--:|:--|',
    ...rows.map((x) => `| ${x.name} | ${x.layers} | ${r(median(x.ours))} | ${r(x.netronMs)}${netron && !x.netron ? ' (issue 9: Netron failed here)' : ''} | ${x.ratio.toFixed(2)}× | ≤ ${RATIO_TARGET}× | ${x.pass ? 'PASS' : 'FAIL'} |`),
    ...(edits.length ? ['', '| edit | median ms | runs | target | result |', '|:--|--:|:--|--:|:--|'] : []),
    ...edits.map((e) => `| ${e.name} | ${r(median(e.runs))} | ${e.runs.map(r).join(', ')} | < ${e.target} ms | ${median(e.runs) < e.target ? 'PASS' : 'FAIL'} |`),
  ];
  writeFileSync(join(outDir, 'ui-open.md'), `${lines.join('\n')}\n`);
  console.log(lines.join('\n'));
  if (rows.some((x) => !x.pass) || edits.some((e) => median(e.runs) >= e.target)) process.exitCode = 1;
}

await main();
