// Following a spec path (as carried by graph nodes, edges and groups) back to the value it names.
// Paths use field names as written in proto/, element indexes for repeated fields and keys for
// maps (MIL functions, block specializations, operation inputs), so the view can select or edit
// exactly the field a node came from.
import type { PathStep } from '../format';

/** The value at `path` in a decoded message, or undefined when any step does not exist. */
export function resolvePath(root: unknown, path: readonly PathStep[]): unknown {
  let cur: unknown = root;
  for (const step of path) {
    if (cur === null || cur === undefined) return undefined;
    if (cur instanceof Map) cur = cur.get(step);
    else if (typeof step === 'number') cur = Array.isArray(cur) || ArrayBuffer.isView(cur) ? (cur as ArrayLike<unknown>)[step] : undefined;
    else if (typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, step)) cur = (cur as Record<string, unknown>)[step];
    else return undefined;
  }
  return cur;
}
