// Where each validation finding shows: on the node whose spec path is the longest prefix of the
// finding's path (a layer's input reference belongs to the layer, a feature's shape to its input
// or output node), on a group (a pipeline stage's own settings), or, when nothing on the canvas
// is that specific, on the model panel (specification version, metadata, the model as a whole).
import { formatPath, type PathStep } from '../../../shared/format';
import type { ModelGraph } from '../../../shared/graph';
import type { Diagnostic, Severity } from '../../../shared/validate';

export interface DiagnosticIndex {
  /** Node or group id → its findings, in validation order. */
  readonly byElement: ReadonlyMap<string, readonly Diagnostic[]>;
  /** Findings about the model itself. */
  readonly model: readonly Diagnostic[];
  /** Finding → the element it is shown on (absent: the model panel). */
  readonly elementOf: ReadonlyMap<Diagnostic, string>;
  readonly counts: Readonly<Record<Severity, number>>;
}

export function indexDiagnostics(graph: ModelGraph, diagnostics: readonly Diagnostic[]): DiagnosticIndex {
  // Node ids are formatPath(node.path) and group ids `group:` + formatPath(group.path) (shared/graph/collector.ts).
  const byPath = new Map<string, string>();
  for (const g of graph.groups) byPath.set(formatPath(g.path), g.id);
  for (const n of graph.nodes) byPath.set(formatPath(n.path), n.id);
  const byElement = new Map<string, Diagnostic[]>();
  const elementOf = new Map<Diagnostic, string>();
  const model: Diagnostic[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) {
    counts[d.severity]++;
    const id = elementFor(byPath, d.path);
    if (id === undefined) { model.push(d); continue; }
    elementOf.set(d, id);
    const list = byElement.get(id);
    if (list) list.push(d); else byElement.set(id, [d]);
  }
  return { byElement, model, elementOf, counts };
}

function elementFor(byPath: ReadonlyMap<string, string>, path: readonly PathStep[]): string | undefined {
  for (let n = path.length; n > 0; n--) {
    const id = byPath.get(formatPath(path.slice(0, n)));
    if (id !== undefined) return id;
  }
  return undefined;
}

/** The worst severity in a list (for a badge's colour). */
export function worstSeverity(list: readonly Diagnostic[]): Severity | undefined {
  if (list.some((d) => d.severity === 'error')) return 'error';
  if (list.some((d) => d.severity === 'warning')) return 'warning';
  return list.length ? 'info' : undefined;
}
