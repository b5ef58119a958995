// What the UI derives from a spec: the canvas graph, the model panel's facts and the validation
// findings. Pure, so the decode worker (at open) and the UI thread (after every edit, undo and
// redo) compute exactly the same thing.
import type { MlPackage } from '../../../shared/format/mlpackage';
import type { Model } from '../../../shared/format/schema/types.generated';
import { buildGraph } from '../../../shared/graph/build';
import type { ModelGraph } from '../../../shared/graph/types';
import { inspectModel, type InspectResult } from '../../../shared/inspect/inspect';
import { validateModel, type Diagnostic } from '../../../shared/validate';

export interface Analysis {
  readonly graph: ModelGraph;
  readonly inspect: InspectResult;
  readonly diagnostics: readonly Diagnostic[];
  /** Set when validation itself failed (a bug of ours): the model is shown without findings. */
  readonly validationFailure?: string;
}

export function validate(spec: Model): { diagnostics: readonly Diagnostic[]; validationFailure?: string } {
  try {
    return { diagnostics: validateModel(spec) };
  } catch (e) {
    return { diagnostics: [], validationFailure: `validation failed: ${(e as Error).message}` };
  }
}

export function analyze(spec: Model, format: 'mlmodel' | 'mlpackage', pkg: MlPackage | undefined, foldConstants: boolean): Analysis {
  const graph = buildGraph(spec, { foldConstants });
  const inspect = inspectModel(spec, format, pkg);
  return { graph, inspect, ...validate(spec) };
}
