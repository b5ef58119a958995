// `mlsurgeon run`: runs a model on the CPU executor and writes every output (and any requested
// intermediate blob) as DIR/NAME.npy. Inputs come from .npy files, PNG images, or a seeded random
// generator; the input-building helpers are shared with `mlsurgeon compare`.
//
// The model runs in a worker thread (node:worker_threads), so the main thread stays free to show
// progress (stderr, when it is a terminal, or with --progress) and to cancel on Ctrl-C: SIGINT
// stops the worker at once (even inside a layer), nothing is written (or what was written is
// removed), and the command exits 130. The worker is this same compiled bundle (dist-cli, see
// scripts/build-cli.mjs) started again with a marker in workerData: the block at the end of this
// file serves the run. Run from the TypeScript sources (MLSURGEON_TSX=1, or imported by a test),
// there is no bundle to start, and the model runs in the main thread (Ctrl-C then simply kills
// the process).
//
// Threads: with --threads 2 (the default on a machine with two cores or more) the run's thread
// starts a helper worker thread over the executor's shared WebAssembly memory and large
// convolutions and matrix products are split between the two (shared/executor/parallel.ts),
// with results identical to one thread; --profile says how many threads the kernels used.
import * as fsp from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  ExecutorError, NpyError, decodeNpy, defaultArrayShape as arrayInputShape, defaultImageSize as imageInputSize,
  encodeNpy, numericForm, runModel, seededRandom, startKernelThreads, type FeatureValue, type ImageValue,
  type LayerProfile, type RunOptions, type RunResult, type SpawnHelper,
} from '../shared/executor';
import { ArrayFeatureType_ArrayDataType, modelTypeOf, type FeatureDescription, type Model } from '../shared/format';
import { nodeFileSystem, openModelFile } from '../shared/io';
import { decodePng, ImageDecodeError, isJpeg, isPng } from './png';

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export const RUN_USAGE = `usage: mlsurgeon run MODEL --out DIR [--input NAME=FILE.npy …] [--image NAME=FILE.png …]
                     [--random SEED] [--blobs all|NAME,…] [--profile] [--threads N]

  --input NAME=FILE   an input from a .npy file (arrays, or a one-value array for a number);
                      FILE.txt gives a string input, FILE.json a number, string or dictionary
  --image NAME=FILE   an image input from a PNG file, resized to the input's size if needed
  --random SEED       fill every input not given: arrays uniform in [-1, 1], numbers in [0, 1),
                      images with random pixels; flexible shapes take their default
  --out DIR           where DIR/NAME.npy is written for each output (float32, C order); a
                      classifier also writes DIR/LABEL.json with the label and probabilities
  --blobs all|A,B     also write these intermediate blobs (all: every blob)
  --profile           print the time spent in each layer (and the threads the kernels used)
  --threads N         threads for the large convolutions and matrix products: 1, or 2 (the
                      default where the machine has two cores or more; more is taken as 2);
                      results are identical either way
  --progress          print progress to stderr even when it is not a terminal

  The model runs in a worker thread; Ctrl-C cancels (exit 130) and leaves no output behind.`;

export const EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2;
/** 128 + SIGINT (2), what a shell reports for a command stopped by Ctrl-C. */
export const EXIT_CANCELLED = 130;

/** A usage problem: the message is printed with the usage text and the exit code is 2. */
export class RunUsageError extends Error {}
/** Bad input data (a file that does not fit the model's input): one line, exit 1. */
export class RunInputError extends Error {}
/** The user pressed Ctrl-C (SIGINT): exit 130. */
export class RunCancelledError extends Error {}

export const fs = nodeFileSystem(fsp);

export interface InputFlags {
  files: Map<string, string>;
  images: Map<string, string>;
}

/** Splits NAME=VALUE; a missing "=" is a usage error. */
export function nameValue(flag: string, arg: string | undefined): [string, string] {
  const i = arg?.indexOf('=') ?? -1;
  if (!arg || i <= 0 || i === arg.length - 1) throw new RunUsageError(`${flag} needs NAME=FILE, got ${arg ?? 'nothing'}`);
  return [arg.slice(0, i), arg.slice(i + 1)];
}

const { INT32 } = ArrayFeatureType_ArrayDataType;

/** The shape an array input takes by default (shared/executor/inputs.ts); none declared is a usage problem here. */
export function defaultArrayShape(d: FeatureDescription): number[] {
  const shape = arrayInputShape(d);
  if (!shape) throw new RunInputError(`input ${d.name} declares no shape; give it with --input`);
  return shape;
}

export function defaultImageSize(d: FeatureDescription): [number, number] {
  const size = imageInputSize(d);
  if (!size) throw new RunInputError(`input ${d.name} declares no image size`);
  return size;
}

function randomValue(d: FeatureDescription, rand: () => number): FeatureValue {
  const t = d.type ?? {};
  if (t.multiArrayType) {
    const shape = defaultArrayShape(d);
    const n = shape.reduce((a, b) => a * b, 1);
    // Integer arrays are usually indices (embeddings, gathers): 0 or 1 keeps them in range.
    const data = t.multiArrayType.dataType === INT32 ? Float32Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1)) : Float32Array.from({ length: n }, () => rand() * 2 - 1);
    return { kind: 'tensor', tensor: { shape, data } };
  }
  if (t.imageType) {
    const [w, h] = defaultImageSize(d);
    const pixels = new Uint8Array(w * h * 4);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i & 3) === 3 ? 255 : Math.floor(rand() * 256);
    return { kind: 'image', image: { width: w, height: h, layout: 'rgba', pixels } };
  }
  if (t.doubleType) return { kind: 'double', value: rand() };
  if (t.int64Type) return { kind: 'int64', value: Math.floor(rand() * 2) };
  const kind = t.stringType ? 'a string' : t.dictionaryType ? 'a dictionary' : t.sequenceType ? 'a sequence' : 'of a type --random cannot make';
  throw new RunInputError(`input ${d.name} is ${kind}: --random cannot fill it; give it with --input ${d.name}=FILE.txt or FILE.json`);
}

/** Bilinear resampling of RGBA pixels (pixel centres aligned), for an image of another size. */
export function resizeRgba(src: ImageValue, width: number, height: number): ImageValue {
  if (src.width === width && src.height === height) return src;
  const out = new Uint8Array(width * height * 4);
  const sx = src.width / width, sy = src.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), src.height - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, src.height - 1), wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), src.width - 1);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, src.width - 1), wx = fx - x0;
      for (let c = 0; c < 4; c++) {
        const p = (yy: number, xx: number) => src.pixels[(yy * src.width + xx) * 4 + c];
        const top = p(y0, x0) * (1 - wx) + p(y0, x1) * wx;
        const bottom = p(y1, x0) * (1 - wx) + p(y1, x1) * wx;
        out[(y * width + x) * 4 + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return { width, height, layout: 'rgba', pixels: out };
}

async function imageInput(d: FeatureDescription, file: string): Promise<FeatureValue> {
  const bytes = new Uint8Array(await fsp.readFile(file));
  if (isJpeg(bytes)) throw new RunInputError(`${file}: JPEG images are not supported by the command line (no JPEG decoder without a native dependency); convert it to PNG`);
  if (!isPng(bytes)) throw new RunInputError(`${file}: not a PNG image`);
  let png;
  try { png = decodePng(bytes); } catch (e) {
    if (e instanceof ImageDecodeError) throw new RunInputError(`${file}: ${e.message}`);
    throw e;
  }
  const [w, h] = defaultImageSize(d);
  return { kind: 'image', image: resizeRgba({ width: png.width, height: png.height, layout: 'rgba', pixels: png.pixels }, w, h) };
}

async function fileInput(d: FeatureDescription, file: string): Promise<FeatureValue> {
  const t = d.type ?? {};
  const lower = file.toLowerCase();
  if (lower.endsWith('.txt')) return { kind: 'string', value: (await fsp.readFile(file, 'utf8')).replace(/\r?\n$/, '') };
  if (lower.endsWith('.json')) {
    let v: unknown;
    try { v = JSON.parse(await fsp.readFile(file, 'utf8')); } catch (e) { throw new RunInputError(`${file}: not JSON: ${(e as Error).message}`); }
    if (typeof v === 'string') return { kind: 'string', value: v };
    if (typeof v === 'number') return t.int64Type ? { kind: 'int64', value: Math.trunc(v) } : { kind: 'double', value: v };
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'number')) {
      const intKeys = !!t.dictionaryType?.int64KeyType;
      return { kind: 'dictionary', value: new Map(Object.entries(v as Record<string, number>).map(([k, x]) => [intKeys ? Number(k) : k, x])) };
    }
    throw new RunInputError(`${file}: expected a number, a string or an object of numbers`);
  }
  if (t.imageType) throw new RunInputError(`input ${d.name} is an image: give it with --image ${d.name}=FILE.png`);
  let arr;
  try { arr = decodeNpy(new Uint8Array(await fsp.readFile(file))); } catch (e) {
    if (e instanceof NpyError) throw new RunInputError(`${file}: ${e.message}`);
    throw e;
  }
  if (t.doubleType || t.int64Type) {
    if (arr.data.length !== 1) throw new RunInputError(`${file}: input ${d.name} is a number, the file holds ${arr.data.length} values`);
    return t.int64Type ? { kind: 'int64', value: Math.trunc(arr.data[0]) } : { kind: 'double', value: arr.data[0] };
  }
  return { kind: 'tensor', tensor: { shape: arr.shape, data: arr.data } };
}

/** Every input the model declares, from files, images or the generator; optional ones may stay absent. */
export async function buildInputs(model: Model, flags: InputFlags, rand: (() => number) | undefined): Promise<Map<string, FeatureValue>> {
  const declared = model.description?.input ?? [];
  const names = new Set(declared.map((d) => d.name));
  for (const n of [...flags.files.keys(), ...flags.images.keys()]) {
    if (!names.has(n)) throw new RunUsageError(`the model has no input named ${n} (inputs: ${[...names].join(', ')})`);
  }
  const inputs = new Map<string, FeatureValue>();
  for (const d of declared) {
    const name = d.name ?? '';
    const file = flags.files.get(name), image = flags.images.get(name);
    if (image) inputs.set(name, await imageInput(d, image));
    else if (file) inputs.set(name, await fileInput(d, file));
    else if (rand) inputs.set(name, randomValue(d, rand));
    else if (!d.type?.isOptional) throw new RunUsageError(`input ${name} is not given: use --input ${name}=FILE${d.type?.imageType ? '' : '.npy'}${d.type?.imageType ? `, --image ${name}=FILE.png` : ''} or --random SEED`);
  }
  return inputs;
}

export function parseSeed(flag: string, v: string | undefined): number {
  if (v === undefined || !/^\d+$/.test(v)) throw new RunUsageError(`${flag} needs a non-negative integer, got ${v ?? 'nothing'}`);
  return Number(v);
}

const safeFileName = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_') || '_';

const jsonOf = (v: FeatureValue): unknown => {
  switch (v.kind) {
    case 'dictionary': return Object.fromEntries(v.value);
    case 'string': case 'double': case 'int64': case 'sequence': return v.value;
    default: return undefined;
  }
};

export function formatProfile(profile: LayerProfile[]): string {
  const total = profile.reduce((s, p) => s + p.ms, 0);
  const wL = Math.max(5, ...profile.map((p) => p.layer.length));
  const wT = Math.max(4, ...profile.map((p) => p.type.length));
  const lines = [`${'layer'.padEnd(wL)}  ${'type'.padEnd(wT)}  ${'ms'.padStart(9)}  ${'%'.padStart(5)}`];
  for (const p of profile) {
    lines.push(`${p.layer.padEnd(wL)}  ${p.type.padEnd(wT)}  ${p.ms.toFixed(3).padStart(9)}  ${(total ? (100 * p.ms) / total : 0).toFixed(1).padStart(5)}`);
  }
  lines.push(`${'total'.padEnd(wL)}  ${''.padEnd(wT)}  ${total.toFixed(3).padStart(9)}  ${'100.0'.padStart(5)}`);
  return lines.join('\n');
}

/** Known failures become one line and exit 1 (usage: 2); anything else is left to main. */
export function reportFailure(command: string, usage: string, e: unknown, io: CommandIo): number | undefined {
  if (e instanceof RunUsageError) { io.err(`${e.message}\n${usage}`); return EXIT_USAGE; }
  if (e instanceof RunInputError || e instanceof ExecutorError) { io.err(`mlsurgeon ${command}: ${e.message}`); return EXIT_FAILED; }
  return undefined;
}

export async function runCommand(args: string[], io: CommandIo): Promise<number> {
  const request = args[0] === SERVE_WORKER ? workerRequest() : undefined;
  if (request) { await serveRun(request); return EXIT_OK; }
  if (args.includes('--help')) { io.out(RUN_USAGE); return EXIT_OK; }
  try {
    let model: string | undefined, outDir: string | undefined, seed: number | undefined, blobs: RunOptions['blobs'], profile = false, progress = !!process.stderr.isTTY;
    let threads = defaultThreads();
    const flags: InputFlags = { files: new Map(), images: new Map() };
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--input') { const [n, f] = nameValue(a, args[++i]); flags.files.set(n, f); }
      else if (a === '--image') { const [n, f] = nameValue(a, args[++i]); flags.images.set(n, f); }
      else if (a === '--random') seed = parseSeed(a, args[++i]);
      else if (a === '--out' || a === '-o') { outDir = args[++i]; if (!outDir) throw new RunUsageError(`${a} needs a folder`); }
      else if (a === '--blobs') {
        const v = args[++i];
        if (!v) throw new RunUsageError('--blobs needs all or a comma-separated list of blob names');
        blobs = v === 'all' ? 'all' : v.split(',').filter(Boolean);
      } else if (a === '--profile') profile = true;
      else if (a === '--threads') threads = parseThreads(args[++i]);
      else if (a === '--progress') progress = true;
      else if (a.startsWith('-')) throw new RunUsageError(`unknown option ${a}`);
      else if (model === undefined) model = a;
      else throw new RunUsageError(`unexpected argument ${a}`);
    }
    if (!model) throw new RunUsageError('no model given');
    if (!outDir) throw new RunUsageError('--out DIR is required');
    const opened = await openModelFile(fs, model);
    for (const w of opened.warnings) io.err(`warning: ${model}: ${w}`);
    const spec = opened.spec;
    const inputs = await buildInputs(spec, flags, seed === undefined ? undefined : seededRandom(seed));
    const cancel = new CancelOnSigint(bundleFile() !== undefined);
    try {
      const started = performance.now();
      const result = await runModelInWorker(spec, inputs, { ...(blobs ? { blobs } : {}), profile }, cancel, progress ? progressPrinter(model) : undefined, threads);
      const elapsed = performance.now() - started;
      return await writeResults(spec, result, outDir, profile, elapsed, cancel, io);
    } finally {
      cancel.dispose();
    }
  } catch (e) {
    if (e instanceof RunCancelledError) { io.err('mlsurgeon run: cancelled'); return EXIT_CANCELLED; }
    const code = reportFailure('run', RUN_USAGE, e, io);
    if (code !== undefined) return code;
    throw e;
  }
}

/** Writes every output and requested blob; on Ctrl-C meanwhile, removes what it wrote. */
async function writeResults(spec: Model, result: RunResult, outDir: string, profile: boolean, elapsed: number, cancel: CancelOnSigint, io: CommandIo): Promise<number> {
  const made = await fsp.mkdir(outDir, { recursive: true });
  const written = new Set<string>();
  const paths: string[] = [];
  const lines: string[] = [];
  const write = async (name: string, ext: string, data: Uint8Array | string) => {
    if (cancel.cancelled) throw new RunCancelledError();
    let file = safeFileName(name) + ext;
    for (let k = 2; written.has(file); k++) file = `${safeFileName(name)}_${k}${ext}`;
    written.add(file);
    paths.push(join(outDir, file));
    await fsp.writeFile(join(outDir, file), data);
    return file;
  };
  try {
    // Lines are printed once everything is written (a cancelled run prints none of them).
    const d = spec.description;
    const labelName = d?.predictedFeatureName;
    const probsName = d?.predictedProbabilitiesName || (d?.output ?? []).find((o) => o.type?.dictionaryType && o.name !== labelName)?.name;
    for (const [name, v] of result.outputs) {
      const t = numericForm(v);
      if (t) lines.push(`${name}: [${t.shape.join(', ')}] → ${join(outDir, await write(name, '.npy', encodeNpy(t)))}`);
      if (name === labelName && (v.kind === 'string' || v.kind === 'int64')) {
        const p = probsName ? result.outputs.get(probsName) : undefined;
        const json = { label: v.value, ...(p?.kind === 'dictionary' ? { probabilities: Object.fromEntries(p.value) } : {}) };
        lines.push(`${name}: ${JSON.stringify(v.value)} → ${join(outDir, await write(name, '.json', JSON.stringify(json, null, 2) + '\n'))}`);
      } else if (!t || v.kind === 'dictionary') {
        const j = jsonOf(v);
        if (j !== undefined) lines.push(`${name}: ${v.kind} → ${join(outDir, await write(name, '.json', JSON.stringify(j, null, 2) + '\n'))}`);
      }
    }
    for (const [name, t] of result.blobs) {
      if (result.outputs.has(name)) continue;
      await write(name, '.npy', encodeNpy(t));
    }
    if (result.blobs.size) lines.push(`${[...result.blobs.keys()].filter((n) => !result.outputs.has(n)).length} intermediate blobs → ${outDir}`);
    if (cancel.cancelled) throw new RunCancelledError();
  } catch (e) {
    if (e instanceof RunCancelledError || cancel.cancelled) {
      // No partial outputs: what this run wrote goes, and the folder too when the run made it.
      await Promise.all(paths.map((f) => fsp.rm(f, { force: true })));
      if (made) await fsp.rm(made, { recursive: true, force: true });
      throw new RunCancelledError();
    }
    throw e;
  }
  for (const l of lines) io.out(l);
  // A model without layers (a classic model) is timed as one step.
  if (profile) {
    io.out(formatProfile(result.profile?.length ? result.profile : [{ layer: '(whole model)', type: modelTypeOf(spec) ?? 'model', ms: elapsed }]));
    const used = result.threads ?? 1;
    io.out(`kernels ran on ${used} thread${used === 1 ? '' : 's'}`);
  }
  return EXIT_OK;
}

/** Ctrl-C during a run: a flag the worker polls between layers, and a hook that stops the worker at once. */
class CancelOnSigint {
  cancelled = false;
  /** Set to 1 on SIGINT; the worker's RunOptions.signal reads it between layers. */
  readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private onCancel: (() => void) | undefined;
  private readonly handler = () => {
    this.cancelled = true;
    Atomics.store(this.flag, 0, 1);
    this.onCancel?.();
  };

  /** `listen`: only when the run happens off the main thread; a blocked main thread could never handle it, and Ctrl-C must then kill. */
  constructor(listen: boolean) {
    if (listen) process.on('SIGINT', this.handler);
  }

  whenCancelled(f: (() => void) | undefined): void {
    this.onCancel = f;
  }

  dispose(): void {
    process.off('SIGINT', this.handler);
  }
}

type Progress = (done: number, total: number, finished?: boolean) => void;

/** Progress on stderr: one rewritten line on a terminal, else a line per update (at most 5 a second). */
function progressPrinter(model: string): Progress {
  const tty = !!process.stderr.isTTY;
  let last = 0;
  return (done, total, finished) => {
    if (finished) {
      if (tty) process.stderr.write('\r\x1b[2K');
      return;
    }
    const now = performance.now();
    if (done < total && now - last < 200) return;
    last = now;
    const text = `running ${model}: layer ${done}/${total} (${Math.round((100 * done) / Math.max(1, total))}%)`;
    process.stderr.write(tty ? `\r\x1b[2K${text}` : `${text}\n`);
  };
}

const WORKER_MARK = 'mlsurgeon run worker';
/**
 * The worker enters through the bundle's `main` like a command (`mlsurgeon run --serve-worker`),
 * since the CLI loads `run` only when its command is given; the argument is honoured only in a
 * worker thread started with a request.
 */
const SERVE_WORKER = '--serve-worker';

/** 2 where the machine has two cores or more: the executor's kernels use at most two threads. */
function defaultThreads(): number {
  return availableParallelism() >= 2 ? 2 : 1;
}

function parseThreads(v: string | undefined): number {
  const n = Number(v);
  if (!v || !Number.isInteger(n) || n < 1) throw new RunUsageError(`--threads needs a whole number of threads (1 or more), got ${v ?? 'nothing'}`);
  return Math.min(n, 2);
}

/** The executor's helper thread: a worker thread running its source (it must not keep the process alive). */
export const spawnKernelHelper: SpawnHelper = (source, onMessage, onError) => {
  const w = new Worker(source, { eval: true });
  w.unref();
  w.on('message', onMessage);
  w.on('error', onError);
  return { postMessage: (m) => w.postMessage(m), terminate: () => void w.terminate() };
};

interface WorkerRequest {
  mark: typeof WORKER_MARK;
  /** 2: start the executor's helper thread before running. */
  threads: number;
  spec: Model;
  inputs: Map<string, FeatureValue>;
  options: RunOptions;
  cancel: Int32Array;
  progress: boolean;
}

type WorkerMessage =
  | { kind: 'progress'; done: number; total: number }
  | { kind: 'result'; result: RunResult }
  | { kind: 'failed'; executor: boolean; message: string };

/** The compiled bundle this code runs from, when it does (the worker starts it again). */
function bundleFile(): string | undefined {
  return typeof __filename === 'string' && __filename.endsWith('.cjs') ? __filename : undefined;
}

/**
 * Starts the bundle in a worker the way cli/compiled.mjs loads it (V8's code cache beside it,
 * the CommonJS wrapper), so the worker's start costs what the command's own start costs.
 */
const WORKER_LOADER = `
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');
const { workerData } = require('node:worker_threads');
const file = workerData.bundle;
let cachedData;
try { cachedData = readFileSync(file.replace(/\\.cjs$/, '.cache')); } catch {}
const script = new Script('(function (exports, require, module, __filename, __dirname) { ' + readFileSync(file, 'utf8') + '\\n})', { filename: file, cachedData });
const module = { exports: {} };
script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
module.exports.main(['run', '${SERVE_WORKER}']);
`;

/**
 * Runs the model in a worker thread with progress and cancel; in the main thread when there is
 * no compiled bundle to start (see the file comment).
 */
export async function runModelInWorker(spec: Model, inputs: Map<string, FeatureValue>, options: RunOptions, cancel: CancelOnSigint, progress?: Progress, threads = 1): Promise<RunResult> {
  const bundle = bundleFile();
  if (!bundle) {
    if (threads >= 2) await startKernelThreads(spawnKernelHelper);
    const r = runModel(spec, inputs, { ...options, ...(progress ? { onProgress: progress } : {}) });
    progress?.(0, 0, true);
    return r;
  }
  const request: WorkerRequest = { mark: WORKER_MARK, threads, spec, inputs, options, cancel: cancel.flag, progress: !!progress };
  const worker = new Worker(WORKER_LOADER, { eval: true, workerData: { bundle, request } });
  try {
    return await new Promise<RunResult>((resolve, reject) => {
      cancel.whenCancelled(() => {
        // Stops the worker even inside a long layer; the flag alone would wait for the layer's end.
        void worker.terminate();
        reject(new RunCancelledError());
      });
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'progress') progress?.(m.done, m.total);
        else if (m.kind === 'result') resolve(m.result);
        else reject(m.executor ? new ExecutorError(m.message) : new Error(m.message));
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(cancel.cancelled ? new RunCancelledError() : new Error(`the run's worker thread stopped (exit code ${code})`)));
    });
  } finally {
    cancel.whenCancelled(undefined);
    progress?.(0, 0, true);
    await worker.terminate();
  }
}

/** The worker's side: run, post progress, post the result (its arrays transferred, not copied). */
async function serveRun(request: WorkerRequest): Promise<void> {
  const port = parentPort!;
  // The helper is a worker of this worker: it ends when the main thread terminates this one.
  if (request.threads >= 2) await startKernelThreads(spawnKernelHelper);
  const flag = request.cancel;
  const signal = { get aborted() { return Atomics.load(flag, 0) === 1; } };
  let last = 0;
  const onProgress = (done: number, total: number) => {
    const now = performance.now();
    if (done < total && now - last < 100) return;
    last = now;
    port.postMessage({ kind: 'progress', done, total } satisfies WorkerMessage);
  };
  let result: RunResult;
  try {
    result = runModel(request.spec, request.inputs, { ...request.options, signal, ...(request.progress ? { onProgress } : {}) });
  } catch (e) {
    port.postMessage({ kind: 'failed', executor: e instanceof ExecutorError, message: e instanceof Error ? e.message : String(e) } satisfies WorkerMessage);
    return;
  }
  const { release: _release, ...plain } = result;
  port.postMessage({ kind: 'result', result: plain } satisfies WorkerMessage, transferables(plain));
}

/** Buffers wholly owned by one output or blob array can move to the main thread without a copy. */
function transferables(result: RunResult): ArrayBuffer[] {
  const seen = new Set<ArrayBufferLike>();
  const owned = new Set<ArrayBuffer>();
  const consider = (a: Float32Array) => {
    const b = a.buffer;
    if (seen.has(b)) { owned.delete(b as ArrayBuffer); return; }
    seen.add(b);
    if (b instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === b.byteLength) owned.add(b);
  };
  for (const t of result.blobs.values()) consider(t.data);
  for (const v of result.outputs.values()) {
    if (v.kind === 'tensor') consider(v.tensor.data);
    else if (v.kind === 'image' && v.image.pixels instanceof Float32Array) consider(v.image.pixels);
  }
  return [...owned];
}

/** The request this thread was started to serve, when it is a run worker. */
function workerRequest(): WorkerRequest | undefined {
  const request = (workerData as { request?: WorkerRequest } | undefined)?.request;
  return !isMainThread && request?.mark === WORKER_MARK ? request : undefined;
}
