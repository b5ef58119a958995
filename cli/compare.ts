// `mlsurgeon compare A B`: the same inputs through two models (say, before and after fp16 or
// quantization) and, per output, the largest absolute difference, the signal-to-noise ratio and
// how often the top-1 class agrees, as WWDC18's "model size versus agreement" table reports.
import { openModelFile } from '../shared/io/document';
import { runModel } from '../shared/executor/index';
import type { FeatureValue } from '../shared/executor/types';
import {
  buildInputs, EXIT_OK, fs, nameValue, numericForm, parseSeed, reportFailure, RunUsageError, seededRandom,
  type CommandIo, type InputFlags,
} from './run';

export const COMPARE_USAGE = `usage: mlsurgeon compare A B [--input NAME=FILE.npy …] [--image NAME=FILE.png …] [--random N]

  Runs both models on the same inputs and prints, per output, the largest absolute
  difference, the signal-to-noise ratio of B against A (dB) and the top-1 agreement.
  --random N   N sets of random inputs (seeds 1..N) for every input not given (default 1)`;

interface Accumulator {
  maxAbs: number;
  signal: number;
  noise: number;
  agree: number;
  runs: number;
  /** False for labels: no difference or SNR, only agreement. */
  numeric: boolean;
  note?: string;
}

/** The index (or key) of the top class: argmax of an array, the best key of a dictionary, a label itself. */
function top1(v: FeatureValue): string | undefined {
  switch (v.kind) {
    case 'string': case 'int64': return String(v.value);
    case 'dictionary': {
      let best: [string | number, number] | undefined;
      for (const e of v.value) if (!best || e[1] > best[1]) best = e;
      return best && String(best[0]);
    }
    case 'tensor': {
      const d = v.tensor.data;
      if (d.length === 0) return undefined;
      let b = 0;
      for (let i = 1; i < d.length; i++) if (d[i] > d[b]) b = i;
      return String(b);
    }
    default: return undefined;
  }
}

export function accumulate(acc: Accumulator, a: FeatureValue, b: FeatureValue): void {
  acc.runs++;
  if (top1(a) !== undefined && top1(a) === top1(b)) acc.agree++;
  const ta = numericForm(a), tb = numericForm(b);
  if (!ta || !tb) {
    acc.numeric = false;
    return;
  }
  if (ta.data.length !== tb.data.length || (a.kind === 'dictionary' && b.kind === 'dictionary' && [...a.value.keys()].join('\0') !== [...b.value.keys()].join('\0'))) {
    acc.note = `shapes differ: [${ta.shape}] vs [${tb.shape}]`;
    acc.maxAbs = NaN;
    return;
  }
  for (let i = 0; i < ta.data.length; i++) {
    const x = ta.data[i], e = x - tb.data[i];
    const abs = Math.abs(e);
    if (Number.isNaN(abs)) acc.maxAbs = NaN;
    else if (abs > acc.maxAbs) acc.maxAbs = abs;
    acc.signal += x * x;
    acc.noise += e * e;
  }
}

export function snrDb(signal: number, noise: number): number {
  if (noise === 0) return Infinity;
  return 10 * Math.log10(signal / noise);
}

export async function compareCommand(args: string[], io: CommandIo): Promise<number> {
  if (args.includes('--help')) { io.out(COMPARE_USAGE); return EXIT_OK; }
  try {
    const files: string[] = [];
    const flags: InputFlags = { files: new Map(), images: new Map() };
    let runs: number | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--input') { const [n, f] = nameValue(a, args[++i]); flags.files.set(n, f); }
      else if (a === '--image') { const [n, f] = nameValue(a, args[++i]); flags.images.set(n, f); }
      else if (a === '--random') { runs = parseSeed(a, args[++i]); if (runs < 1) throw new RunUsageError('--random needs at least 1'); }
      else if (a.startsWith('-')) throw new RunUsageError(`unknown option ${a}`);
      else files.push(a);
    }
    if (files.length !== 2) throw new RunUsageError('compare needs two models');
    const [a, b] = await Promise.all(files.map((f) => openModelFile(fs, f)));
    const namesA = (a.spec.description?.input ?? []).map((d) => d.name).join(', ');
    const namesB = (b.spec.description?.input ?? []).map((d) => d.name).join(', ');
    if (namesA !== namesB) io.err(`warning: the models' inputs differ (${namesA} vs ${namesB}); B gets A's inputs by name`);
    const accs = new Map<string, Accumulator>();
    const onlyIn = { a: new Set<string>(), b: new Set<string>() };
    const count = runs ?? 1;
    for (let r = 0; r < count; r++) {
      // Inputs built from A's description, with the seed, are given to both models.
      const inputs = await buildInputs(a.spec, flags, seededRandom(r + 1));
      const ra = runModel(a.spec, inputs).outputs;
      const rb = runModel(b.spec, inputs).outputs;
      for (const [name, va] of ra) {
        const vb = rb.get(name);
        if (!vb) { onlyIn.a.add(name); continue; }
        if (!accs.has(name)) accs.set(name, { maxAbs: 0, signal: 0, noise: 0, agree: 0, runs: 0, numeric: true });
        accumulate(accs.get(name)!, va, vb);
      }
      for (const name of rb.keys()) if (!ra.has(name)) onlyIn.b.add(name);
    }
    const w = Math.max(6, ...[...accs.keys()].map((n) => n.length));
    io.out(`${count} input set${count === 1 ? '' : 's'}: ${files[0]} (A) vs ${files[1]} (B)`);
    io.out(`${'output'.padEnd(w)}  ${'max |A-B|'.padStart(12)}  ${'SNR dB'.padStart(8)}  top-1 agreement`);
    for (const [name, acc] of accs) {
      const snr = snrDb(acc.signal, acc.noise);
      const snrText = !acc.numeric || Number.isNaN(snr) ? 'n/a' : Number.isFinite(snr) ? snr.toFixed(1) : snr > 0 ? 'inf' : '-inf';
      const max = !acc.numeric || Number.isNaN(acc.maxAbs) ? 'n/a' : acc.maxAbs.toExponential(3);
      const agreement = `${acc.agree}/${acc.runs} (${((100 * acc.agree) / acc.runs).toFixed(1)}%)`;
      io.out(`${name.padEnd(w)}  ${max.padStart(12)}  ${snrText.padStart(8)}  ${agreement}${acc.note ? `  ${acc.note}` : ''}`);
    }
    for (const n of onlyIn.a) io.out(`${n}: only in A`);
    for (const n of onlyIn.b) io.out(`${n}: only in B`);
    return EXIT_OK;
  } catch (e) {
    const code = reportFailure('compare', COMPARE_USAGE, e, io);
    if (code !== undefined) return code;
    throw e;
  }
}
