// Following a spec path (as GraphNode.path records it) through a decoded model, with the
// message type at every step taken from the schema descriptors.
import { MESSAGES, type PathStep } from '../../../shared/format';

export interface Resolved {
  readonly typeName: string;
  readonly message: Readonly<Record<string, unknown>>;
}

export const MODEL_TYPE = 'CoreML.Specification.Model';

/** The message at `path` below `root` (of type `rootType`), or undefined when the path does not lead to one. */
export function resolvePath(root: object, path: readonly PathStep[], rootType = MODEL_TYPE): Resolved | undefined {
  let typeName = rootType;
  let cur: unknown = root;
  let i = 0;
  while (i < path.length) {
    const step = path[i];
    const desc = MESSAGES[typeName];
    if (!desc || typeof step !== 'string' || cur === null || typeof cur !== 'object') return undefined;
    const field = desc.fields.find((f) => f.name === step);
    if (!field || (field.kind !== 'message' && !(field.kind === 'map' && field.valueKind === 'message'))) return undefined;
    const value = (cur as Record<string, unknown>)[step];
    if (value === undefined) return undefined;
    i++;
    if (field.kind === 'map') {
      if (i >= path.length) return undefined;
      cur = (value as ReadonlyMap<unknown, unknown>).get(path[i]);
      i++;
    } else if (field.repeated) {
      if (typeof path[i] !== 'number') return undefined;
      cur = (value as readonly unknown[])[path[i] as number];
      i++;
    } else {
      cur = value;
    }
    typeName = field.type;
    if (cur === undefined) return undefined;
  }
  return cur && typeof cur === 'object' ? { typeName, message: cur as Readonly<Record<string, unknown>> } : undefined;
}
