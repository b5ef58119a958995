// The specification version a saved model declares. Core ML refuses a model that uses a feature
// newer than its declared version, so a save raises the version to what the model needs (with the
// reasons, shown to the user). Lowering is only done on request, and never below that minimum.
import type { Model } from '../format';
import { minimumSpecificationVersion, NEWEST_SPECIFICATION_VERSION, type VersionReason } from '../validate';
import { SurgeryError } from './errors';
import { setIn } from './tree';

export interface VersionOnSave {
  readonly spec: Model;
  readonly declared: number;
  readonly minimum: number;
  /** Set when the save raised the declared version. */
  readonly raisedTo?: number;
  readonly reasons: readonly VersionReason[];
}

export function specificationVersionForSave(spec: Model): VersionOnSave {
  const declared = spec.specificationVersion ?? 0;
  const { version: minimum, reasons } = minimumSpecificationVersion(spec);
  if (declared >= minimum) return { spec, declared, minimum, reasons };
  return { spec: setIn(spec, ['specificationVersion'], minimum), declared, minimum, raisedTo: minimum, reasons };
}

/** Sets the declared version: a number, or 'minimum' for the oldest version that can load the model. */
export function setSpecificationVersion(spec: Model, args: { version: number | 'minimum' }): Model {
  const { version: minimum, reasons } = minimumSpecificationVersion(spec);
  const v = args.version === 'minimum' ? minimum : args.version;
  if (!Number.isInteger(v) || v < 1 || v > NEWEST_SPECIFICATION_VERSION) throw new SurgeryError(`specification version must be 1 to ${NEWEST_SPECIFICATION_VERSION} (got ${args.version})`);
  if (v < minimum) throw new SurgeryError(`the model needs specification version ${minimum} or later: ${reasons.filter((r) => r.version > v).map((r) => r.reason).join('; ')}`);
  return v === spec.specificationVersion ? spec : setIn(spec, ['specificationVersion'], v);
}
