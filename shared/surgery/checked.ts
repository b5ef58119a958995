// Every edit is checked before it lands, in the UI and the CLI alike: the result is validated as
// it would be saved (with the specification version raised to what it needs), and an edit that
// introduces a validation error is refused unless the caller forces it. Warnings it introduces
// (a classifier's softmax deleted, a layer left computing for nothing) come back to be shown.
import { formatPath, type Model } from '../format';
import { minimumSpecificationVersion, validateModel, type Diagnostic } from '../validate';
import { SurgeryError } from './errors';
import { applyOperation, type AppliedOperation, type OperationArgs, type OperationName } from './operations';
import { specificationVersionForSave } from './spec-version';

export interface CheckOptions {
  /** Apply even when the edit introduces validation errors (the UI's "Apply anyway", the CLI's --force). */
  readonly force?: boolean;
}

/** The operation raised the declared specification version, and why. */
export interface VersionRaise {
  readonly from: number;
  readonly to: number;
  readonly reasons: readonly string[];
}

export interface CheckedOperation<K extends OperationName = OperationName> {
  readonly spec: Model;
  /** What to record in the history; `forced` and a label saying so when errors were accepted. */
  readonly applied: AppliedOperation<K>;
  /** Errors the result has that the input did not have (empty unless forced). */
  readonly introduced: readonly Diagnostic[];
  /** Warnings the result has that the input did not have: shown, never blocking. */
  readonly newWarnings: readonly Diagnostic[];
  /** Every finding on the result as it would be saved (for a Problems panel). */
  readonly diagnostics: readonly Diagnostic[];
  /** Set when the operation itself raised specificationVersion (fp16, quantization, …). */
  readonly versionRaise?: VersionRaise;
}

/**
 * An edit refused because it would introduce validation errors. `label` is the edit's history
 * label; `result` is what forcing gives (the UI can commit it on "Apply anyway" without redoing it).
 */
export class EditIntroducesErrors extends SurgeryError {
  constructor(readonly label: string, readonly introduced: readonly Diagnostic[], readonly result: CheckedOperation) {
    super(`${label} would introduce ${introduced.length} validation error${introduced.length === 1 ? '' : 's'}: ${introduced.map((d) => d.message).join('; ')}`);
    this.name = 'EditIntroducesErrors';
  }
}

// Documents are immutable, so the findings of a spec never change: each is validated once.
const findingsOf = new WeakMap<Model, readonly Diagnostic[]>();

/** Findings on `spec` as it would be saved (the version raised to what the model needs). */
export function diagnosticsOnSave(spec: Model): readonly Diagnostic[] {
  let found = findingsOf.get(spec);
  if (!found) {
    found = Object.freeze(validateModel(specificationVersionForSave(spec).spec));
    findingsOf.set(spec, found);
  }
  return found;
}

/**
 * Findings of `after` that `before` did not have. A finding matches an earlier one with the same
 * code at the same path, or with the same code and message (an insertion shifts the indices in
 * paths, and messages name layers and blobs).
 */
export function newFindings(before: readonly Diagnostic[], after: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  for (const d of before) { seen.add(`${d.code}@${formatPath(d.path)}`); seen.add(`${d.code}:${d.message}`); }
  return after.filter((d) => !seen.has(`${d.code}@${formatPath(d.path)}`) && !seen.has(`${d.code}:${d.message}`));
}

/** Applies an operation and checks its result; throws EditIntroducesErrors unless forced. */
export function applyOperationChecked<K extends OperationName>(spec: Model, name: K, args: OperationArgs[K], options: CheckOptions = {}): CheckedOperation<K> {
  const { spec: out, applied } = applyOperation(spec, name, args);
  return checkEdit(spec, out, applied, options);
}

/**
 * Checks an edit already computed (for callers that need more than the new spec from an
 * operation, e.g. insertLayer's new layer path): the same rules as applyOperationChecked.
 */
export function checkEdit<K extends OperationName>(spec: Model, out: Model, applied: AppliedOperation<K>, options: CheckOptions = {}): CheckedOperation<K> {
  const diagnostics = diagnosticsOnSave(out);
  const fresh = out === spec ? [] : newFindings(diagnosticsOnSave(spec), diagnostics);
  const introduced = fresh.filter((d) => d.severity === 'error');
  const newWarnings = fresh.filter((d) => d.severity === 'warning');
  const from = spec.specificationVersion ?? 0;
  const to = out.specificationVersion ?? 0;
  let versionRaise: VersionRaise | undefined;
  if (to > from) {
    const reasons = minimumSpecificationVersion(out).reasons.filter((r) => r.version > from).map((r) => `${r.reason} [${r.version}]`);
    versionRaise = { from, to, reasons: reasons.length ? reasons : ['requested'] };
  }
  const result: CheckedOperation<K> = { spec: out, applied, introduced, newWarnings, diagnostics, ...(versionRaise ? { versionRaise } : {}) };
  if (!introduced.length) return result;
  const forced: CheckedOperation<K> = {
    ...result,
    applied: { ...applied, forced: true, label: `${applied.label} (applied despite ${introduced.length} validation error${introduced.length === 1 ? '' : 's'})` },
  };
  if (!options.force) throw new EditIntroducesErrors(applied.label, introduced, forced);
  return forced;
}
