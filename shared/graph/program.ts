// ML Program (MIL) bodies: a group per function, a group for the block the function runs, a node
// per operation. MIL is SSA: every value has one producer, an operation reads values by name
// through its argument bindings, and a nested block (cond, while_loop) also sees the names of the
// blocks around it. Constants are usually folded into the operations that read them, the way
// Netron shows weights as attributes of a convolution rather than as separate boxes.
import type { MILSpec_Block, MILSpec_Function, MILSpec_Operation, MILSpec_Program, ModelDescription, PathStep } from '../format';
import { milOpCategory } from '../layers';
import { groupId, nodeId, type GraphCollector, type Producer, type Scope } from './collector';
import { describeMilType, describeMilValue, milTypeKind } from './milValues';
import type { NodeAttribute } from './types';

/** What a name refers to inside a block. */
type Binding =
  | { readonly kind: 'value'; readonly producers: readonly Producer[] }
  /** A const op folded away: consumers show its value as an attribute. */
  | { readonly kind: 'const'; readonly text: string }
  /** A nested block's own inputs (loop variables): produced by the enclosing op, not drawn as edges. */
  | { readonly kind: 'blockInput' };

class BlockScope {
  private readonly names = new Map<string, Binding>();
  constructor(private readonly parent?: BlockScope) {}
  set(name: string, b: Binding): void { this.names.set(name, b); }
  get(name: string): Binding | undefined { return this.names.get(name) ?? this.parent?.get(name); }
}

interface ProgramContext {
  readonly c: GraphCollector;
  readonly foldConstants: boolean;
}

/**
 * Adds every function of `program` (at spec path `path`) and returns, by name, the producers of
 * the values the functions return: function inputs and outputs map to the model's features by
 * name, so the caller wires them to its input and output nodes.
 */
export function buildProgram(
  c: GraphCollector,
  program: MILSpec_Program,
  path: readonly PathStep[],
  group: string | undefined,
  features: Scope,
  description: ModelDescription | undefined,
  foldConstants: boolean,
): Scope {
  const ctx: ProgramContext = { c, foldConstants };
  const produced: Scope = new Map();
  const modelOutputs = new Set((description?.output ?? []).map((f) => f.name ?? ''));
  for (const [name, fn] of program.functions ?? []) {
    const fnPath = [...path, 'functions', name];
    const fnGroup = groupId(fnPath);
    c.addGroup({ id: fnGroup, kind: 'function', label: name, path: fnPath, ...(group ? { parent: group } : {}) });
    addFunction(ctx, fn, fnPath, fnGroup, features, modelOutputs, produced);
  }
  return produced;
}

function addFunction(
  ctx: ProgramContext, fn: MILSpec_Function, fnPath: readonly PathStep[], fnGroup: string,
  features: Scope, modelOutputs: ReadonlySet<string>, produced: Scope,
): void {
  const scope = new BlockScope();
  (fn.inputs ?? []).forEach((input, i) => {
    const name = input.name ?? '';
    const feature = features.get(name);
    if (feature) { scope.set(name, { kind: 'value', producers: feature }); return; }
    // A function input that is not a model input (e.g. another function of a multifunction
    // model with its own names) gets its own input node inside the function.
    const inputPath = [...fnPath, 'inputs', i];
    const id = nodeId(inputPath);
    ctx.c.addNode({
      id, kind: 'input', label: name, type: milTypeKind(input.type), category: 'input',
      attributes: [{ name: 'type', value: describeMilType(input.type) }], notes: [],
      path: inputPath, group: fnGroup, inputs: [name], outputs: [name],
    });
    scope.set(name, { kind: 'value', producers: [{ node: id, index: 0 }] });
  });

  // MIL.proto: a function runs the block specialized for its opset; other specializations are
  // alternatives for other deployment targets, not extra code.
  const specializations = fn.block_specializations ?? new Map<string, MILSpec_Block>();
  const key = fn.opset && specializations.has(fn.opset) ? fn.opset : specializations.keys().next().value;
  if (key === undefined) return;
  const block = specializations.get(key)!;
  const blockPath = [...fnPath, 'block_specializations', key];
  const blockGroup = groupId(blockPath);
  ctx.c.addGroup({ id: blockGroup, kind: 'block', label: key, path: blockPath, parent: fnGroup });
  addBlock(ctx, block, blockPath, blockGroup, scope);

  (block.outputs ?? []).forEach((name, k) => {
    const b = scope.get(name);
    const producers = b?.kind === 'value' ? b.producers : [];
    if (modelOutputs.has(name)) {
      produced.set(name, [...(produced.get(name) ?? []), ...producers]);
      return;
    }
    const outputPath = [...blockPath, 'outputs', k];
    const id = nodeId(outputPath);
    ctx.c.addNode({
      id, kind: 'output', label: name, type: 'unknown', category: 'output', attributes: [], notes: [],
      path: outputPath, group: fnGroup, inputs: [name], outputs: [name],
    });
    ctx.c.connect(producers, id, 0, name, outputPath);
  });
}

function addBlock(ctx: ProgramContext, block: MILSpec_Block, blockPath: readonly PathStep[], blockGroup: string, scope: BlockScope): void {
  // A const whose value a block returns directly stays a node: there is no consumer to fold into.
  const returned = new Set(block.outputs ?? []);
  (block.operations ?? []).forEach((op, k) => {
    const opPath = [...blockPath, 'operations', k];
    const outputs = (op.outputs ?? []).map((o) => o.name ?? '');
    if (ctx.foldConstants && op.type === 'const' && outputs.length === 1 && !returned.has(outputs[0])) {
      scope.set(outputs[0], { kind: 'const', text: constText(op) });
      return;
    }
    addOperation(ctx, op, opPath, blockGroup, scope, outputs);
  });
}

function constText(op: MILSpec_Operation): string {
  const val = op.attributes?.get('val');
  return val ? describeMilValue(val, val.type ?? op.outputs?.[0]?.type) : describeMilType(op.outputs?.[0]?.type);
}

function addOperation(
  ctx: ProgramContext, op: MILSpec_Operation, opPath: readonly PathStep[], blockGroup: string,
  scope: BlockScope, outputs: readonly string[],
): void {
  const id = nodeId(opPath);
  const type = op.type ?? '';
  const inputs: string[] = [];
  const attributes: NodeAttribute[] = [];
  const edges: { producers: readonly Producer[]; index: number; blob: string; path: PathStep[] }[] = [];

  for (const [param, arg] of op.inputs ?? []) {
    const bindings = arg.arguments ?? [];
    bindings.forEach((binding, j) => {
      // Variadic parameters (concat's values) bind several names: tell them apart by position.
      const attrName = bindings.length > 1 ? `${param}[${j}]` : param;
      if (binding.name === undefined) {
        if (binding.value) attributes.push({ name: attrName, value: describeMilValue(binding.value) });
        return;
      }
      const name = binding.name;
      const index = inputs.length;
      inputs.push(name);
      const b = scope.get(name);
      if (b?.kind === 'const') attributes.push({ name: attrName, value: b.text });
      else if (b?.kind === 'value') edges.push({ producers: b.producers, index, blob: name, path: [...opPath, 'inputs', param, 'arguments', j, 'name'] });
    });
  }
  // Attributes other than the op's own name are op-level settings some opsets carry.
  for (const [name, value] of op.attributes ?? []) {
    if (name !== 'name' && !(type === 'const' && name === 'val')) attributes.push({ name, value: describeMilValue(value) });
  }
  if (type === 'const') {
    const val = op.attributes?.get('val');
    if (val) attributes.unshift({ name: 'val', value: constText(op) });
  }

  ctx.c.addNode({
    id, kind: 'operation', label: outputs[0] ?? type, type, category: milOpCategory(type), attributes, notes: [],
    path: opPath, group: blockGroup, inputs, outputs,
  });
  for (const e of edges) ctx.c.connect(e.producers, id, e.index, e.blob, e.path);

  // Nested blocks (cond branches, while_loop condition and body) see the enclosing names.
  (op.blocks ?? []).forEach((nested, b) => {
    const nestedPath = [...opPath, 'blocks', b];
    const nestedGroup = groupId(nestedPath);
    ctx.c.addGroup({ id: nestedGroup, kind: 'block', label: `${outputs[0] ?? type}: block ${b}`, path: nestedPath, parent: blockGroup });
    const inner = new BlockScope(scope);
    for (const input of nested.inputs ?? []) inner.set(input.name ?? '', { kind: 'blockInput' });
    addBlock(ctx, nested, nestedPath, nestedGroup, inner);
  });

  outputs.forEach((name, index) => scope.set(name, { kind: 'value', producers: [{ node: id, index }] }));
}
