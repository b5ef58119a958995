// One decode in a fresh process, for an honest peak-memory figure: nothing else has run in this
// process, so its memory growth is the file's bytes plus what decoding them costs.
//   node --expose-gc bench/out/decode-child.cjs FILE ours|protobufjs PROTO_DIR
// (run.ts bundles this file with esbuild, so no TypeScript loader sits in the measured process.)
// Prints one JSON line: a DecodeMemory.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { decodeModel } from '../shared/format/model';
import { loadReferenceModelType } from './protobufjs-reference';

export interface DecodeMemory {
  readonly decoder: 'ours' | 'protobufjs';
  readonly fileBytes: number;
  /** This one decode, cold (first call in the process). */
  readonly decodeMs: number;
  /** Peak resident set size during read + decode, minus the resident size before the read. */
  readonly peakRssDelta: number;
  /** Resident size after decode (the decoded model alive), minus before. */
  readonly afterRssDelta: number;
  /** ArrayBuffer memory after decode minus before: the file's buffer plus any copies. */
  readonly arrayBuffersDelta: number;
  /** JS heap in use after decode minus before. */
  readonly heapUsedDelta: number;
  /** How the peak was found: the kernel's high-water mark (exact) or the sampler (1 ms polls). */
  readonly peakSource: 'maxRSS' | 'sampler';
}

// Polls the process's resident size from a second thread while the main thread is busy decoding
// (process.memoryUsage.rss() is process-wide). control: 0 sample, 1 pause, 2 exit.
const SAMPLE = 0, PAUSE = 1, EXIT = 2;
const SAMPLER = `
const { workerData } = require('node:worker_threads');
const peak = new Float64Array(workerData, 0, 1);
const control = new Int32Array(workerData, 8, 1);
for (;;) {
  const c = Atomics.load(control, 0);
  if (c === ${EXIT}) break;
  if (c === ${SAMPLE}) {
    const r = process.memoryUsage.rss();
    if (r > peak[0]) peak[0] = r;
  }
  Atomics.wait(control, 0, c, 1);
}`;

async function main(): Promise<void> {
  const [file, decoder, protoDir] = process.argv.slice(2);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!file || (decoder !== 'ours' && decoder !== 'protobufjs') || !protoDir) throw new Error('usage: decode-child FILE ours|protobufjs PROTO_DIR');
  if (!gc) throw new Error('run with node --expose-gc');

  const decode: (b: Uint8Array) => unknown = decoder === 'ours'
    ? (b) => decodeModel(b, file)
    : ((t) => (b: Uint8Array) => t.decode(b))(loadReferenceModelType(protoDir));

  // The sampler thread is started (and its memory counted) before the baseline, and paused
  // while the baseline is taken so no sample from before it lands afterwards.
  const shared = new SharedArrayBuffer(16);
  const peak = new Float64Array(shared, 0, 1);
  const control = new Int32Array(shared, 8, 1);
  Atomics.store(control, 0, PAUSE);
  const sampler = new Worker(SAMPLER, { eval: true, workerData: shared });
  await new Promise((r) => setTimeout(r, 50));

  gc(); gc();
  await new Promise((r) => setTimeout(r, 10));
  const before = process.memoryUsage();
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  peak[0] = before.rss;
  Atomics.store(control, 0, SAMPLE);
  Atomics.notify(control, 0);

  const bytes = readFileSync(file);
  const t0 = performance.now();
  const decoded = decode(bytes);
  const decodeMs = performance.now() - t0;
  const after = process.memoryUsage();
  const maxRssAfter = process.resourceUsage().maxRSS * 1024;

  Atomics.store(control, 0, EXIT);
  Atomics.notify(control, 0);
  await sampler.terminate();

  // The kernel's high-water mark is exact when this measurement raised it; otherwise the peak
  // stayed below an earlier one (start-up) and the sampler's figure is the best available.
  const fromKernel = maxRssAfter > maxRssBefore;
  const peakRss = Math.max(fromKernel ? maxRssAfter : 0, peak[0], after.rss);
  const result: DecodeMemory = {
    decoder,
    fileBytes: bytes.length,
    decodeMs,
    peakRssDelta: peakRss - before.rss,
    afterRssDelta: after.rss - before.rss,
    arrayBuffersDelta: after.arrayBuffers - before.arrayBuffers,
    heapUsedDelta: after.heapUsed - before.heapUsed,
    peakSource: fromKernel && maxRssAfter >= peak[0] ? 'maxRSS' : 'sampler',
  };
  if (decoded === undefined) throw new Error('decoder returned nothing');
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
