// What the UI derives from a spec: the canvas graph, the model panel's facts and the validation
// findings. Pure, so the decode worker (at open) and the UI thread (after every edit, undo and
// redo) compute exactly the same thing.
//
// Shapes are inferred once per spec (shapesOf) and handed to validation and the canvas's edge
// labels; the worker sends its result with the rest of the analysis (adoptShapes), so the window
// does not infer them again after an open.
import type { MlPackage, Model } from '../../../shared/format';
import { buildGraph, type ModelGraph } from '../../../shared/graph';
import { inspectModel, type InspectResult } from '../../../shared/inspect';
import { adoptDefaultShapes, defaultShapes, knownDefaultShapes, type ShapeResult } from '../../../shared/shapes';
import { validateModel, type Diagnostic } from '../../../shared/validate';

export interface Analysis {
  readonly graph: ModelGraph;
  readonly inspect: InspectResult;
  readonly diagnostics: readonly Diagnostic[];
  /** Set when validation itself failed (a bug of ours): the model is shown without findings. */
  readonly validationFailure?: string;
}

/** The spec's inferred shapes (default options), inferred at most once per spec (shared/shapes). */
export function shapesOf(spec: Model): ShapeResult | undefined {
  try { return defaultShapes(spec); } catch { return undefined; }
}

/** The shapes if they are known already, without inferring them. */
export const knownShapesOf = knownDefaultShapes;

/** Shapes inferred elsewhere (the decode worker) for this spec. */
export function adoptShapes(spec: Model, shapes: ShapeResult | undefined): void {
  if (shapes) adoptDefaultShapes(spec, shapes);
}

export function validate(spec: Model, shapes: ShapeResult | undefined = shapesOf(spec)): { diagnostics: readonly Diagnostic[]; validationFailure?: string } {
  try {
    return { diagnostics: validateModel(spec, shapes ? { inferred: shapes } : {}) };
  } catch (e) {
    return { diagnostics: [], validationFailure: `validation failed: ${(e as Error).message}` };
  }
}

/** The model panel's facts and the findings: everything of an analysis but the graph. */
export function findings(spec: Model, format: 'mlmodel' | 'mlpackage', pkg: MlPackage | undefined): Omit<Analysis, 'graph'> {
  const shapes = shapesOf(spec);
  return { inspect: inspectModel(spec, format, pkg, shapes ?? null), ...validate(spec, shapes) };
}

export function analyze(spec: Model, format: 'mlmodel' | 'mlpackage', pkg: MlPackage | undefined, foldConstants: boolean): Analysis {
  const graph = buildGraph(spec, { foldConstants });
  return { graph, ...findings(spec, format, pkg) };
}
