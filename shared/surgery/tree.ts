// Immutable updates of a decoded document with structural sharing: only the objects on the path
// to a change are copied (shallowly); everything else, weight buffers included, is shared. Copies
// carry the original's unknown fields, so an edit never drops data the schema does not describe.
import { copyUnknownFields, type PathStep } from '../format';

type Node = Record<string, unknown> | readonly unknown[] | ReadonlyMap<unknown, unknown>;

// `instanceof Map` and Array.isArray narrow to Map<any, any> and any[]; these keep `unknown`.
const isMap = (node: Node): node is ReadonlyMap<unknown, unknown> => node instanceof Map;
const isList = (node: Node): node is readonly unknown[] => Array.isArray(node);

export function getIn(root: unknown, path: readonly PathStep[]): unknown {
  let cur: unknown = root;
  for (const step of path) {
    if (cur === undefined || cur === null) return undefined;
    if (cur instanceof Map) cur = cur.get(step);
    else cur = (cur as Record<string | number, unknown>)[step];
  }
  return cur;
}

function replaceChild(node: Node, key: PathStep, value: unknown): Node {
  if (isMap(node)) {
    const m = new Map(node);
    if (value === undefined) m.delete(key); else m.set(key, value);
    return m;
  }
  if (isList(node)) {
    const a = [...node];
    if (value === undefined) a.splice(key as number, 1); else a[key as number] = value;
    return Object.freeze(a);
  }
  const o: Record<string, unknown> = { ...node };
  if (value === undefined) delete o[key as string]; else o[key as string] = value;
  return Object.freeze(copyUnknownFields(node, o));
}

/**
 * Returns a copy of `root` in which the value at `path` is `fn(old)`. `undefined` from fn removes
 * the field (or the array element / map entry). Missing intermediate messages are created empty.
 */
export function updateIn<T>(root: T, path: readonly PathStep[], fn: (old: unknown) => unknown): T {
  if (path.length === 0) return fn(root) as T;
  const [head, ...rest] = path;
  const node = (root ?? {}) as Node;
  const child = isMap(node) ? node.get(head) : (node as Record<string | number, unknown>)[head];
  const next = updateIn(child, rest, fn);
  if (next === child) return root;
  return replaceChild(node, head, next) as T;
}

export function setIn<T>(root: T, path: readonly PathStep[], value: unknown): T {
  return updateIn(root, path, () => value);
}

/** A shallow copy of a message with some fields replaced (undefined removes), keeping unknown fields. */
export function withFields<T extends object>(msg: T, fields: Partial<Record<keyof T, unknown>>): T {
  const o: Record<string, unknown> = { ...(msg as Record<string, unknown>) };
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) delete o[k]; else o[k] = v;
  }
  return Object.freeze(copyUnknownFields(msg, o)) as T;
}
