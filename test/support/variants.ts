// Builds variants of decoded (frozen) specs for tests: copies only the objects along a path, so
// weight buffers are shared and the original stays untouched.
import type { PathStep } from '../../shared/format/walk';

type Container = Record<string | number, unknown> | unknown[] | Map<unknown, unknown>;

function child(c: Container, k: PathStep): unknown {
  if (c instanceof Map) return c.get(k);
  return (c as Record<string | number, unknown>)[k];
}

function withChild(c: Container, k: PathStep, v: unknown): Container {
  if (c instanceof Map) return new Map(c).set(k, v);
  if (Array.isArray(c)) { const a = [...c]; a[k as number] = v; return a; }
  return { ...(c as object), [k]: v };
}

export function getAt(root: unknown, path: readonly PathStep[]): unknown {
  let cur = root;
  for (const k of path) cur = cur === undefined ? undefined : child(cur as Container, k);
  return cur;
}

/** A copy of `root` where the value at `path` is `f(old value)`; missing objects on the way are created. */
export function updateAt<T>(root: T, path: readonly PathStep[], f: (old: unknown) => unknown): T {
  if (path.length === 0) return f(root) as T;
  const [k, ...rest] = path;
  const c = (root ?? (typeof k === 'number' ? [] : {})) as Container;
  return withChild(c, k, updateAt(child(c, k), rest, f)) as T;
}

export function setAt<T>(root: T, path: readonly PathStep[], value: unknown): T {
  return updateAt(root, path, () => value);
}
