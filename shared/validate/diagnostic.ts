// A validation finding: severity, a stable code, a message a person can act on, and the spec
// path of the thing it is about (so the UI can select it and the CLI can print it).
import { formatPath, type PathStep } from '../format';
import type { DiagnosticCode } from './codes';

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly path: readonly PathStep[];
}

/** Collects diagnostics while the rules run. */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  error(code: DiagnosticCode, message: string, path: readonly PathStep[]): void { this.list.push({ severity: 'error', code, message, path }); }
  warning(code: DiagnosticCode, message: string, path: readonly PathStep[]): void { this.list.push({ severity: 'warning', code, message, path }); }
  info(code: DiagnosticCode, message: string, path: readonly PathStep[]): void { this.list.push({ severity: 'info', code, message, path }); }
  /** Findings worked out earlier with paths relative to `prefix` (a cached layer's own findings). */
  addUnder(prefix: readonly PathStep[], found: readonly Diagnostic[]): void {
    for (const d of found) this.list.push({ ...d, path: [...prefix, ...d.path] });
  }
}

/** One line for terminals: "error layer-input-undefined neuralNetwork.layers[3].input[0]: …". */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.path.length ? formatPath(d.path) : '(model)';
  return `${d.severity} ${d.code} ${where}: ${d.message}`;
}

/** "(91, 1917)" style, as Python and Core ML tools print shapes. */
export const tuple = (dims: readonly (number | string)[]): string => `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
