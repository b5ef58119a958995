// `mlsurgeon`: the command line over shared/. Every command is a thin shell: parse arguments,
// read through the shared document layer, print.
import * as fsp from 'node:fs/promises';
import { ModelReadError, PackageWriteError } from '../shared/format';
import { nodeFileSystem, openModelFile, saveModelFile, serializeModel } from '../shared/io';
import { formatInspectSummary, inspectModel } from '../shared/inspect';
import { EditIntroducesErrors, SurgeryError, specificationVersionForSave } from '../shared/surgery';
import { validateModel, formatDiagnostic } from '../shared/validate';
import { applyEditFlags, EDIT_USAGE, EditUsageError } from './edit';

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const EXIT_UNREADABLE = 3;
/** The output could not be written (missing folder, no permission, disk full…). */
export const EXIT_UNWRITABLE = 4;

/** Writing OUT failed: reported with the output path the user gave, never the temporary file. */
class OutputWriteError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`cannot write ${path}: ${reason}`);
  }
}

const WRITE_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'it is a folder',
  EEXIST: 'something else is in the way',
};

/** Saves through the shared atomic writer; any failure names the output path and its reason. */
async function writeOutput(path: string, data: Parameters<typeof saveModelFile>[2]): Promise<void> {
  try {
    await saveModelFile(fs, path, data);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const known = code ? WRITE_REASONS[code] : undefined;
    // Node's messages name the temporary sibling; only our own messages (no code) are about `path` already.
    const message = (e as Error).message;
    const reason = known ?? (code ? `${code} error` : message.startsWith(path) ? message.slice(path.length).replace(/^[: ]+/, '') : message);
    throw new OutputWriteError(path, reason);
  }
}

const USAGE = `usage: mlsurgeon <command> [options]

commands:
  inspect FILE [--json]   describe a .mlmodel file or .mlpackage folder
  resave IN OUT           decode and encode with no edits (a round-trip check)
  validate FILE [--json]  check a model as strictly as Core ML does; exit 1 when it has errors
  edit IN -o OUT [ops…]   rename, reshape, preprocess, fp16, metadata… (mlsurgeon edit --help)
  run MODEL --out DIR …   run on the CPU, write outputs and blobs as .npy (mlsurgeon run --help)
  compare A B [opts…]     same inputs through two models: max difference, SNR, top-1 agreement
  pipeline A B [C…] -o OUT  join models into a pipeline (mlsurgeon pipeline --help)
  decoder --anchors F …   generate an SSD anchor-box decoder network (mlsurgeon decoder --help)
  nms --iou T …           build a NonMaximumSuppression model (mlsurgeon nms --help)
  detector MODEL -o OUT   detector + decoder + NMS in one pipeline (mlsurgeon detector --help)
  help                    this text

exit codes: 0 ok, 1 validation errors or a refused edit, 2 usage error,
            3 the input is not a readable Core ML model, 4 the output cannot be written`;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

class UsageError extends Error {}

function positional(args: string[], count: number, usage: string): string[] {
  const pos = args.filter((a) => !a.startsWith('--'));
  if (pos.length !== count) throw new UsageError(usage);
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--json');
  if (unknown.length) throw new UsageError(`unknown option ${unknown[0]}\n${usage}`);
  return pos;
}

const fs = nodeFileSystem(fsp);

async function inspect(args: string[], io: Io): Promise<number> {
  const [file] = positional(args, 1, 'usage: mlsurgeon inspect FILE [--json]');
  const opened = await openModelFile(fs, file);
  const result = inspectModel(opened.spec, opened.format, opened.package);
  if (args.includes('--json')) io.out(JSON.stringify(result, null, 2));
  else {
    const size = opened.bytes?.length ?? [...(opened.package?.contents.files.values() ?? [])].reduce((s, b) => s + b.length, 0);
    io.out(formatInspectSummary(result, file, size));
  }
  return EXIT_OK;
}

async function resave(args: string[], io: Io): Promise<number> {
  const [input, output] = positional(args, 2, 'usage: mlsurgeon resave IN OUT');
  const opened = await openModelFile(fs, input);
  for (const w of opened.warnings) io.err(`warning: ${input}: ${w}`);
  await writeOutput(output, serializeModel(opened, opened.spec));
  io.out(`wrote ${output}`);
  return EXIT_OK;
}

async function validate(args: string[], io: Io): Promise<number> {
  const [file] = positional(args, 1, 'usage: mlsurgeon validate FILE [--json]');
  const opened = await openModelFile(fs, file);
  const diagnostics = validateModel(opened.spec);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (args.includes('--json')) io.out(JSON.stringify({ file, errors, warnings: diagnostics.filter((d) => d.severity === 'warning').length, diagnostics }, null, 2));
  else {
    for (const w of opened.warnings) io.out(`warning package ${w}`);
    for (const d of diagnostics) io.out(formatDiagnostic(d));
    io.out(`${file}: ${errors} error${errors === 1 ? '' : 's'}, ${diagnostics.length - errors} other finding${diagnostics.length - errors === 1 ? '' : 's'}`);
  }
  return errors ? 1 : EXIT_OK;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function edit(args: string[], io: Io): Promise<number> {
  if (args.includes('--help')) { io.out(EDIT_USAGE); return EXIT_OK; }
  const [input, ...rest] = args;
  const o = rest.indexOf('-o');
  if (!input || input.startsWith('-') || o < 0 || !rest[o + 1]) throw new UsageError(EDIT_USAGE);
  const output = rest[o + 1];
  const flags = [...rest.slice(0, o), ...rest.slice(o + 2)];
  if (flags.length === 0) throw new UsageError(`no operations given\n${EDIT_USAGE}`);
  const opened = await openModelFile(fs, input);
  for (const w of opened.warnings) io.err(`warning: ${input}: ${w}`);
  const force = flags.includes('--force');
  const textFiles: Record<string, string> = {};
  for (let i = 0; i < flags.length - 1; i++) if (flags[i] === '--labels') textFiles[flags[i + 1]] = await fsp.readFile(flags[i + 1], 'utf8');
  let edited;
  try {
    edited = applyEditFlags(opened.spec, flags.filter((f) => f !== '--force'), textFiles, { force });
  } catch (e) {
    if (!(e instanceof EditIntroducesErrors)) throw e;
    for (const d of e.introduced) io.err(formatDiagnostic(d));
    io.err(`mlsurgeon: refused: ${e.label} would introduce ${plural(e.introduced.length, 'validation error')}; nothing written (--force writes anyway)`);
    return 1;
  }
  for (const step of edited.steps) {
    io.out(`  ${step.applied.label}`);
    if (step.versionRaise) io.out(`    specification version ${step.versionRaise.from} → ${step.versionRaise.to}: ${step.versionRaise.reasons.join('; ')}`);
    for (const d of step.introduced) io.err(formatDiagnostic(d));
    for (const d of step.newWarnings) io.err(formatDiagnostic(d));
  }
  const version = specificationVersionForSave(edited.spec);
  if (version.raisedTo) {
    io.out(`  specification version ${version.declared} → ${version.raisedTo} on save: ${version.reasons.filter((r) => r.version > version.declared).map((r) => `${r.reason} [${r.version}]`).join('; ')}`);
  }
  await writeOutput(output, serializeModel(opened, version.spec));
  io.out(`wrote ${output}`);
  return EXIT_OK;
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'inspect': return await inspect(args, io);
      case 'resave': return await resave(args, io);
      case 'edit': return await edit(args, io);
      case 'validate': return await validate(args, io);
      // The executor and the builders load only when asked for: `help` and `inspect` start in little more than Node's own time.
      case 'run': return await (await import('./run')).runCommand(args, io);
      case 'compare': return await (await import('./compare')).compareCommand(args, io);
      case 'pipeline': case 'decoder': case 'nms': case 'detector': return await (await import('./pipeline')).pipelineCommands(command, args, io);
      case 'help': case '--help': case '-h': io.out(USAGE); return EXIT_OK;
      case undefined: io.err(USAGE); return EXIT_USAGE;
      default: io.err(`unknown command ${command}\n${USAGE}`); return EXIT_USAGE;
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof EditUsageError) { io.err(e.message); return EXIT_USAGE; }
    if (e instanceof SurgeryError) { io.err(`mlsurgeon: refused: ${e.reason}`); return 1; }
    if (e instanceof ModelReadError) { io.err(`mlsurgeon: ${e.message}`); return EXIT_UNREADABLE; }
    if (e instanceof OutputWriteError) { io.err(`mlsurgeon: ${e.message}`); return EXIT_UNWRITABLE; }
    if (e instanceof PackageWriteError) { io.err(`mlsurgeon: ${e.message}`); return 1; }
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR') {
      io.err(`mlsurgeon: ${(e as Error).message}`);
      return EXIT_UNREADABLE;
    }
    io.err(`mlsurgeon: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return 1;
  }
}
