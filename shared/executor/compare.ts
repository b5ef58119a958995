// Comparing two runs of "the same" model (before and after fp16 conversion or quantization, or
// two files): per output or blob, the largest absolute difference, the signal-to-noise ratio of
// B against A and how often the top-1 class agrees, the metrics WWDC18's "model size versus
// agreement" table reports for quantized models (seeds/wwdc18-whats-new-in-coreml-part2.txt:
// accuracy, signal-to-noise ratio). Used by `mlsurgeon compare` and by the app's Compare view.
import type { FeatureValue, RunResult, Tensor } from './types';

/** A seeded generator (mulberry32): the same seed gives the same inputs on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The float32 array form of a value, or undefined when it has none (strings, sequences of strings). */
export function numericForm(v: FeatureValue): Tensor | undefined {
  switch (v.kind) {
    case 'tensor': return v.tensor;
    case 'double': case 'int64': return { shape: [], data: Float32Array.of(v.value) };
    case 'image': {
      const { width, height, layout, pixels } = v.image;
      if (layout === 'planar') return { shape: [pixels.length / (width * height), height, width], data: Float32Array.from(pixels) };
      const planes = new Float32Array(3 * width * height);
      for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) planes[c * width * height + i] = pixels[i * 4 + c];
      return { shape: [3, height, width], data: planes };
    }
    case 'dictionary': return { shape: [v.value.size], data: Float32Array.from(v.value.values()) };
    case 'sequence': return v.value.every((x) => typeof x === 'number') ? { shape: [v.value.length], data: Float32Array.from(v.value) } : undefined;
    default: return undefined;
  }
}

/** Index of the largest finite value (the first on ties); -1 for an empty or all-NaN array. */
export function argmax(d: Float32Array): number {
  let b = -1;
  for (let i = 0; i < d.length; i++) if (!Number.isNaN(d[i]) && (b < 0 || d[i] > d[b])) b = i;
  return b;
}

/** The top class of a value: argmax of an array, the best key of a dictionary, a label itself. */
export function top1(v: FeatureValue): string | undefined {
  switch (v.kind) {
    case 'string': case 'int64': return String(v.value);
    case 'dictionary': {
      let best: [string | number, number] | undefined;
      for (const e of v.value) if (!best || e[1] > best[1]) best = e;
      return best && String(best[0]);
    }
    case 'tensor': {
      const i = argmax(v.tensor.data);
      return i < 0 ? undefined : String(i);
    }
    default: return undefined;
  }
}

export interface Accumulator {
  maxAbs: number;
  /** Σ a², over every run. */
  signal: number;
  /** Σ (a − b)², over every run. */
  noise: number;
  /** Runs whose top-1 agreed. */
  agree: number;
  runs: number;
  /** False for labels and strings: no difference or SNR, only agreement. */
  numeric: boolean;
  /** Why the values could not be compared element by element (shapes differ). */
  note?: string;
}

export const newAccumulator = (): Accumulator => ({ maxAbs: 0, signal: 0, noise: 0, agree: 0, runs: 0, numeric: true });

function addDifferences(acc: Accumulator, a: Float32Array, b: Float32Array): void {
  for (let i = 0; i < a.length; i++) {
    const x = a[i], e = x - b[i];
    const abs = Math.abs(e);
    if (Number.isNaN(abs)) acc.maxAbs = NaN;
    else if (abs > acc.maxAbs) acc.maxAbs = abs;
    acc.signal += x * x;
    acc.noise += e * e;
  }
}

/** Adds one run's pair of values (A's, B's) of one output. */
export function accumulate(acc: Accumulator, a: FeatureValue, b: FeatureValue): void {
  acc.runs++;
  const ta = top1(a);
  if (ta !== undefined && ta === top1(b)) acc.agree++;
  const na = numericForm(a), nb = numericForm(b);
  if (!na || !nb) {
    acc.numeric = false;
    return;
  }
  // A dictionary compares value by value only when both hold the same keys in the same order.
  if (na.data.length !== nb.data.length || (a.kind === 'dictionary' && b.kind === 'dictionary' && [...a.value.keys()].join('\0') !== [...b.value.keys()].join('\0'))) {
    acc.note = `shapes differ: [${na.shape}] vs [${nb.shape}]`;
    acc.maxAbs = NaN;
    return;
  }
  addDifferences(acc, na.data, nb.data);
}

/** Adds one run's pair of intermediate blobs (top-1 is the argmax over the whole blob). */
export function accumulateTensors(acc: Accumulator, a: Tensor, b: Tensor): void {
  accumulate(acc, { kind: 'tensor', tensor: a }, { kind: 'tensor', tensor: b });
}

/** 10·log10(Σa² / Σ(a−b)²); +∞ when B equals A. */
export function snrDb(signal: number, noise: number): number {
  if (noise === 0) return Infinity;
  return 10 * Math.log10(signal / noise);
}

export interface ComparisonRow {
  readonly name: string;
  /** A model output, or an intermediate blob of a neural network. */
  readonly kind: 'output' | 'blob';
  /** A's shape (from the first run). */
  readonly shape: readonly number[];
  /** NaN when not numeric or not comparable. */
  readonly maxAbs: number;
  readonly snrDb: number;
  readonly agree: number;
  readonly runs: number;
  readonly numeric: boolean;
  readonly note?: string;
}

export interface Comparison {
  readonly rows: ComparisonRow[];
  readonly onlyInA: string[];
  readonly onlyInB: string[];
  readonly runs: number;
}

/** Accumulates runs of A and B on the same inputs, output by output and blob by blob (matched by name). */
export class RunComparison {
  private readonly accs = new Map<string, { acc: Accumulator; kind: 'output' | 'blob'; shape: number[] }>();
  private readonly onlyA = new Set<string>();
  private readonly onlyB = new Set<string>();
  private runs = 0;

  add(a: RunResult, b: RunResult): void {
    this.runs++;
    const entry = (name: string, kind: 'output' | 'blob', shape: number[]) => {
      let e = this.accs.get(name);
      if (!e) { e = { acc: newAccumulator(), kind, shape }; this.accs.set(name, e); }
      return e.acc;
    };
    for (const [name, va] of a.outputs) {
      const vb = b.outputs.get(name);
      if (!vb) { this.onlyA.add(name); continue; }
      accumulate(entry(name, 'output', numericForm(va)?.shape ?? []), va, vb);
    }
    for (const name of b.outputs.keys()) if (!a.outputs.has(name)) this.onlyB.add(name);
    for (const [name, ta] of a.blobs) {
      if (a.outputs.has(name)) continue;
      const tb = b.blobs.get(name);
      if (!tb) { this.onlyA.add(name); continue; }
      accumulateTensors(entry(name, 'blob', ta.shape), ta, tb);
    }
    for (const name of b.blobs.keys()) if (!a.blobs.has(name) && !b.outputs.has(name)) this.onlyB.add(name);
  }

  result(): Comparison {
    const rows: ComparisonRow[] = [];
    for (const [name, { acc, kind, shape }] of this.accs) {
      rows.push({
        name, kind, shape, runs: acc.runs, agree: acc.agree, numeric: acc.numeric,
        maxAbs: acc.numeric ? acc.maxAbs : NaN,
        snrDb: acc.numeric && !Number.isNaN(acc.maxAbs) ? snrDb(acc.signal, acc.noise) : NaN,
        ...(acc.note ? { note: acc.note } : {}),
      });
    }
    return { rows, onlyInA: [...this.onlyA], onlyInB: [...this.onlyB], runs: this.runs };
  }
}

/** "41.3", "inf", "n/a". */
export function formatSnr(snr: number): string {
  if (Number.isNaN(snr)) return 'n/a';
  if (!Number.isFinite(snr)) return snr > 0 ? 'inf' : '-inf';
  return snr.toFixed(1);
}
