// Generic traversal of decoded messages by their schema: every sub-message reached from a root,
// with its type name and path. Inspect, weight statistics and package checks are built on it, so
// a message type added to proto/ is visited without new code.
import type { FieldDescriptor } from './schema/descriptor';
import { MESSAGES } from './schema/descriptors.generated';

export type PathStep = string | number;

export interface Visit {
  readonly typeName: string;
  readonly message: Readonly<Record<string, unknown>>;
  readonly path: readonly PathStep[];
}

const byNumber = new Map<string, readonly FieldDescriptor[]>();
/** A message type's fields in field-number order (the order they are written in). */
function fieldsByNumber(typeName: string): readonly FieldDescriptor[] {
  let fields = byNumber.get(typeName);
  if (!fields) {
    fields = [...(MESSAGES[typeName]?.fields ?? [])].sort((a, b) => a.no - b.no);
    byNumber.set(typeName, fields);
  }
  return fields;
}

/** Depth-first, in field-number order and element order: for layers that is file order. */
export function* walkMessages(typeName: string, message: object, path: PathStep[] = []): Generator<Visit> {
  const msg = message as Record<string, unknown>;
  yield { typeName, message: msg, path };
  for (const f of fieldsByNumber(typeName)) {
    const v = msg[f.name];
    if (v === undefined) continue;
    if (f.kind === 'message') {
      if (f.repeated) {
        const arr = v as object[];
        for (let i = 0; i < arr.length; i++) yield* walkMessages(f.type, arr[i], [...path, f.name, i]);
      } else yield* walkMessages(f.type, v as object, [...path, f.name]);
    } else if (f.kind === 'map' && f.valueKind === 'message') {
      for (const [k, val] of v as Map<string | number, object>) yield* walkMessages(f.type, val, [...path, f.name, k]);
    }
  }
}

/**
 * Calls `visit` for every message in the same order as walkMessages, without building paths: for
 * passes over every message of large documents (handing a document to another thread).
 */
export function forEachMessage(typeName: string, message: object, visit: (message: Record<string, unknown>, typeName: string) => void): void {
  const msg = message as Record<string, unknown>;
  visit(msg, typeName);
  for (const f of fieldsByNumber(typeName)) {
    const v = msg[f.name];
    if (v === undefined) continue;
    if (f.kind === 'message') {
      if (f.repeated) for (const m of v as object[]) forEachMessage(f.type, m, visit);
      else forEachMessage(f.type, v as object, visit);
    } else if (f.kind === 'map' && f.valueKind === 'message') {
      for (const m of (v as Map<unknown, object>).values()) forEachMessage(f.type, m, visit);
    }
  }
}

/** "neuralNetwork.layers[3].convolution.weights" */
export function formatPath(path: readonly PathStep[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else if (s === '' ) s = p;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) s += `.${p}`;
    else s += `[${JSON.stringify(p)}]`;
  }
  return s;
}

/** Which member of a oneof group is set, e.g. whichOneof('CoreML.Specification.Model', spec, 'Type'). */
export function whichOneof(typeName: string, message: object, oneof: string): string | undefined {
  const members = MESSAGES[typeName]?.oneofs[oneof];
  if (!members) throw new Error(`${typeName} has no oneof ${oneof}`);
  const msg = message as Record<string, unknown>;
  return members.find((m) => msg[m] !== undefined);
}
