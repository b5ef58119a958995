// `mlsurgeon compare A B`: the same inputs through two models (say, before and after fp16 or
// quantization) and, per output, the largest absolute difference, the signal-to-noise ratio and
// how often the top-1 class agrees, as WWDC18's "model size versus agreement" table reports.
import { openModelFile } from '../shared/io';
import { accumulate, inputMismatches, newAccumulator, runModel, seededRandom, snrDb, type Accumulator } from '../shared/executor';
import {
  buildInputs, EXIT_OK, fs, nameValue, parseSeed, reportFailure, RunInputError, RunUsageError,
  type CommandIo, type InputFlags,
} from './run';

export { accumulate, snrDb };

export const COMPARE_USAGE = `usage: mlsurgeon compare A B [--input NAME=FILE.npy …] [--image NAME=FILE.png …] [--random N]

  Runs both models on the same inputs and prints, per output, the largest absolute
  difference, the signal-to-noise ratio of B against A (dB) and the top-1 agreement.
  --random N   N sets of random inputs (seeds 1..N) for every input not given (default 1)`;

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
    // The Run panel's Compare refuses the same pairs: inputs that differ in name, kind, size or shape.
    const mismatches = inputMismatches(a.spec, b.spec, { a: `A (${files[0]})`, b: `B (${files[1]})` });
    if (mismatches.length) throw new RunInputError(`the models cannot take the same inputs: ${mismatches.join('; ')}`);
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
        if (!accs.has(name)) accs.set(name, newAccumulator());
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
