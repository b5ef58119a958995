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
import { applyEditFlags, EDIT_USAGE, EditUsageError } from './edit';

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const EXIT_UNREADABLE = 3;

const USAGE = `usage: mlsurgeon <command> [options]

commands:
  inspect FILE [--json]   describe a .mlmodel file or .mlpackage folder
  resave IN OUT           decode and encode with no edits (a round-trip check)
  edit IN -o OUT [ops…]   rename, reshape, preprocess, fp16, metadata… (mlsurgeon edit --help)
  help                    this text

exit codes: 0 ok, 2 usage error, 3 the input is not a readable Core ML model`;

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
  const { spec, applied } = applyEditFlags(opened.spec, flags);
  await saveModelFile(fs, output, serializeModel(opened, spec));
  for (const a of applied) io.out(`  ${a.label}`);
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
