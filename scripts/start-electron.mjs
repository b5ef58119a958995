// `npm start`: builds the app and starts it in Electron. Electron's npm package does not carry its
// binary; it is downloaded from GitHub on first use. Where that download is impossible (no network
// beyond the npm registry, a proxy, an unsupported platform) Electron's own launcher ends with
// "Electron failed to install correctly…", which says neither why nor what else to do. This
// launcher looks for the binary first, tries the download once when it is missing, and otherwise
// ends with one line naming the reason and pointing at `npm run web` (the same app in a browser).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Electron 45's installer (@electron/get) and packaging tools declare Node >= 22.12. */
export const ELECTRON_TOOLS_NODE = [22, 12];

export const WEB_HINT = 'run `npm run web` to use the same app in a browser instead';

/** True when `version` ("v20.19.1" or "20.19.1") is at least major.minor. */
export function nodeAtLeast(version, [major, minor]) {
  const [a = 0, b = 0] = version.replace(/^v/, '').split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/**
 * Where the electron package says its binary is (node_modules/electron/path.txt, written by its
 * installer, names the executable inside dist/), or undefined when the installer never finished.
 * ELECTRON_OVERRIDE_DIST_PATH points at a binary installed elsewhere, as Electron's launcher allows.
 * @param {string} electronDir  node_modules/electron
 * @param {Record<string, string | undefined>} env
 * @param {{ readFile(p: string): string, exists(p: string): boolean }} fs
 * @returns {{ path: string, present: boolean } | undefined}
 */
export function electronBinary(electronDir, env, fs) {
  let name;
  try { name = fs.readFile(join(electronDir, 'path.txt')).trim(); } catch { name = undefined; }
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron');
    return { path: p, present: fs.exists(p) };
  }
  if (!name) return undefined;
  const p = join(electronDir, 'dist', name);
  return { path: p, present: fs.exists(p) };
}

/** The one readable line of a failed download's output: its error message without the stack. */
export function downloadReason(output) {
  const line = output.split('\n').map((l) => l.trim())
    .find((l) => l && !l.startsWith('at ') && !/^Downloading/i.test(l));
  if (!line) return 'no reason given';
  const msg = line.replace(/^(\w*Error|Error):\s*/, '');
  return msg.length > 160 ? `${msg.slice(0, 157)}…` : msg;
}

/**
 * What `npm start` does next, decided from what is known so far.
 * @param {{
 *   packageFound: boolean,            // node_modules/electron exists
 *   binaryPresent: boolean,           // Electron's executable exists where the package says
 *   downloadError?: string,           // set once a download was tried and failed
 *   nodeVersion: string,              // process.version
 * }} state
 * @returns {{ action: 'launch' } | { action: 'download' } | { action: 'refuse', message: string }}
 */
export function decideStart({ packageFound, binaryPresent, downloadError, nodeVersion }) {
  if (!packageFound) {
    return { action: 'refuse', message: `npm start: Electron is not installed (node_modules/electron is missing; run \`npm install\`), or ${WEB_HINT}` };
  }
  if (binaryPresent) return { action: 'launch' };
  if (downloadError === undefined) return { action: 'download' };
  const old = nodeAtLeast(nodeVersion, ELECTRON_TOOLS_NODE)
    ? ''
    : `; Electron 45's installer needs Node ${ELECTRON_TOOLS_NODE.join('.')}+, this is Node ${nodeVersion.replace(/^v/, '')}`;
  return {
    action: 'refuse',
    message: `npm start: Electron's binary is not installed and could not be downloaded (${downloadError}${old}); ${WEB_HINT}`,
  };
}

function electronDir() {
  try {
    return dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

const realFs = { readFile: (p) => readFileSync(p, 'utf8'), exists: existsSync };

function npm(args) {
  // Under `npm start`, npm_execpath is npm's own script: run it with this Node, no shell needed.
  const viaNode = process.env.npm_execpath && /\.[cm]?js$/.test(process.env.npm_execpath);
  const r = viaNode
    ? spawnSync(process.execPath, [process.env.npm_execpath, ...args], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  return r.status ?? 1;
}

async function main() {
  const dir = electronDir();
  let downloadError;
  for (;;) {
    const binary = dir ? electronBinary(dir, process.env, realFs) : undefined;
    const plan = decideStart({ packageFound: !!dir, binaryPresent: !!binary?.present, downloadError, nodeVersion: process.version });
    if (plan.action === 'refuse') {
      console.error(plan.message);
      return 1;
    }
    if (plan.action === 'download') {
      if (process.stderr.isTTY) console.error("Electron's binary is not installed yet; downloading it…");
      // Electron's own installer: it knows the version, platform, mirror settings and checksums.
      const r = spawnSync(process.execPath, [join(dir, 'install.js')], { cwd: dir, encoding: 'utf8', timeout: 600_000 });
      // A successful installer writes path.txt and the binary, which the next round finds; one that
      // exits 0 without them is a failure too, so the loop always ends.
      downloadError = r.status === 0
        ? (electronBinary(dir, process.env, realFs)?.present ? undefined : 'the installer finished without producing it')
        : r.error ? r.error.message : downloadReason(`${r.stderr}\n${r.stdout}`);
      continue;
    }
    const built = npm(['run', 'build']);
    if (built !== 0) return built;
    const child = spawn(binary.path, ['.', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', windowsHide: false });
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
    return await new Promise((ok) => {
      child.on('error', (e) => { console.error(`npm start: could not run Electron (${e.message}); ${WEB_HINT}`); ok(1); });
      child.on('close', (code, signal) => ok(code ?? (signal ? 1 : 0)));
    });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main();
}
