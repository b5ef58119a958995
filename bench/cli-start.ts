// `npm run bench` (and `npm run bench:cli`): what a `mlsurgeon` call costs against Node's own
// start-up, measured in the same run. Targets (issue 9): `mlsurgeon help` <= 2x `node -e ""`,
// `mlsurgeon inspect HandPoseClassifier.mlmodel` <= 3x. Each is run as a user runs it, a fresh
// process through the bin launcher; the three commands take turns so that load on the machine
// falls on all of them alike; the median of the runs counts. Exits 1 when a target fails.
// Writes bench/out/cli-start.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCurrent, readManifest } from '../cli/compiled.mjs';
import { buildCli } from '../scripts/build-cli.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const model = join(root, '..', 'shared', 'models', 'vincecloutier__asl-models', 'HandPoseClassifier.mlmodel');
const bin = join(root, 'cli', 'mlsurgeon.mjs');

interface Case { name: string; args: string[]; target?: number }
const cases: Case[] = [
  { name: 'node -e ""', args: ['-e', ''] },
  { name: 'mlsurgeon help', args: [bin, 'help'], target: 2 },
  ...(existsSync(model)
    ? [{ name: 'mlsurgeon inspect HandPoseClassifier.mlmodel', args: [bin, 'inspect', model], target: 3 }]
    : []),
];

function once(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status ?? r.signal}`);
  return ms;
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function main(): Promise<number> {
  // Measure the compiled CLI, not a first call that rebuilds it.
  const manifest = readManifest(join(root, 'dist-cli'));
  if (!manifest || !isCurrent(root, manifest)) await buildCli({ quiet: true });
  if (!existsSync(model)) console.log(`(${model} is absent: the inspect target is not measured)`);

  for (const c of cases) once(c.args); // warm the file cache and the code cache
  const samples = cases.map(() => [] as number[]);
  for (let i = 0; i < RUNS; i++) cases.forEach((c, j) => samples[j].push(once(c.args)));

  const base = median(samples[0]);
  const rows = cases.map((c, j) => {
    const ms = median(samples[j]);
    const ratio = ms / base;
    return { name: c.name, medianMs: +ms.toFixed(1), minMs: +Math.min(...samples[j]).toFixed(1), ratio: +ratio.toFixed(2), target: c.target, pass: c.target === undefined || ratio <= c.target };
  });
  console.log(`\nCLI start-up (median of ${RUNS} fresh processes each, taking turns; Node ${process.version})`);
  for (const r of rows) {
    const verdict = r.target === undefined ? 'reference' : `${r.ratio.toFixed(2)}x  target <= ${r.target}x  ${r.pass ? 'ok' : 'FAILED'}`;
    console.log(`  ${r.name.padEnd(46)} ${r.medianMs.toFixed(0).padStart(6)} ms  (min ${r.minMs.toFixed(0)})  ${verdict}`);
  }
  const outDir = join(root, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'cli-start.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, runs: RUNS, rows }, null, 2)}\n`);
  const failed = rows.filter((r) => !r.pass);
  if (failed.length) console.log(`${failed.length} CLI start-up target(s) failed`);
  return failed.length ? 1 : 0;
}

process.exitCode = await main();
