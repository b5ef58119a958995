// `mlsurgeon`: the command line over shared/. Every command is a thin shell: parse arguments,
// read through the shared document layer, print.
import * as fsp from 'node:fs/promises';
import { ModelReadError } from '../shared/format/model';
import { PackageWriteError } from '../shared/format/mlpackage';
import { nodeFileSystem } from '../shared/io/filesystem';
import { openModelFile, saveModelFile, serializeModel } from '../shared/io/document';
import { inspectModel } from '../shared/inspect/inspect';
import { formatInspectSummary } from '../shared/inspect/summary';
import { SurgeryError } from '../shared/surgery/errors';
import { specificationVersionForSave } from '../shared/surgery/spec-version';
import { validateModel, formatDiagnostic, type Diagnostic } from '../shared/validate';
import { applyEditFlags, EDIT_USAGE, EditUsageError } from './edit';
import { compareCommand } from './compare';
import { runCommand } from './run';

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const EXIT_UNREADABLE = 3;

const USAGE = `usage: mlsurgeon <command> [options]

commands:
  inspect FILE [--json]   describe a .mlmodel file or .mlpackage folder
  resave IN OUT           decode and encode with no edits (a round-trip check)
  validate FILE [--json]  check a model as strictly as Core ML does; exit 1 when it has errors
  edit IN -o OUT [ops…]   rename, reshape, preprocess, fp16, metadata… (mlsurgeon edit --help)
  run MODEL --out DIR …   run on the CPU, write outputs and blobs as .npy (mlsurgeon run --help)
  compare A B [opts…]     same inputs through two models: max difference, SNR, top-1 agreement
  help                    this text

exit codes: 0 ok, 1 validation errors or a refused edit, 2 usage error,
            3 the input is not a readable Core ML model`;

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
  await saveModelFile(fs, output, serializeModel(opened, opened.spec));
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

const errorKey = (d: Diagnostic) => `${d.code} ${d.path.join('.')} ${d.message}`;

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
  const edited = applyEditFlags(opened.spec, flags.filter((f) => f !== '--force'), textFiles);
  const version = specificationVersionForSave(edited.spec);
  const spec = version.spec;
  // An edit may not introduce validation errors (errors the input already had are reported, not blocking).
  const before = new Set(validateModel(opened.spec).filter((d) => d.severity === 'error').map(errorKey));
  const introduced = validateModel(spec).filter((d) => d.severity === 'error' && !before.has(errorKey(d)));
  for (const a of edited.applied) io.out(`  ${a.label}`);
  if (version.raisedTo) {
    io.out(`  specification version ${version.declared} → ${version.raisedTo}: ${version.reasons.filter((r) => r.version > version.declared).map((r) => r.reason).join('; ')}`);
  }
  if (introduced.length) {
    for (const d of introduced) io.err(formatDiagnostic(d));
    if (!force) { io.err(`mlsurgeon: refused: the edits leave ${introduced.length} validation error${introduced.length > 1 ? 's' : ''}; nothing written (--force writes anyway)`); return 1; }
  }
  await saveModelFile(fs, output, serializeModel(opened, spec));
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
      case 'run': return await runCommand(args, io);
      case 'compare': return await compareCommand(args, io);
      case 'help': case '--help': case '-h': io.out(USAGE); return EXIT_OK;
      case undefined: io.err(USAGE); return EXIT_USAGE;
      default: io.err(`unknown command ${command}\n${USAGE}`); return EXIT_USAGE;
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof EditUsageError) { io.err(e.message); return EXIT_USAGE; }
    if (e instanceof SurgeryError) { io.err(`mlsurgeon: refused: ${e.reason}`); return 1; }
    if (e instanceof ModelReadError) { io.err(`mlsurgeon: ${e.message}`); return EXIT_UNREADABLE; }
    if (e instanceof PackageWriteError) { io.err(`mlsurgeon: ${e.message}`); return 1; }
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR') {
      io.err(`mlsurgeon: ${(e as Error).message}`);
      return EXIT_UNREADABLE;
    }
    io.err(`mlsurgeon: internal error: ${(e as Error).stack ?? e}`);
    return 1;
  }
}
