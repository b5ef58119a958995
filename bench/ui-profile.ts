// Where the time of one open goes, in the production build: the page's performance marks
// (actions.ts: mlsurgeon:*), the frames at which the first node, the last spinner and the final
// viewport appeared, and optionally a CPU profile of the window's thread (BENCH_CPU_PROFILE=file).
// Usage: tsx bench/ui-profile.ts <model file> [runs]   (serves bench/out/dist or BENCH_DIST; build it first with bench:ui)
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(root, 'bench', 'out', 'dist');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
const file = resolve(process.argv[2]);
const runs = Number(process.argv[3] ?? 3);

const server = createServer((req, res) => {
  const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const f = join(dist, p === '/' ? 'index.html' : p);
  if (!(f.startsWith(dist + sep)) || !existsSync(f) || statSync(f).isDirectory()) { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': TYPES[extname(f)] ?? 'application/octet-stream' }).end(readFileSync(f));
});
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
const a = server.address();
const url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    await page.waitForSelector('[data-testid="open-file-input"]', { state: 'attached' });
    if (process.env.BENCH_WARM_WITH) {
      // Another file first, so that the open measured runs on warm code (an upper bound of what warming up can save).
      await page.setInputFiles('[data-testid="open-file-input"]', resolve(process.env.BENCH_WARM_WITH));
      await page.waitForSelector('[data-testid="graph-node"]');
      await page.waitForFunction(() => !document.querySelector('[data-testid="loading"]'));
      await page.waitForTimeout(500);
    }
    if (process.env.BENCH_PRE_EVAL) await page.evaluate(process.env.BENCH_PRE_EVAL); // an experiment run in the page before the open
    if (process.env.BENCH_IDLE_MS) await page.waitForTimeout(Number(process.env.BENCH_IDLE_MS));
    const cdp = process.env.BENCH_CPU_PROFILE && i === runs - 1 ? await page.context().newCDPSession(page) : undefined;
    const tracing = process.env.BENCH_TRACE && i === runs - 1;
    if (tracing) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', 'toplevel'] });
    if (cdp) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: Number(process.env.BENCH_CPU_INTERVAL ?? 1000) }); await cdp.send('Profiler.start'); }
    await page.evaluate(`(() => {
      const b = window.__prof = { t0: 0, events: [], done: false };
      const seen = new Set();
      const note = (k) => { if (!seen.has(k)) { seen.add(k); b.events.push([k, performance.now() - b.t0]); } };
      document.addEventListener('change', () => {
        b.t0 = performance.now();
        let last = '', lastT = 0, stable = 0;
        const tick = () => {
          const now = performance.now() - b.t0;
          if (document.querySelector('[data-testid="loading"]')) note('spinner shown');
          if (document.querySelector('[data-testid="graph-node"]')) note('first node drawn');
          if (document.querySelector('[data-testid="canvas"][data-laid-doc=' + JSON.stringify(${JSON.stringify(basename(file))}) + ']')) note('laid out');
          // A small model is analysed in the window: its spinner may never reach a frame.
          if ((seen.has('spinner shown') || seen.has('laid out')) && !document.querySelector('[data-testid="loading"]')) note('spinner gone');
          const sig = (document.querySelector('.react-flow__viewport')?.style.transform ?? '') + '|' + document.querySelectorAll('.react-flow__node').length + '|' + document.querySelectorAll('.edge-shape, .react-flow__edge').length;
          if (sig !== last) { last = sig; lastT = now; stable = 0; b.events.push(['frame change ' + sig.slice(0, 60), now]); } else stable++;
          if (seen.has('spinner gone') && stable >= 20) { b.settled = lastT; b.done = true; return; }
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }, { capture: true });
    })()`);
    await page.setInputFiles('[data-testid="open-file-input"]', file);
    await page.waitForFunction('window.__prof.done', undefined, { timeout: 120000 });
    const r = await page.evaluate<{ events: [string, number][]; settled: number; marks: [string, number, unknown][] }>(`(() => ({ t0: window.__prof.t0, events: window.__prof.events, settled: window.__prof.settled,
      marks: performance.getEntriesByType('mark').filter((m) => m.name.startsWith('mlsurgeon:')).map((m) => [m.name, m.startTime - window.__prof.t0, m.detail]),
      nav: performance.getEntriesByType('navigation')[0]?.duration }))()`);
    console.log(`run ${i + 1}: settled at ${r.settled.toFixed(0)} ms`);
    const all = [...r.marks.map(([n, t, d]) => [t, `${n}${d ? ' ' + JSON.stringify(d) : ''}`] as const), ...r.events.map(([n, t]) => [t, n] as const)].sort((x, y) => x[0] - y[0]);
    for (const [t, n] of all) console.log(`  ${t.toFixed(1).padStart(8)}  ${n}`);
    if (tracing) writeFileSync(process.env.BENCH_TRACE!, await browser.stopTracing());
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(process.env.BENCH_CPU_PROFILE!, JSON.stringify(profile));
    }
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
