// Work kept per layer object (findings, version reasons, inferred shapes, graph nodes, weight
// tallies of the model panel) and per spec
// object (shapes, findings, minimum version) must give exactly what a fresh computation gives.
// After a real model is analysed, an edit is applied and its result analysed with those caches
// warm; the same result is then analysed as a deep copy (new objects, nothing cached) and the two
// must agree. The edits touch one layer (rename, a parameter), insert a layer (every later path
// shifts), change the shapes every later layer sees (a pooling layer) and replace every weight (fp16).
import { describe, expect, it } from 'vitest';
import { decodeModel, forEachMessage, MODEL_TYPE, networkOf, walkMessages, type Model } from '../../shared/format';
import { buildGraph } from '../../shared/graph';
import { inspectModel } from '../../shared/inspect';
import { modelFacts } from '../../renderer/src/panels/modelFacts';
import { defaultShapes, inferShapes } from '../../shared/shapes';
import { applyOperation, type OperationArgs, type OperationName } from '../../shared/surgery';
import { minimumSpecificationVersion, validateModel } from '../../shared/validate';
import { isReadable, manifest, modelPath, sharedPresent } from '../support/shared-data';
import { readFileSync } from 'node:fs';

/** A deep copy with new objects throughout: nothing keyed by object identity applies to it. */
const fresh = (spec: Model): Model => structuredClone(spec);

interface Edit { readonly name: string; readonly apply: (spec: Model) => Model | undefined }

function op<K extends OperationName>(spec: Model, name: K, args: OperationArgs[K]): Model | undefined {
  try { return applyOperation(spec, name, args).spec; } catch { return undefined; }
}

const EDITS: readonly Edit[] = [
  {
    name: 'rename the first output',
    apply: (s) => {
      const out = s.description?.output?.[0]?.name;
      return out ? op(s, 'renameFeature', { from: out, to: `${out}_renamed` }) : undefined;
    },
  },
  {
    name: 'insert a layer on the first layer\'s output',
    apply: (s) => {
      const first = networkOf(s)?.nn.layers?.[0]?.output?.[0];
      return first ? op(s, 'insertLayer', { blob: first, type: 'activation', name: 'inserted_relu', params: { ReLU: {} } }) : undefined;
    },
  },
  {
    // Halves H and W downstream: every later layer's input shapes change.
    name: 'insert a 2×2 pooling layer on the first layer\'s output',
    apply: (s) => {
      const first = networkOf(s)?.nn.layers?.[0]?.output?.[0];
      return first ? op(s, 'insertLayer', { blob: first, type: 'pooling', name: 'inserted_pool', params: { type: 0, kernelSize: [2, 2], stride: [2, 2], valid: {} } }) : undefined;
    },
  },
  {
    name: 'change a layer parameter (the last layer renamed in place, then fp16 weights)',
    apply: (s) => {
      const layers = networkOf(s)?.nn.layers;
      if (!layers?.length) return undefined;
      const net = networkOf(s)!;
      const renamed = op(s, 'renameLayer', { layerPath: [net.field, 'layers', layers.length - 1], to: 'last_layer' }) ?? s;
      return op(renamed, 'convertToFloat16', {}) ?? renamed;
    },
  },
];

const models = manifest().filter((m) => isReadable(m) && m.kind === 'mlmodel' && (m.nn_layers ?? 0) > 0);

describe.skipIf(!sharedPresent)('analyses kept per layer and per spec agree with fresh ones', () => {
  it('has neural network models to try', () => expect(models.length).toBeGreaterThanOrEqual(10));

  for (const m of models) {
    it(m.file, () => {
      const spec = decodeModel(new Uint8Array(readFileSync(modelPath(m))));
      // Warm every cache on the model as opened.
      validateModel(spec);
      minimumSpecificationVersion(spec);
      buildGraph(spec);
      inspectModel(spec, 'mlmodel');
      modelFacts(spec);
      let tried = 0;
      for (const edit of EDITS) {
        const edited = edit.apply(spec);
        if (!edited || edited === spec) continue;
        tried++;
        const copy = fresh(edited);
        expect(validateModel(edited), `${edit.name}: findings`).toEqual(validateModel(copy));
        expect(minimumSpecificationVersion(edited), `${edit.name}: minimum version`).toEqual(minimumSpecificationVersion(copy));
        const shapes = defaultShapes(edited);
        const again = inferShapes(copy);
        expect([...shapes.blobs], `${edit.name}: blob shapes`).toEqual([...again.blobs]);
        expect(shapes.issues, `${edit.name}: shape issues`).toEqual(again.issues);
        expect(buildGraph(edited), `${edit.name}: graph`).toEqual(buildGraph(copy));
        const facts = inspectModel(edited, 'mlmodel'), factsAgain = inspectModel(copy, 'mlmodel');
        expect(facts, `${edit.name}: model facts`).toEqual(factsAgain);
        // The model panel lists weight kinds in this order.
        expect(Object.keys(facts.weights.bytes), `${edit.name}: weight kinds`).toEqual(Object.keys(factsAgain.weights.bytes));
        expect(modelFacts(edited), `${edit.name}: model panel facts`).toEqual(modelFacts(copy));
      }
      expect(tried).toBeGreaterThan(0);
    });
  }
});

describe('walking messages', () => {
  it('visits fields in field-number order whatever order the object has its keys in', () => {
    // description (1) before neuralNetwork (500); layers in element order, each layer's params after its names.
    const spec = {
      neuralNetwork: { layers: [{ activation: { ReLU: {} }, output: ['b'], input: ['a'], name: 'l0' }, { name: 'l1', softmax: {} }] },
      description: { output: [{ name: 'b' }], input: [{ name: 'a' }] },
      specificationVersion: 1,
    } as unknown as Model;
    const order = walkMessages(MODEL_TYPE, spec).map((v) => v.path.join('.'));
    expect(order).toEqual([
      '', 'description', 'description.input.0', 'description.output.0', 'neuralNetwork',
      'neuralNetwork.layers.0', 'neuralNetwork.layers.0.activation', 'neuralNetwork.layers.0.activation.ReLU',
      'neuralNetwork.layers.1', 'neuralNetwork.layers.1.softmax',
    ]);
    const types: string[] = [];
    forEachMessage(MODEL_TYPE, spec, (_, t) => types.push(t.replace('CoreML.Specification.', '')));
    expect(types).toEqual([
      'Model', 'ModelDescription', 'FeatureDescription', 'FeatureDescription', 'NeuralNetwork',
      'NeuralNetworkLayer', 'ActivationParams', 'ActivationReLU', 'NeuralNetworkLayer', 'SoftmaxLayerParams',
    ]);
  });
});
