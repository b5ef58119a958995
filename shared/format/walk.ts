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

const EMPTY: readonly FieldDescriptor[] = Object.freeze([]);
const childFieldsOf = new Map<string, ReadonlyMap<string, FieldDescriptor>>();
/** A message type's fields that hold messages (singular, repeated or map values), by name. */
function childFields(typeName: string): ReadonlyMap<string, FieldDescriptor> {
  let fields = childFieldsOf.get(typeName);
  if (!fields) {
    fields = new Map((MESSAGES[typeName]?.fields ?? [])
      .filter((f) => f.kind === 'message' || (f.kind === 'map' && f.valueKind === 'message'))
      .map((f) => [f.name, f]));
    childFieldsOf.set(typeName, fields);
  }
  return fields;
}

/**
 * The message-holding fields set on `msg`, in field-number order. Read from the object's own keys
 * rather than the schema's field list: a layer has about 200 possible fields and sets 3 to 5, and
 * walks over every message of a large model are on the path of every edit.
 */
function presentChildren(typeName: string, msg: Record<string, unknown>): readonly FieldDescriptor[] {
  const fields = childFields(typeName);
  if (fields.size === 0) return EMPTY;
  let out: FieldDescriptor[] | undefined;
  for (const k in msg) {
    const f = fields.get(k);
    if (f && msg[k] !== undefined) (out ??= []).push(f);
  }
  if (!out) return EMPTY;
  if (out.length > 1) out.sort((a, b) => a.no - b.no);
  return out;
}

/**
 * A visit whose path is built the first time it is read, from its parent's and the one or two
 * steps below it: most passes read the paths of few of the messages they visit, and copying a
 * path for every message of a model was most of a walk's cost.
 */
class WalkVisit implements Visit {
  #path: readonly PathStep[] | undefined;
  readonly #parent: WalkVisit | undefined;
  readonly #steps: readonly PathStep[];
  constructor(readonly typeName: string, readonly message: Readonly<Record<string, unknown>>, parent: WalkVisit | undefined, steps: readonly PathStep[]) {
    this.#parent = parent;
    this.#steps = steps;
  }

  get path(): readonly PathStep[] {
    return (this.#path ??= this.#parent ? [...this.#parent.path, ...this.#steps] : this.#steps);
  }
}

/** Whether a walk goes on into a message's children (walkMessages `descend`). */
export type Descend = (typeName: string, message: Readonly<Record<string, unknown>>) => boolean;

function collect(typeName: string, msg: Record<string, unknown>, parent: WalkVisit | undefined, steps: readonly PathStep[], into: Visit[], descend: Descend | undefined): void {
  const visit = new WalkVisit(typeName, msg, parent, steps);
  into.push(visit);
  if (descend && !descend(typeName, msg)) return;
  for (const f of presentChildren(typeName, msg)) {
    const v = msg[f.name];
    if (f.kind === 'message') {
      if (f.repeated) {
        const arr = v as Record<string, unknown>[];
        for (let i = 0; i < arr.length; i++) collect(f.type, arr[i], visit, [f.name, i], into, descend);
      } else collect(f.type, v as Record<string, unknown>, visit, [f.name], into, descend);
    } else {
      for (const [k, val] of v as Map<string | number, Record<string, unknown>>) collect(f.type, val, visit, [f.name, k], into, descend);
    }
  }
}

/**
 * Every message below and including `message`, depth-first, in field-number order and element
 * order (for layers that is file order), each with its type name and path from the root (the path
 * starts with `path`). `descend`, when given, is asked at each message whether to go on into its
 * children: a pass that keeps what it found below a message by that message's identity skips the
 * subtrees it has seen (documents are immutable, and an edit shares what it leaves alone).
 */
export function walkMessages(typeName: string, message: object, path: readonly PathStep[] = [], descend?: Descend): Visit[] {
  const into: Visit[] = [];
  collect(typeName, message as Record<string, unknown>, undefined, [...path], into, descend);
  return into;
}

/**
 * Calls `visit` for every message in the same order as walkMessages, without building paths: for
 * passes over every message of large documents (handing a document to another thread).
 */
export function forEachMessage(typeName: string, message: object, visit: (message: Record<string, unknown>, typeName: string) => void): void {
  const msg = message as Record<string, unknown>;
  visit(msg, typeName);
  for (const f of presentChildren(typeName, msg)) {
    const v = msg[f.name];
    if (f.kind === 'message') {
      if (f.repeated) for (const m of v as object[]) forEachMessage(f.type, m, visit);
      else forEachMessage(f.type, v as object, visit);
    } else {
      for (const m of (v as Map<unknown, object>).values()) forEachMessage(f.type, m, visit);
    }
  }
}

const reachingCache = new Map<string, ReadonlySet<string>>();
/**
 * The message types from which a message satisfying `holds` can be reached (those types included):
 * lets a pass that looks for a few kinds of message skip whole subtrees (weights, layer parameters)
 * that cannot contain one. `key` names the question for the cache.
 */
export function typesReaching(key: string, holds: (typeName: string) => boolean): ReadonlySet<string> {
  let found = reachingCache.get(key);
  if (found) return found;
  const set = new Set<string>(Object.keys(MESSAGES).filter(holds));
  for (let changed = true; changed;) {
    changed = false;
    for (const t of Object.keys(MESSAGES)) {
      if (set.has(t)) continue;
      for (const f of childFields(t).values()) if (set.has(f.type)) { set.add(t); changed = true; break; }
    }
  }
  found = set;
  reachingCache.set(key, found);
  return found;
}

/** forEachMessage restricted to messages whose type is in `within` (a typesReaching set). */
export function forEachMessageWithin(typeName: string, message: object, within: ReadonlySet<string>, visit: (message: Record<string, unknown>, typeName: string) => void): void {
  if (!within.has(typeName)) return;
  const msg = message as Record<string, unknown>;
  visit(msg, typeName);
  for (const f of presentChildren(typeName, msg)) {
    if (!within.has(f.type)) continue;
    const v = msg[f.name];
    if (f.kind === 'message') {
      if (f.repeated) for (const m of v as object[]) forEachMessageWithin(f.type, m, within, visit);
      else forEachMessageWithin(f.type, v as object, within, visit);
    } else {
      for (const m of (v as Map<unknown, object>).values()) forEachMessageWithin(f.type, m, within, visit);
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
  let index = memberIndex.get(members);
  if (!index) { index = new Map(members.map((m, i) => [m, i])); memberIndex.set(members, index); }
  // The message's own keys (a layer sets 3 to 5) rather than every member (a layer's oneof has
  // about 180): the first member in declaration order wins if a message in memory sets two.
  const msg = message as Record<string, unknown>;
  let found: string | undefined, foundAt = Infinity;
  for (const k in msg) {
    const at = index.get(k);
    if (at !== undefined && at < foundAt && msg[k] !== undefined) { found = k; foundAt = at; }
  }
  return found;
}

/** Each oneof's member names by their position in the declaration, keyed by its members list. */
const memberIndex = new WeakMap<readonly string[], ReadonlyMap<string, number>>();
