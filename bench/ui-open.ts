// Time from "file chosen" to "graph drawn" in Debian's Chromium through the browser build: the
// file is handed to the page's file input, and the clock stops when the layout is done and the
// first graph nodes are in the page. The reference, measured in the same run, is the same path
// for a one-layer model, so the ratio is what the model's size costs on top of the fixed work.
// Usage: tsx bench/ui-open.ts   (builds the renderer unless BENCH_NO_BUILD=1)
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { extname, join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { encodeModel } from '../shared/format/model';
import { buildChainModel } from './synthetic';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'bench', 'out');
const models = join(root, '..', 'shared', 'models');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };

function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = join(dir, p === '/' ? 'index.html' : p);
    if (!file.startsWith(dir) || !existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    ok({ server, url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/` });
  }));
}

interface Row { name: string; layers: number; runs: number[]; median: number; target?: number }

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  if (process.env.BENCH_NO_BUILD !== '1') execFileSync('npm', ['run', '-s', 'build:renderer'], { cwd: root, stdio: 'inherit' });
  const chain = join(outDir, 'chain-3000.mlmodel');
  writeFileSync(chain, encodeModel(buildChainModel(3000)));
  const subjects = [
    { name: 'reference: Image2Image (1 layer)', file: join(models, 'hollance__coreml-survival-guide/Image2Image.mlmodel'), layers: 1 },
    { name: 'HandPoseClassifier (largest real .mlmodel, 4.1 MB)', file: join(models, 'vincecloutier__asl-models/HandPoseClassifier.mlmodel'), layers: 71, target: 1500 },
    { name: 'model_cpm (most layers of the real models)', file: join(models, 'tucan9389__PoseEstimation-CoreML/model_cpm.mlmodel'), layers: 757, target: 1500 },
    { name: 'synthetic 3,000-layer chain', file: chain, layers: 3000, target: 4000 },
  ];
  const { server, url } = await serve(join(root, 'dist'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  const rows: Row[] = [];
  try {
    for (const s of subjects) {
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        await page.goto(url);
        await page.waitForSelector('[data-testid="open-file-input"]', { state: 'attached' });
        const t0 = Date.now();
        await page.setInputFiles('[data-testid="open-file-input"]', s.file);
        await page.waitForFunction(() => {
          const w = window as unknown as { __mlsurgeon?: { view(): { layoutStatus: string } } };
          const st = w.__mlsurgeon?.view().layoutStatus;
          return (st === 'done' || st === 'fallback') && document.querySelector('[data-testid="graph-node"]') !== null;
        }, undefined, { timeout: 120_000, polling: 'raf' });
        runs.push(Date.now() - t0);
        await page.close();
      }
      const sorted = [...runs].sort((a, b) => a - b);
      rows.push({ name: s.name, layers: s.layers, runs, median: sorted[1], target: s.target });
      process.stderr.write(`${s.name}: ${runs.join(', ')} ms\n`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  const ref = rows[0].median;
  const lines = [
    '# ML Surgeon: file chosen → graph drawn (Chromium, browser build)', '',
    `${new Date().toISOString()} · ${process.platform}/${process.arch} · median of 3 runs`, '',
    '| model | layers | median ms | × reference | target | result |', '|:--|--:|--:|--:|--:|:--|',
    ...rows.map((r) => `| ${r.name} | ${r.layers} | ${r.median} | ${(r.median / ref).toFixed(2)}× | ${r.target ? `< ${r.target} ms` : ''} | ${r.target ? (r.median < r.target ? 'PASS' : 'FAIL') : ''} |`),
  ];
  writeFileSync(join(outDir, 'ui-open.md'), `${lines.join('\n')}\n`);
  console.log(lines.join('\n'));
}

await main();
