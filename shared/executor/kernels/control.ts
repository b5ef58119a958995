// Control flow (NeuralNetwork.proto, spec 4): copy, branch, loop, loopBreak, loopContinue. Nested
// networks run in the enclosing scope: their blobs stay visible after the layer.
import { copyTensor, scalarOf } from '../tensor';
import { LoopSignal, type PartialKernelTable } from './types';

// "Value close to 0.0f is treated as False"; a branch runs ifBranch when |x| > 1e-6.
const truthy = (v: number): boolean => Math.abs(v) > 1e-6;

/** Guards against a while loop whose condition never turns false. */
export const MAX_WHILE_ITERATIONS = 1_000_000;

export const CONTROL_KERNELS = {
  copy: (ctx) => [copyTensor(ctx.inputs[0])],
  branch: (ctx) => {
    const cond = scalarOf(ctx.inputs[0], 'the branch condition');
    const p = ctx.params;
    if (truthy(cond)) {
      if (!p.ifBranch) throw new Error('ifBranch is missing');
      ctx.run.runNetwork(p.ifBranch);
    } else if (p.elseBranch) ctx.run.runNetwork(p.elseBranch);
    return [];
  },
  loop: (ctx) => {
    const p = ctx.params;
    const body = p.bodyNetwork;
    if (!body) throw new Error('bodyNetwork is missing');
    const given = ctx.inputs[0];
    const max = given ? Math.round(scalarOf(given, 'the iteration count')) : Number(p.maxLoopIterations ?? 0);
    const condition = p.conditionNetwork;
    const conditionVar = p.conditionVar ?? '';
    const check = (): boolean => {
      if (!condition) return true;
      ctx.run.runNetwork(condition);
      const v = ctx.run.blob(conditionVar);
      if (!v) throw new Error(`the condition network does not produce ${conditionVar}`);
      return truthy(scalarOf(v, conditionVar));
    };
    // Case 1: a for loop. Case 2: while (no count). Case 3: while with a count.
    const bounded = !condition || max > 0 || !!given;
    for (let i = 0; ; i++) {
      if (bounded && i >= max) break;
      if (!bounded && i >= MAX_WHILE_ITERATIONS) throw new Error(`the loop ran ${MAX_WHILE_ITERATIONS} times without its condition turning false`);
      if (!check()) break;
      try {
        ctx.run.runNetwork(body);
      } catch (e) {
        if (e instanceof LoopSignal) { if (e.kind === 'break') break; continue; }
        throw e;
      }
    }
    return [];
  },
  loopBreak: () => { throw new LoopSignal('break'); },
  loopContinue: () => { throw new LoopSignal('continue'); },
  custom: (ctx) => {
    throw new Error(`custom layer ${ctx.name} (class ${ctx.params.className ?? ''}) has no CPU implementation`);
  },
} satisfies PartialKernelTable;
