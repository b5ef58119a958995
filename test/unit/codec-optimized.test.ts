// The decoder keeps its optimized code across full garbage collections. V8 holds the hidden
// classes that optimized code was compiled for weakly; once a GC finds no object of such a class
// alive, the code is thrown away ("deoptimization, reason: weak objects") and the next decode runs
// unoptimized while V8 optimizes it again (measured: 12-13 ms instead of 2.2 ms for a 3,000-layer
// chain). A decode's reader dies when the decode returns, so codec.ts keeps one reader, writer and
// encoder alive (hiddenClassAnchors), and the reader keeps the high half of a 64-bit varint as a
// small integer (WireReader.hi): a negative int64, such as a flexible shape's unbounded upper
// bound, gave readers a hidden class that the kept reader did not have.
//
// Runs in a child process that prints V8's optimization and deoptimization events.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const url = (path: string) => JSON.stringify(pathToFileURL(join(repoRoot, path)).href);

/** V8's trace of decoding `bytes` 30 times, then collecting garbage before each of 5 more decodes. */
function traceDecodes(flexibleInput: boolean): { warmUp: string; collecting: string } {
  const script = `
    const { encodeModel, decodeModel } = await import(${url('shared/format/model.ts')});
    const { buildChainModel } = await import(${url('bench/synthetic.ts')});
    const chain = buildChainModel(300);
    // An input whose size range has no upper bound (-1), read as a negative int64.
    const flexible = (f) => ({ ...f, type: { multiArrayType: { ...f.type.multiArrayType, shapeRange: { sizeRanges: [{ lowerBound: 1, upperBound: -1 }] } } } });
    const spec = ${flexibleInput} ? { ...chain, description: { ...chain.description, input: chain.description.input.map(flexible) } } : chain;
    const bytes = encodeModel(spec);
    // The open document stays alive, as in the application.
    const kept = decodeModel(bytes);
    for (let i = 0; i < 30; i++) decodeModel(bytes);
    console.log('=== collecting');
    for (let i = 0; i < 5; i++) { globalThis.gc(); decodeModel(bytes); }
    console.log('=== done', kept.neuralNetwork.layers.length);
  `;
  const out = execFileSync(process.execPath, ['--expose-gc', '--trace-opt', '--trace-deopt', '--no-concurrent-recompilation', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 << 20 });
  const at = out.indexOf('=== collecting'), end = out.indexOf('=== done 300');
  expect(at, 'the child did not reach its garbage collections').toBeGreaterThan(0);
  expect(end, 'the child did not finish').toBeGreaterThan(at);
  return { warmUp: out.slice(0, at), collecting: out.slice(at, end) };
}

/** Names of the functions whose optimized code V8 dropped because objects it referred to died. */
const droppedForDeadObjects = (trace: string): string[] =>
  [...trace.matchAll(/SharedFunctionInfo (\w+)>\) \(opt id \d+\) for deoptimization, reason: weak objects/g)].map((m) => m[1]);

describe('codec: optimized decoding survives a full garbage collection', () => {
  it.each([
    ['a 300-layer chain', false],
    ['the same chain with an unbounded input size range (a negative int64)', true],
  ])('%s', (_what, flexibleInput) => {
    const { warmUp, collecting } = traceDecodes(flexibleInput);
    // Not vacuous: the decoder was optimized before the collections began.
    expect(warmUp).toMatch(/completed (compiling|optimizing) .*<JSFunction decodeRange /);
    expect(droppedForDeadObjects(collecting)).toEqual([]);
  });
});
