// Models named when the app starts: on the command line (`ML Surgeon model.mlmodel`, and on
// Windows and Linux a double-click in the file manager) or in a second launch while the app runs.
import { isAbsolute, resolve } from 'node:path';

const MODEL_EXTENSION = /\.(mlmodel|mlpackage)[\\/]*$/i;

/**
 * The model paths among command-line arguments, resolved against `cwd`. Switches (Chromium's
 * "--flag", macOS's "-psn_…") and other arguments (the "." of `electron .`) are ignored: only
 * names ending in .mlmodel or .mlpackage count, so a stray argument never opens as a model.
 */
export function modelPathsFromArgv(args: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (a.startsWith('-') || !MODEL_EXTENSION.test(a)) continue;
    const p = (isAbsolute(a) ? a : resolve(cwd, a)).replace(/[\\/]+$/, '');
    if (!out.includes(p)) out.push(p);
  }
  return out;
}
