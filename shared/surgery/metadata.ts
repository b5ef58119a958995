// Model metadata: the four standard strings and the user-defined key/value map.
import type { Metadata, Model } from '../format';
import { SurgeryError } from './errors';
import { updateIn, withFields } from './tree';

export interface SetMetadataArgs {
  readonly shortDescription?: string;
  readonly author?: string;
  readonly license?: string;
  readonly versionString?: string;
  /** Keys to set (insertion order is kept; existing keys keep their place). */
  readonly set?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

export function setMetadata(spec: Model, args: SetMetadataArgs): Model {
  for (const k of Object.keys(args.set ?? {})) if (!k) throw new SurgeryError('a user-defined metadata key is empty');
  return updateIn(spec, ['description', 'metadata'], (old) => {
    const md = (old ?? {}) as Metadata;
    const fields: Record<string, unknown> = {};
    for (const k of ['shortDescription', 'author', 'license', 'versionString'] as const) {
      if (args[k] !== undefined) fields[k] = args[k] || undefined;
    }
    if (args.set || args.remove) {
      const m = new Map(md.userDefined ?? []);
      for (const k of args.remove ?? []) {
        if (!m.has(k)) throw new SurgeryError(`there is no user-defined metadata key "${k}"`);
        m.delete(k);
      }
      for (const [k, v] of Object.entries(args.set ?? {})) m.set(k, v);
      fields.userDefined = m.size ? m : undefined;
    }
    return withFields(md, fields);
  });
}
