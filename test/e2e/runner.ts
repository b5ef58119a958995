// The e2e runner (started by run.mjs): build, serve, launch Chromium, run the specs in order and
// print one line per test and a final `N passed, N failed`.
import { createReadStream, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { registered, setCurrentFile, Skipped, type TestCase } from './harness';

const repoRoot = resolve(import.meta.dirname, '..', '..');
// E2E_DIST lets two runs on one machine build and serve separate folders (the default is dist/).
const distDir = process.env.E2E_DIST ? resolve(process.env.E2E_DIST) : join(repoRoot, 'dist');
const artifacts = join(repoRoot, 'test-results');

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync',
];

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.wasm': 'application/wasm',
};

async function buildRenderer(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(repoRoot, 'renderer', 'vite.config.ts'), logLevel: 'warn', mode: 'test', build: { outDir: distDir, emptyOutDir: true } });
}

/** Serves dist/ on 127.0.0.1 at a port the OS picks. */
function serve(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, urlPath === '/' ? 'index.html' : urlPath));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    // COOP + COEP as `npm run web` serves them (renderer/vite.config.ts): the page is
    // crossOriginIsolated, so the executor runs its kernels on two threads.
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      if (!addr || typeof addr === 'string') return fail(new Error('no server address'));
      ok({ server, url: `http://127.0.0.1:${addr.port}/` });
    });
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms); }),
  ]);
}

async function runOne(t: TestCase, browser: Browser, baseURL: string): Promise<'passed' | 'failed' | 'skipped'> {
  const started = Date.now();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  try {
    await page.goto(baseURL);
    await page.getByTestId('toolbar').waitFor();
    await withTimeout(t.fn({
      browser, baseURL, artifacts, page,
      skip: (reason) => { throw new Skipped(reason); },
    }), t.timeoutMs, `test "${t.name}"`);
    if (pageErrors.length) throw new Error(`uncaught errors in the page:\n${pageErrors.join('\n')}`);
    console.log(`  ✓ ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return 'passed';
  } catch (e) {
    if (e instanceof Skipped) {
      console.log(`  - ${t.name} (skipped: ${e.reason})`);
      return 'skipped';
    }
    console.log(`  ✗ ${t.name}`);
    console.log(`    ${String((e as Error).stack ?? e).split('\n').slice(0, 8).join('\n    ')}`);
    if (consoleErrors.length) console.log(`    console errors:\n      ${consoleErrors.slice(0, 10).join('\n      ')}`);
    try {
      mkdirSync(join(artifacts, 'failures'), { recursive: true });
      await page.screenshot({ path: join(artifacts, 'failures', `${t.name.replace(/[^A-Za-z0-9_-]+/g, '_')}.png`) });
    } catch { /* the page may be gone */ }
    return 'failed';
  } finally {
    await context.close().catch(() => undefined);
  }
}

export async function main(args: readonly string[]): Promise<number> {
  const filter = args[0];
  let passed = 0, failed = 0, skipped = 0;
  let server: Server | undefined;
  let browser: Browser | undefined;
  try {
    mkdirSync(artifacts, { recursive: true });
    if (process.env.E2E_NO_BUILD !== '1' || !existsSync(join(distDir, 'index.html'))) {
      console.log('Building the renderer…');
      await buildRenderer();
    }
    const served = await serve(distDir);
    server = served.server;
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const specDir = import.meta.dirname;
    for (const f of readdirSync(specDir).filter((n) => n.endsWith('.spec.ts')).sort()) {
      setCurrentFile(f);
      // A spec that fails to load is one failure of its own; the other specs still run.
      try {
        await import(pathToFileURL(join(specDir, f)).href);
      } catch (e) {
        if (!filter || f.includes(filter)) {
          console.log(`✗ ${f} failed to load: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
          failed++;
        }
      }
    }
    const tests = registered.filter((t) => !filter || t.name.includes(filter) || t.file.includes(filter));
    console.log(`Running ${tests.length} tests against ${served.url} in ${browser.version()}`);
    let file = '';
    for (const t of tests) {
      if (t.file !== file) { file = t.file; console.log(file); }
      const r = await runOne(t, browser, served.url);
      if (r === 'passed') passed++; else if (r === 'failed') failed++; else skipped++;
    }
  } catch (e) {
    console.log(`e2e setup failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    failed++;
  } finally {
    await browser?.close().catch(() => undefined);
    server?.close();
  }
  if (skipped) console.log(`(${skipped} skipped)`);
  // .ci/summary.mjs adds these counts to vitest's.
  mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
  writeFileSync(join(repoRoot, 'test-results', 'e2e.json'), JSON.stringify({ passed, failed, skipped }));
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}
