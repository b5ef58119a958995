// `mlsurgeon inspect --json` against facts read from the same files with Apple's official schema
// (../shared/models/manifest.json): nobody on this team wrote those numbers.
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../cli/main';
import type { InspectResult, ModelTreeNode } from '../../shared/inspect/inspect';
import { isReadable, manifest, modelPath, sharedPresent, type ManifestModel } from '../support/shared-data';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const io: Io = { out: (t) => { out += `${t}\n`; }, err: (t) => { err += `${t}\n`; } };
  const code = await main(args, io);
  return { code, out, err };
}

function treeLines(r: InspectResult): string[] {
  const lines = [r.modelType ?? ''];
  const walk = (nodes: readonly ModelTreeNode[], depth: number) => {
    for (const n of nodes) {
      lines.push(`${'  '.repeat(depth)}${n.modelType}`);
      if (n.models) walk(n.models, depth + 1);
    }
  };
  walk(r.models, 1);
  return lines;
}

const names = (list: string[] | null) => (list ?? []).map((s) => s.slice(0, s.indexOf(': ')));
const readable = manifest().filter(isReadable);

describe.skipIf(!sharedPresent)('inspect --json agrees with the manifest', () => {
  it.each(readable.map((m) => [m.file, m] as const))('%s', async (_f, m: ManifestModel) => {
    const { code, out, err } = await run(['inspect', modelPath(m), '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(out) as InspectResult;
    expect(r.format).toBe(m.kind);
    expect(r.specificationVersion).toBe(m.specificationVersion);
    expect(r.modelType).toBe(m.type);
    expect(treeLines(r)).toEqual(m.model_tree);
    expect(r.inputs.map((f) => f.name)).toEqual(names(m.inputs));
    expect(r.outputs.map((f) => f.name)).toEqual(names(m.outputs));
    if (m.mlprogram) {
      expect(r.mlProgram?.opCount).toBe(m.mlprogram.op_count);
      expect(r.layerCount).toBe(m.mlprogram.op_count);
      expect(r.layerTypes).toEqual(m.mlprogram.op_types);
      expect(r.mlProgram?.functions).toEqual(m.mlprogram.functions);
    } else {
      expect(r.layerCount).toBe(m.nn_layers);
      expect(r.layerTypes).toEqual(m.nn_layer_types);
    }
    expect(r.layers).toHaveLength(r.layerCount);
    expect(Object.keys(r.metadata.userDefined).sort()).toEqual([...(m.metadata?.userDefined_keys ?? [])].sort());
    expect(r.metadata.author).toBe(m.metadata?.author ?? '');
    if (m.predictedFeatureName) expect(r.predictedFeatureName).toBe(m.predictedFeatureName);
    expect(r.preprocessing.length).toBe(m.preprocessing.length);
    expect((r.classLabels ?? []).length).toBe(m.class_labels.length);
  });

  it('reports layer types and names in file order (SqueezeNetFP16)', async () => {
    const m = readable.find((x) => x.file.endsWith('SqueezeNetFP16.mlmodel'))!;
    const r = JSON.parse((await run(['inspect', modelPath(m), '--json'])).out) as InspectResult;
    expect(r.layers[0]).toMatchObject({ type: 'convolution', inputs: ['image'], outputShapes: ['1×1×64×113×113'] });
    expect(r.layers.at(-1)).toMatchObject({ type: 'softmax', outputShapes: ['1×1×1000×1×1'] });
    expect(r.weights.counts.float16).toBe(52);
    expect(r.inputs[0].type).toMatchObject({ kind: 'image', width: 227, height: 227, colorSpace: 'BGR' });
    expect(r.classLabels?.[0]).toMatchObject({ kind: 'string', count: 1000 });
  });

  it('prints a readable summary without --json', async () => {
    const m = readable.find((x) => x.file.endsWith('model_cpm.mlmodel'))!;
    const { code, out } = await run(['inspect', modelPath(m)]);
    expect(code).toBe(0);
    expect(out).toContain('Spec version:   1 — iOS 11');
    expect(out).toMatch(/Layers \(757\):/);
    expect(out).toMatch(/convolution\s+\d+\s+█/);
  });
});

describe.skipIf(!sharedPresent)('unreadable inputs exit 3 with one precise line', () => {
  const unreadable = manifest().filter((m) => !isReadable(m));
  it('the manifest has the two bad-input cases', () => expect(unreadable).toHaveLength(2));

  it.each([
    ['nbnitin__CoreML/ObjectDetector.mlmodel', /: macOS alias file, not a model$/],
    ['apple__coremltools/simple_layer.mlmodel', /: not a protobuf message: invalid wire type 7 for field 13 at byte \d+ in mlProgram\./],
  ])('%s', async (file, reason) => {
    const m = unreadable.find((x) => x.file === file)!;
    const { code, out, err } = await run(['inspect', modelPath(m), '--json']);
    expect(code).toBe(3);
    expect(out).toBe('');
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(modelPath(m));
    expect(lines[0]).toMatch(reason);
  });
});
