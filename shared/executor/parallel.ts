// Two threads for the large convolutions and matrix products, where the host can share memory.
//
// How: the kernel heap becomes a shared WebAssembly.Memory and a helper worker instantiates the
// same kernel module over it (wasm/kernels.ts: the "shared" builds). A large gemm, conv2d or
// depthwise call is cut in two blocks of its output; this thread writes the call's arguments for
// the second block into a small control block in the heap, wakes the helper (Atomics.notify),
// computes the first block, and waits until the helper says it is done (Atomics.wait). Nothing
// else runs in the helper, and only this thread allocates, so the heap needs no locking.
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

/** The kernel entry points a helper can run, by control-block code. */
const OPS = ['gemm', 'conv2d', 'depthwise3x3'] as const;
export type KernelOp = (typeof OPS)[number];

// Control block, in Int32 slots: the job's sequence number (written last by this thread), the last
// sequence the helper finished, whether it is running, whether the last job failed, the op, the
// argument count, and the last sequence someone took (the helper, or this thread when the helper
// has not taken a job after HELPER_STALL_MS: whoever swaps it first computes the block, so a
// helper that died cannot hang a run); the arguments follow as float64 from byte 32 (every argument, pointers up
// to 4 GiB and f32 clamp bounds alike, is exact as a double, and the helper hands the same
// numbers to the same export as this thread would).
const SEQ = 0, DONE = 1, READY = 2, FAILED = 3, OP = 4, NARGS = 5, TAKEN = 6;
const HELPER_STALL_MS = 2000;
const ARGS_BYTE = 32;
const MAX_ARGS = 32;
const CONTROL_BYTES = ARGS_BYTE + MAX_ARGS * 8;

/**
 * The helper: waits for a job, runs it, says so. After a job it polls for the next one for half a
 * millisecond before sleeping: the next large layer usually follows within that, and waking a
 * sleeping thread costs more than the poll. A trap (out of bounds) is reported, never thrown away:
 * this thread then computes the helper's block itself and stops using the helper.
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
  const args = new Float64Array(memory.buffer, control + ${ARGS_BYTE}, ${MAX_ARGS});
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
    if (Atomics.compareExchange(c, ${TAKEN}, (seq - 1) | 0, seq) !== ((seq - 1) | 0)) continue;
    try {
      exports[OPS[c[${OP}]]](...Array.from(args.subarray(0, c[${NARGS}])));
    } catch (e) {
      Atomics.store(c, ${FAILED}, 1);
    }
    Atomics.store(c, ${DONE}, seq);
    Atomics.notify(c, ${DONE});
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
 * Cuts an M x N output in two blocks at a multiple of the kernel's tile (4 rows, 8 columns), along
 * columns unless that is clearly less even than along rows: a column cut halves the packing (each
 * thread packs only its own columns of B), a row cut makes both threads pack all of B. So 112²
 * maps are cut by pixels and 7x7 maps (49 columns: 32 + 17) by output channels. Null when the
 * output is a single tile.
 */
export function splitBlocks(M: number, N: number, rowUnit = 4, colUnit = 8): [Block, Block] | null {
  const rows = Math.ceil(M / rowUnit), cols = Math.ceil(N / colUnit);
  const share = (units: number) => Math.ceil(units / 2) / units;
  const byCols = cols >= 2 ? share(cols) : Infinity;
  const byRows = rows >= 2 ? share(rows) : Infinity;
  if (byCols === Infinity && byRows === Infinity) return null;
  if (byCols <= byRows + 0.05) {
    const cut = Math.min(N, Math.ceil(cols / 2) * colUnit);
    return [{ m0: 0, m1: M, n0: 0, n1: cut }, { m0: 0, m1: M, n0: cut, n1: N }];
  }
  const cut = Math.min(M, Math.ceil(rows / 2) * rowUnit);
  return [{ m0: 0, m1: cut, n0: 0, n1: N }, { m0: cut, m1: M, n0: 0, n1: N }];
}

export class KernelThreads implements KernelHelper {
  private readonly c: Int32Array;
  private readonly args: Float64Array;
  private seq = 0;
  private failed = false;
  /** Atomics.wait is refused on a browser's main thread; there we spin. */
  private canWait = true;
  /** Calls split between the threads since the heap was created (tests and the profile read it). */
  splits = 0;

  constructor(
    readonly kernels: WasmKernels,
    readonly control: number,
    private readonly worker: HelperWorker,
  ) {
    const buffer = kernels.heap.memory.buffer;
    this.c = new Int32Array(buffer, control, ARGS_BYTE / 4);
    this.args = new Float64Array(buffer, control + ARGS_BYTE, MAX_ARGS);
  }

  get ready(): boolean {
    return !this.failed && Atomics.load(this.c, READY) === 1;
  }

  /**
   * Runs `op` with `helperArgs` in the helper while `own` runs here, and returns when both are
   * done. When the helper failed, its block is computed here (same kernel, same result).
   */
  run(op: KernelOp, helperArgs: number[], own: () => void): void {
    const c = this.c;
    if (helperArgs.length > MAX_ARGS) throw new RangeError(`kernel threads: ${helperArgs.length} arguments (at most ${MAX_ARGS})`);
    this.args.set(helperArgs);
    c[OP] = OPS.indexOf(op);
    c[NARGS] = helperArgs.length;
    const seq = (this.seq = (this.seq + 1) | 0);
    Atomics.store(c, SEQ, seq);
    Atomics.notify(c, SEQ);
    this.splits++;
    // However `own` ends, the helper may still be writing into the heap: wait for it first.
    try {
      own();
    } finally {
      this.finish(op, seq, helperArgs);
    }
  }

  private finish(op: KernelOp, seq: number, helperArgs: number[]): void {
    const c = this.c;
    let computeHere = false;
    const t0 = clock();
    for (let i = 0, done: number; (done = Atomics.load(c, DONE)) !== seq; i++) {
      // The helper's block is as large as ours, so it is nearly done: spin, then sleep.
      if (i < 20000) continue;
      if (this.canWait) {
        try {
          Atomics.wait(c, DONE, done, 20);
        } catch {
          this.canWait = false;
        }
      }
      if (Atomics.load(c, TAKEN) !== seq && clock() - t0 > HELPER_STALL_MS && Atomics.compareExchange(c, TAKEN, (seq - 1) | 0, seq) === ((seq - 1) | 0)) {
        computeHere = true;
        break;
      }
    }
    if (computeHere || Atomics.load(c, FAILED)) {
      this.stop();
      callExport(this.kernels.exports, op, helperArgs);
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
 * Runs one kernel call, in two blocks on two threads when the process has a helper, the call is
 * large enough and the output splits; else as one block here. `argsOf(block, scratch)` gives the
 * export's arguments for a block and a scratch pointer.
 */
export function runSplit(
  kernels: WasmKernels, op: KernelOp, macs: number, M: number, N: number,
  argsOf: (block: Block, scratch: number) => number[], rowUnit = 4, colUnit = 8,
): void {
  const helper = kernels.helper;
  const blocks = helper instanceof KernelThreads && helper.ready && macs >= MIN_SPLIT_MACS && kernels.helperScratch ? splitBlocks(M, N, rowUnit, colUnit) : null;
  if (!blocks || !(helper instanceof KernelThreads)) {
    callExport(kernels.exports, op, argsOf({ m0: 0, m1: M, n0: 0, n1: N }, kernels.scratch));
    return;
  }
  const [own, theirs] = blocks;
  helper.run(op, argsOf(theirs, kernels.helperScratch), () => callExport(kernels.exports, op, argsOf(own, kernels.scratch)));
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
