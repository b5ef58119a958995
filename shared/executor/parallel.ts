// Two threads for the large convolutions and matrix products, where the host can share memory.
//
// How: the kernel heap becomes a shared WebAssembly.Memory and a helper worker instantiates the
// same kernel module over it (wasm/kernels.ts: the "shared" builds). A large gemm, conv2d or
// depthwise call is cut in a few blocks of its output (SPLIT_PARTS); this thread writes each
// block's arguments into a small control block in the heap, wakes the helper (Atomics.notify),
// and both threads claim blocks from one counter until none is left; then this thread waits for
// the blocks the helper claimed (Atomics.wait). Claiming rather than a fixed half each evens out
// blocks of unequal cost, and when the helper is not running (a busy machine took its core) this
// thread simply computes every block: two threads are never much slower than one. Nothing else
// runs in the helper, and only this thread allocates, so the heap needs no locking.
//
// Results are bit-identical to one thread: the kernels compute every output element with the same
// operations in the same order whatever block it is in (kernels/assembly/gemm.ts), and the block
// boundaries never change which path a call takes. test/unit/kernels-threads.test.ts checks it.
//
// Small calls stay on one thread (MIN_SPLIT_MACS): waking the helper costs microseconds.
//
// The host starts the helper (shared/ cannot create workers): startKernelThreads(spawn) with a
// spawn that runs HELPER_SOURCE in a worker: in Node (the CLI's run thread, tests) a worker
// thread started with `eval: true`; in a browser (the app's executor worker) a worker from a Blob
// URL. The helper is plain JavaScript in a string so that it needs no bundler, path or module
// loader in any host; it is short and does nothing but call the module's exports. Where the host
// cannot share memory (a browser page that is not crossOriginIsolated, a worker that cannot
// start), startKernelThreads resolves to 1 and the executor stays on the single-threaded heap.
import { createKernels, kernelModule, simdKernels, useKernels, type KernelExports, type KernelHelper, type WasmKernels } from './wasm/kernels';

/** Below this many multiply-adds a call is not split (about 30 µs of work at 15 GMAC/s). */
export const MIN_SPLIT_MACS = 1 << 19;
/** Blocks a split call is cut into (each thread claims the next free one). */
export const SPLIT_PARTS = 4;

/** The kernel entry points a helper can run, by control-block code. */
const OPS = ['gemm', 'conv2d', 'depthwise3x3'] as const;
export type KernelOp = (typeof OPS)[number];

// Control block, in Int32 slots: the job's sequence number (written last by this thread, the
// helper's wake-up word), whether the helper is running, whether a block failed in the helper,
// the op, the argument count per block, the block count, the claim word and the done word. Claim
// and done words carry the job's tag (sequence & 0x7fff) in their high half and a count in the
// low half, so a thread still holding an earlier job can never claim or finish a block of the
// next one (its tag no longer matches). Per block, the tag of the job it was finished for
// follows. The arguments follow as float64, MAX_ARGS per block (every argument, pointers up to
// 4 GiB and f32 clamp bounds alike, is exact as a double, and the helper hands the same numbers to
// the same export as this thread would).
const SEQ = 0, READY = 1, FAILED = 2, OP = 3, NARGS = 4, NBLOCKS = 5, CLAIM = 6, DONE = 7, BLOCK_DONE = 8;
const MAX_ARGS = 32;
const MAX_BLOCKS = 8;
const ARGS_BYTE = 64;
const CONTROL_BYTES = ARGS_BYTE + MAX_BLOCKS * MAX_ARGS * 8;
/** Waiting this long for blocks the helper claimed without progress means it is gone. */
const HELPER_STALL_MS = 2000;

/**
 * The helper: waits for a job, claims and runs blocks while any is left, says so per block. After
 * a job it polls for the next one for half a millisecond before sleeping: the next large layer
 * usually follows within that, and waking a sleeping thread costs more than the poll. A trap (out
 * of bounds) is reported, never thrown away: this thread then computes that block itself and stops
 * using the helper.
 */
export const HELPER_SOURCE = `
'use strict';
const port = typeof require === 'function' ? require('node:worker_threads').parentPort : self;
const OPS = ${JSON.stringify(OPS)};
function start(init) {
  const { module, memory, control, tiles } = init;
  const exports = new WebAssembly.Instance(module, { env: { memory, abort() {} } }).exports;
  exports.setTiles(tiles);
  const c = new Int32Array(memory.buffer, control, ${ARGS_BYTE / 4});
  const args = new Float64Array(memory.buffer, control + ${ARGS_BYTE}, ${MAX_BLOCKS * MAX_ARGS});
  const now = () => performance.now();
  let seen = Atomics.load(c, ${SEQ});
  Atomics.store(c, ${READY}, 1);
  port.postMessage('ready');
  for (;;) {
    let seq = Atomics.load(c, ${SEQ});
    if (seq === seen) {
      const t0 = now();
      for (let i = 1; (seq = Atomics.load(c, ${SEQ})) === seen; i++) {
        if ((i & 255) === 0 && now() - t0 > 0.5) {
          Atomics.wait(c, ${SEQ}, seen);
          break;
        }
      }
      continue;
    }
    seen = seq;
    const tag = seq & 0x7fff;
    for (;;) {
      const claim = Atomics.load(c, ${CLAIM});
      if (claim >>> 16 !== tag || (claim & 0xffff) >= Atomics.load(c, ${NBLOCKS})) break;
      if (Atomics.compareExchange(c, ${CLAIM}, claim, claim + 1) !== claim) continue;
      const block = claim & 0xffff;
      const n = c[${NARGS}];
      try {
        exports[OPS[c[${OP}]]](...Array.from(args.subarray(block * ${MAX_ARGS}, block * ${MAX_ARGS} + n)));
        Atomics.store(c, ${BLOCK_DONE} + block, tag);
      } catch (e) {
        Atomics.store(c, ${FAILED}, 1);
      }
      Atomics.add(c, ${DONE}, 1);
      Atomics.notify(c, ${DONE});
    }
  }
}
if (typeof port.on === 'function') port.once('message', start);
else port.onmessage = (ev) => { port.onmessage = null; start(ev.data); };
`;

/** What the host gives to start a helper: runs `source` in a new worker, reports its messages. */
export type SpawnHelper = (source: string, onMessage: (message: unknown) => void, onError: (error: unknown) => void) => HelperWorker;

export interface HelperWorker {
  postMessage(message: unknown): void;
  terminate(): void;
}

/** One output block: rows [m0, m1) and columns [n0, n1). */
export interface Block {
  m0: number;
  m1: number;
  n0: number;
  n1: number;
}

/**
 * Cuts an M x N output in up to `parts` blocks at multiples of the kernel's tile (4 rows, 8
 * columns), along columns when there are enough of them: a column block packs only its own
 * columns of B, a row block packs all of B again. So 56x56 maps are cut by pixels and 7x7 maps
 * (7 panels of 8 columns) by output channels. Null when the output cannot be cut in two.
 */
export function splitBlocks(M: number, N: number, rowUnit = 4, colUnit = 8, parts = SPLIT_PARTS): Block[] | null {
  const rows = Math.ceil(M / rowUnit), cols = Math.ceil(N / colUnit);
  const byCols = cols >= 2 * parts || cols >= rows;
  const units = byCols ? cols : rows;
  const pieces = Math.min(parts, units);
  if (pieces < 2) return null;
  const blocks: Block[] = [];
  for (let k = 0; k < pieces; k++) {
    const from = Math.floor((k * units) / pieces), to = Math.floor(((k + 1) * units) / pieces);
    if (byCols) blocks.push({ m0: 0, m1: M, n0: from * colUnit, n1: Math.min(N, to * colUnit) });
    else blocks.push({ m0: from * rowUnit, m1: Math.min(M, to * rowUnit), n0: 0, n1: N });
  }
  return blocks;
}

export class KernelThreads implements KernelHelper {
  private readonly c: Int32Array;
  private readonly args: Float64Array;
  private seq = 0;
  private failed = false;
  /** Atomics.wait is refused on a browser's main thread; there we spin. */
  private canWait = true;
  /** Calls split into blocks since the helper started, and blocks the helper computed (tests and benchmarks read them). */
  splits = 0;
  helperBlocks = 0;

  constructor(
    readonly kernels: WasmKernels,
    readonly control: number,
    private readonly worker: HelperWorker,
  ) {
    const buffer = kernels.heap.memory.buffer;
    this.c = new Int32Array(buffer, control, ARGS_BYTE / 4);
    this.args = new Float64Array(buffer, control + ARGS_BYTE, MAX_BLOCKS * MAX_ARGS);
  }

  get ready(): boolean {
    return !this.failed && Atomics.load(this.c, READY) === 1;
  }

  /**
   * Runs `op` on every block, this thread and the helper claiming blocks in turn, and returns when
   * every block is done. `blockArgs[i]` are the export's arguments for block i with this thread's
   * scratch, `helperArgs[i]` the same with the helper's. A block the helper failed on, or claimed
   * and never finished (HELPER_STALL_MS), is computed here (same kernel, same result) and the
   * helper is stopped.
   */
  run(op: KernelOp, blockArgs: number[][], helperArgs: number[][]): void {
    const c = this.c;
    const n = blockArgs.length;
    const nargs = blockArgs[0].length;
    if (n > MAX_BLOCKS || nargs > MAX_ARGS) throw new RangeError(`kernel threads: ${n} blocks of ${nargs} arguments (at most ${MAX_BLOCKS} of ${MAX_ARGS})`);
    for (let i = 0; i < n; i++) this.args.set(helperArgs[i], i * MAX_ARGS);
    c[OP] = OPS.indexOf(op);
    c[NARGS] = nargs;
    c[NBLOCKS] = n;
    const seq = (this.seq = (this.seq + 1) | 0);
    const tag = seq & 0x7fff;
    Atomics.store(c, CLAIM, tag << 16);
    Atomics.store(c, DONE, tag << 16);
    Atomics.store(c, SEQ, seq);
    Atomics.notify(c, SEQ);
    this.splits++;
    const exports = this.kernels.exports;
    let mine = 0;
    // However our blocks end, the helper may still be writing into the heap: wait for it first.
    try {
      for (;;) {
        const claim = Atomics.load(c, CLAIM);
        if ((claim & 0xffff) >= n) break;
        if (Atomics.compareExchange(c, CLAIM, claim, claim + 1) !== claim) continue;
        mine++;
        callExport(exports, op, blockArgs[claim & 0xffff]);
        Atomics.store(c, BLOCK_DONE + (claim & 0xffff), tag);
        Atomics.add(c, DONE, 1);
      }
    } finally {
      this.helperBlocks += n - mine;
      this.finish(op, tag, blockArgs);
    }
  }

  private finish(op: KernelOp, tag: number, blockArgs: number[][]): void {
    const c = this.c;
    const n = blockArgs.length;
    const all = (tag << 16) | n;
    let stalled = false;
    let t0 = 0;
    for (let i = 0, done: number; (done = Atomics.load(c, DONE)) !== all; i++) {
      // The helper's last block is no larger than ours, so it is nearly done: spin, then sleep.
      if (i < 20000) continue;
      if (this.canWait) {
        try {
          Atomics.wait(c, DONE, done, 20);
        } catch {
          this.canWait = false;
        }
      }
      if (t0 === 0) t0 = clock();
      else if (clock() - t0 > HELPER_STALL_MS) {
        stalled = true;
        break;
      }
    }
    if (stalled || Atomics.load(c, FAILED)) {
      this.stop();
      for (let b = 0; b < n; b++) if (Atomics.load(c, BLOCK_DONE + b) !== tag) callExport(this.kernels.exports, op, blockArgs[b]);
    }
  }

  /** Ends the helper (the heap stays usable on one thread). */
  stop(): void {
    this.failed = true;
    this.worker.terminate();
  }
}

const clock = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function callExport(exports: KernelExports, op: KernelOp, args: number[]): void {
  const kernel: (...a: number[]) => void = exports[op];
  kernel(...args);
}

/**
 * Runs one kernel call, in blocks on two threads when the process has a helper, the call is large
 * enough and the output splits; else as one block here. `argsOf(block, scratch)` gives the
 * export's arguments for a block and a thread's scratch block.
 */
export function runSplit(
  kernels: WasmKernels, op: KernelOp, macs: number, M: number, N: number,
  argsOf: (block: Block, scratch: number) => number[], rowUnit = 4, colUnit = 8,
): void {
  const helper = kernels.helper;
  const blocks = helper instanceof KernelThreads && helper.ready && macs >= MIN_SPLIT_MACS ? splitBlocks(M, N, rowUnit, colUnit) : null;
  if (!blocks || !(helper instanceof KernelThreads) || !kernels.helperScratch) {
    callExport(kernels.exports, op, argsOf({ m0: 0, m1: M, n0: 0, n1: N }, kernels.scratch));
    return;
  }
  helper.run(op, blocks.map((b) => argsOf(b, kernels.scratch)), blocks.map((b) => argsOf(b, kernels.helperScratch)));
}

/** Threads the process-wide kernels use: 2 with a running helper, else 1. */
export function kernelThreadCount(): number {
  return simdKernels()?.helper?.ready ? 2 : 1;
}

let starting: Promise<number> | undefined;

/**
 * Moves the process-wide kernels onto a shared heap with a helper thread started by `spawn`, once
 * per process; resolves to the number of threads the kernels then use (1 when shared memory or
 * the worker is not available: the single-threaded kernels stay). Call it before the first run
 * (the heap changes, and blobs of a run in progress live in the old one).
 */
export function startKernelThreads(spawn: SpawnHelper): Promise<number> {
  if (starting) return starting;
  starting = new Promise<number>((resolve) => {
    const current = simdKernels();
    if (!current || typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return resolve(1);
    const kernels = createKernels(current.variant, { shared: true });
    const module = kernelModule(current.variant, true);
    if (!kernels || !module) return resolve(1);
    const heap = kernels.heap;
    const control = heap.alloc(CONTROL_BYTES);
    new Uint8Array(heap.memory.buffer, control, CONTROL_BYTES).fill(0);
    const tiles = heap.alloc(kernels.exports.tilesBytes());
    let worker: HelperWorker | undefined;
    let settled = false;
    const settle = (threads: number) => {
      if (settled) return;
      settled = true;
      resolve(threads);
    };
    try {
      worker = spawn(
        HELPER_SOURCE,
        (message) => {
          if (message !== 'ready' || settled) return;
          kernels.helper = new KernelThreads(kernels, control, worker!);
          useKernels(kernels);
          settle(2);
        },
        () => {
          if (kernels.helper instanceof KernelThreads) kernels.helper.stop();
          settle(1);
        },
      );
      worker.postMessage({ module, memory: heap.memory, control, tiles });
    } catch {
      worker?.terminate();
      settle(1);
    }
  });
  return starting;
}

/** For tests: stops the helper and goes back to single-threaded kernels on a fresh heap. */
export function stopKernelThreadsForTesting(): void {
  const k = simdKernels();
  if (k?.helper instanceof KernelThreads) k.helper.stop();
  starting = undefined;
}
