// The installed `mlsurgeon` command run as a user runs it: a child process through the bin
// launcher, with its exit code and output streams. One helper for every CLI test file.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isCurrent, readManifest } from '../../cli/compiled.mjs';
import { buildCli } from '../../scripts/build-cli.mjs';
import { repoRoot } from './shared-data';

const exec = promisify(execFile);
export const CLI_BIN = join(repoRoot, 'cli', 'mlsurgeon.mjs');

let compiled: Promise<unknown> | undefined;
/**
 * Runs the bin launcher, which runs the compiled CLI (dist-cli/). When the build is missing or
 * older than the sources it is rebuilt once here first, so the tests run today's sources compiled,
 * and a build that fails fails the test instead of the launcher quietly falling back to tsx.
 */
export async function mlsurgeon(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  compiled ??= (() => {
    const build = readManifest(join(repoRoot, 'dist-cli'));
    return build && isCurrent(repoRoot, build) ? Promise.resolve() : buildCli({ quiet: true });
  })();
  await compiled;
  try {
    const r = await exec(process.execPath, [CLI_BIN, ...args], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}
