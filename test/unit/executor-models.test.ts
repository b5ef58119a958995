// Every readable NeuralNetwork model in ../shared/models (plain networks, classifiers,
// regressors, and neural-network stages of pipelines) runs on random inputs: arrays in [-1, 1],
// images of random pixels, index inputs (those feeding an embedding) random valid indices;
// flexible shapes take their default. Every output must be finite.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, modelTypeOf } from '../../shared/format/model';
import type { FeatureDescription, Model, NeuralNetwork } from '../../shared/format/schema/types.generated';
import { registerCustomKernel, runModel, unregisterCustomKernel } from '../../shared/executor';
import { networkOfModel } from '../../shared/executor/network';
import { pipelineOf } from '../../shared/executor/pipeline';
import { makeTensor, unary } from '../../shared/executor/tensor';
import type { FeatureValue } from '../../shared/executor/types';
import { isReadable, manifest, modelPath, sharedPresent } from '../support/shared-data';

/** A seeded generator, so a failure can be reproduced. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inputs that feed an embedding layer hold indices: [0, inputDim). */
function indexRanges(nn: NeuralNetwork): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of nn.layers ?? []) {
    const n = l.input?.[0];
    if (!n) continue;
    if (l.embedding) m.set(n, Number(l.embedding.inputDim ?? 1));
    if (l.embeddingND) m.set(n, Number(l.embeddingND.vocabSize ?? 1));
  }
  return m;
}

function randomInput(f: FeatureDescription, rnd: () => number, indices: Map<string, number>, shapeOverride?: number[]): FeatureValue {
  const t = f.type ?? {};
  if (t.imageType) {
    const w = Number(t.imageType.width ?? 0) || Number(t.imageType.imageSizeRange?.widthRange?.lowerBound ?? 1);
    const h = Number(t.imageType.height ?? 0) || Number(t.imageType.imageSizeRange?.heightRange?.lowerBound ?? 1);
    const pixels = new Uint8ClampedArray(w * h * 4);
    for (let i = 0; i < pixels.length; i++) pixels[i] = Math.floor(rnd() * 256);
    return { kind: 'image', image: { width: w, height: h, layout: 'rgba', pixels } };
  }
  const shape = shapeOverride ?? (t.multiArrayType?.shape ?? []).map(Number);
  const tensor = makeTensor(shape.length ? shape : [1]);
  const range = indices.get(f.name ?? '');
  for (let i = 0; i < tensor.data.length; i++) tensor.data[i] = range ? Math.floor(rnd() * range) : rnd() * 2 - 1;
  if (t.doubleType && !shapeOverride) return { kind: 'double', value: tensor.data[0] };
  return { kind: 'tensor', tensor };
}

/** The neural networks in a model: itself, or its pipeline stages (recursively). */
function networks(model: Model, path: string): { model: Model; path: string }[] {
  if (networkOfModel(model)) return [{ model, path }];
  const p = pipelineOf(model);
  return (p?.models ?? []).flatMap((m, i) => networks(m, `${path} › stage ${i} (${modelTypeOf(m)})`));
}

// Models whose CPU run is expected to refuse, and why (checked to be exactly that refusal).
const EXPECTED_REFUSALS: Record<string, string> = {
  // torch.linalg.lstsq exported as a custom layer: Core ML runs it only with the app's Swift class.
  'dneprDroid__Lstsq-CoreML/test-model.mlmodel': 'custom layer 5 (class dneprDroid_lstsq) has no CPU implementation',
};

// Inputs given another shape than the declared default, and why.
const INPUT_SHAPES: Record<string, Record<string, number[]>> = {
  // A Keras sequence model: the declared [1] is one time step; the dense layer reads 4 steps of a
  // 100-d embedding (inputChannels 400), so the input is a 4-step sequence. Under
  // RANK5_ARRAY_MAPPING the runtime may present Seq ≠ 1 (NeuralNetwork.proto).
  'JacopoMangiavacchi__TestGloVe/model.mlmodel': { input1: [4, 1, 1, 1, 1] },
};

const models = manifest().filter(isReadable).filter((m) => m.kind === 'mlmodel');
const cases = models.flatMap((m) => {
  const model = decodeModel(new Uint8Array(readFileSync(modelPath(m))));
  return networks(model, m.file).map((n) => ({ file: m.file, ...n }));
});

describe.skipIf(!sharedPresent)('every neural network in ../shared/models runs on random inputs', () => {
  // hollance's NeuralMcNeuralNet uses a custom Swish layer; the app registers x·sigmoid(x) for it,
  // as the blog post that made the model does.
  beforeAll(() => registerCustomKernel('Swish', (ctx) => [unary(ctx.inputs[0], (x) => x / (1 + Math.exp(-x)))]));
  afterAll(() => unregisterCustomKernel('Swish'));

  it('finds the neural networks (11 models)', () => {
    expect(cases.map((c) => c.path).sort()).toEqual(models.filter((m) => m.nn_layers).map((m) => m.file).sort());
  });

  it.each(cases.map((c) => [c.path, c] as const))('%s', (_p, c) => {
    const net = networkOfModel(c.model)!;
    const rnd = random(12345);
    const indices = indexRanges(net.nn);
    const inputs = new Map<string, FeatureValue>();
    for (const f of c.model.description?.input ?? []) inputs.set(f.name ?? '', randomInput(f, rnd, indices, INPUT_SHAPES[c.path]?.[f.name ?? '']));
    const refusal = EXPECTED_REFUSALS[c.path];
    if (refusal) {
      expect(() => runModel(c.model, inputs)).toThrow(refusal);
      return;
    }
    const result = runModel(c.model, inputs);
    const declared = (c.model.description?.output ?? []).map((o) => o.name);
    expect([...result.outputs.keys()].sort()).toEqual([...declared].sort());
    for (const [name, v] of result.outputs) {
      if (v.kind === 'tensor') {
        expect(v.tensor.data.length, `${name} is empty`).toBeGreaterThan(0);
        const bad = v.tensor.data.findIndex((x) => !Number.isFinite(x));
        expect(bad, `${name}[${bad}] = ${v.tensor.data[bad]}`).toBe(-1);
      } else if (v.kind === 'dictionary') {
        const probs = [...v.value.values()];
        expect(probs.every(Number.isFinite), `${name} has a non-finite probability`).toBe(true);
      } else if (v.kind === 'image') {
        const bad = Array.from(v.image.pixels).findIndex((x) => !Number.isFinite(x));
        expect(bad, `${name} pixel ${bad}`).toBe(-1);
      } else if (v.kind === 'double') {
        expect(Number.isFinite(v.value), name).toBe(true);
      }
    }
  });
});
