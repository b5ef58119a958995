// The renderer's pure editing helpers on real models: where a validation finding is shown, which
// operation a canvas gesture becomes, how typed text becomes a field value, what the palette
// lists, which shape labels a connection, and how the History list reads zundo's stacks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../shared/format/model';
import { MESSAGES } from '../../shared/format/schema/descriptors.generated';
import type { FieldDescriptor } from '../../shared/format/schema/descriptor';
import type { Model } from '../../shared/format/schema/types.generated';
import { buildGraph } from '../../shared/graph/build';
import type { GraphNode, ModelGraph } from '../../shared/graph/types';
import { ALL_LAYER_TYPES } from '../../shared/layers/registry';
import { inferShapes } from '../../shared/shapes';
import { applyOperation } from '../../shared/surgery/operations';
import { validateModel } from '../../shared/validate';
import { matchIndex, searchGraph } from '../../renderer/src/canvas/search';
import { edgeShapeLabels } from '../../renderer/src/canvas/shapeLabels';
import { indexDiagnostics } from '../../renderer/src/document/diagnosticIndex';
import { layerRef, planDelete, planInsert, planRename, planRewire } from '../../renderer/src/document/editTargets';
import { parseFieldText, fieldText, isEditable } from '../../renderer/src/inspector/fieldEdit';
import { parseEnumeratedShapes, parseRange, parseRanges, parseShape } from '../../renderer/src/inspector/featureForm';
import { COMMON_LAYER_TYPES, paletteGroups } from '../../renderer/src/panels/paletteGroups';
import { historyView, type Revision } from '../../renderer/src/store/documentStore';
import { SHARED, sharedPresent } from '../support/shared-data';

const load = (rel: string): Model => decodeModel(new Uint8Array(readFileSync(join(SHARED, 'models', rel))));
const SQUEEZENET = 'tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel';
const MRT = 'Appletone__iPlayground-CreateML/MRT.mlmodel';
const L = (i: number) => `neuralNetworkClassifier.layers[${i}]`;

const field = (type: string, name: string): FieldDescriptor => MESSAGES[`CoreML.Specification.${type}`].fields.find((f) => f.name === name)!;

describe.skipIf(!sharedPresent)('findings on the canvas (SqueezeNet)', () => {
  it('a layer’s input reference belongs to the layer, the declared version to the model panel', () => {
    const spec = load(SQUEEZENET);
    const broken = applyOperation(spec, 'editField', { path: ['neuralNetworkClassifier', 'layers', 3, 'input', 0], value: 'no_such_blob' }).spec;
    const tooOld = applyOperation(broken, 'insertLayer', { blob: 'conv1', consumer: 2, type: 'gelu' }).spec;
    const diagnostics = validateModel(tooOld);
    const graph = buildGraph(tooOld);
    const index = indexDiagnostics(graph, diagnostics);
    const undefinedInput = diagnostics.find((d) => d.code === 'layer-input-undefined')!;
    // The gelu went in at index 2, so the broken layer is now layer 4.
    expect(undefinedInput.path).toEqual(['neuralNetworkClassifier', 'layers', 4, 'input', 0]);
    expect(index.elementOf.get(undefinedInput)).toBe(L(4));
    expect(index.byElement.get(L(4))).toContain(undefinedInput);
    const version = diagnostics.find((d) => d.code === 'spec-version-too-low')!;
    expect(index.model).toEqual([version]);
    expect(index.elementOf.has(version)).toBe(false);
    expect(index.counts).toEqual({ error: diagnostics.filter((d) => d.severity === 'error').length, warning: diagnostics.filter((d) => d.severity === 'warning').length, info: 0 });
  });

  it('a feature’s findings go to its node; one about the input list as a whole to the model panel', () => {
    const spec = load(SQUEEZENET);
    const zero = applyOperation(spec, 'editField', { path: ['description', 'input', 0, 'type', 'imageType', 'width'], value: 0 }).spec;
    const optional = applyOperation(zero, 'setFeatureType', { name: 'image', optional: true }).spec;
    const diagnostics = validateModel(optional);
    const index = indexDiagnostics(buildGraph(optional), diagnostics);
    const size = diagnostics.find((x) => x.code === 'image-size')!;
    expect(size.path.slice(0, 3)).toEqual(['description', 'input', 0]);
    expect(index.elementOf.get(size)).toBe('description.input[0]');
    const allOptional = diagnostics.find((x) => x.code === 'all-inputs-optional')!;
    expect(allOptional.path).toEqual(['description', 'input']);
    expect(index.model).toContain(allOptional);
  });
});

describe.skipIf(!sharedPresent)('canvas gestures as operations (SqueezeNet)', () => {
  // Loaded in beforeAll, not in the describe body: vitest runs the bodies of skipped suites to
  // collect their tests, so a load here would crash the file when ../shared is absent.
  let spec: Model;
  let graph: ModelGraph;
  beforeAll(() => {
    spec = load(SQUEEZENET);
    graph = buildGraph(spec);
  });
  const node = (id: string): GraphNode => graph.nodes.find((n) => n.id === id)!;

  it('a drop on a connection into a layer inserts for that consumer only', () => {
    expect(planInsert(graph, `${L(0)}[0]->${L(1)}[0]`, 'permute')).toEqual({ op: { name: 'insertLayer', args: { blob: 'conv1_1relu_conv1', consumer: 1, type: 'permute' } } });
  });

  it('a drop on a connection into a model output inserts before the output', () => {
    const last = graph.edges.find((e) => e.target === 'description.output[0]')!;
    const plan = planInsert(graph, last.id, 'activation');
    expect(plan).toEqual({ op: { name: 'insertLayer', args: { blob: 'classLabelProbs', consumer: 'output', type: 'activation' } } });
    if (!('op' in plan) || plan.op.name !== 'insertLayer') throw new Error('expected an insertLayer');
    const out = applyOperation(spec, 'insertLayer', plan.op.args).spec;
    expect(validateModel(out).filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('a connection out of the model input feeds the input; one from nowhere is refused', () => {
    expect(planInsert(graph, 'no such edge', 'permute')).toEqual({ refused: 'that connection is no longer in the model' });
  });

  it('renames: layers by path, top-level features by name', () => {
    expect(planRename(node(L(5)), 'x')).toEqual({ op: { name: 'renameLayer', args: { layerPath: ['neuralNetworkClassifier', 'layers', 5], to: 'x' } } });
    expect(planRename(node('description.input[0]'), 'photo')).toEqual({ op: { name: 'renameFeature', args: { from: 'image', to: 'photo' } } });
  });

  it('delete and rewire address the layer by index', () => {
    expect(layerRef(node(L(9)))).toEqual({ model: [], index: 9, path: ['neuralNetworkClassifier', 'layers', 9] });
    expect(planDelete(node(L(9)), true)).toEqual({ op: { name: 'deleteLayer', args: { index: 9, removeDangling: true } } });
    expect(planDelete(node('description.input[0]'))).toEqual({ refused: 'only neural network layers can be deleted (this is an input)' });
    expect(planRewire(graph, `${L(0)}[0]->${L(1)}[0]`, 'description.input[0]')).toEqual({ op: { name: 'rewireInput', args: { index: 1, inputIndex: 0, blob: 'image' } } });
    expect(planRewire(graph, `${L(0)}[0]->${L(1)}[0]`, L(0))).toEqual({ refused: '"relu_conv1" already reads "conv1_1relu_conv1"' });
  });
});

describe.skipIf(!sharedPresent)('pipeline stages (MRT)', () => {
  it('a stage’s own feature is renamed as a blob; shapes are looked up in the stage', () => {
    const spec = load(MRT);
    const graph = buildGraph(spec);
    const stageInput = graph.nodes.find((n) => n.kind === 'input' && n.path.length > 3)!;
    expect(planRename(stageInput, 'renamed')).toEqual({ op: { name: 'renameBlob', args: { from: stageInput.label, to: 'renamed' } } });
    const shapes = inferShapes(spec);
    const labels = edgeShapeLabels(graph, shapes);
    expect(labels.size).toBe(graph.edges.length);
    // The feature vectorizer (stage 4) writes 241 values that the GLM (stage 5) reads.
    expect(labels.get('pipelineRegressor.pipeline.models[4].description.input[0][0]->pipelineRegressor.pipeline.models[4].glmRegressor[0]')).toEqual({ short: '241', full: '241' });
    expect(labels.get('pipelineRegressor.pipeline.models[4].glmRegressor[0]->pipelineRegressor.pipeline.models[4].description.output[0][0]')).toEqual({ short: 'scalar', full: 'scalar' });
  });
});

describe.skipIf(!sharedPresent)('shape labels (SqueezeNet)', () => {
  it('conv1 → relu_conv1 carries 64×113×113 (1×1×64×113×113 in full), the image 3×227×227', () => {
    const spec = load(SQUEEZENET);
    const labels = edgeShapeLabels(buildGraph(spec), inferShapes(spec));
    const axes = '(sequence × batch × channels × height × width)';
    expect(labels.get(`${L(0)}[0]->${L(1)}[0]`)).toEqual({ short: '64×113×113', full: `1×1×64×113×113 ${axes}` });
    expect(labels.get(`description.input[0][0]->${L(0)}[0]`)).toEqual({ short: '3×227×227', full: `1×1×3×227×227 ${axes}` });
  });
});

describe('typed field values', () => {
  it('numbers are checked against their protobuf type', () => {
    const out = field('ConvolutionLayerParams', 'outputChannels'); // uint64
    expect(parseFieldText(out, '64')).toEqual({ value: 64 });
    expect(parseFieldText(out, '-1')).toEqual({ error: '-1 is outside the range of uint64 (0 to 18446744073709551615)' });
    expect(parseFieldText(out, '18446744073709551615')).toEqual({ value: 18446744073709551615n });
    expect(parseFieldText(out, '2.5')).toEqual({ error: '"2.5" is not a whole number' });
    const alpha = field('ActivationLeakyReLU', 'alpha'); // float
    expect(parseFieldText(alpha, ' 0.25 ')).toEqual({ value: 0.25 });
    expect(parseFieldText(alpha, 'abc')).toEqual({ error: '"abc" is not a number' });
  });

  it('repeated numbers are comma lists; repeated float stays a Float32Array', () => {
    const k = field('ConvolutionLayerParams', 'kernelSize');
    expect(parseFieldText(k, '3, 3')).toEqual({ value: [3, 3] });
    expect(parseFieldText(k, '3, x')).toEqual({ error: 'item 2: "x" is not a whole number' });
    expect(parseFieldText(k, '')).toEqual({ value: [] });
    const f = field('WeightParams', 'floatValue');
    const v = parseFieldText(f, '1, 0.5') as { value: Float32Array };
    expect(v.value).toBeInstanceOf(Float32Array);
    expect([...v.value]).toEqual([1, 0.5]);
    expect(fieldText(k, [3, 3])).toBe('3, 3');
    expect(isEditable(f, new Float32Array(65))).toBe(false);
    expect(isEditable(f, new Float32Array(64))).toBe(true);
  });

  it('enums by name, strings as typed', () => {
    const t = field('PoolingLayerParams', 'type');
    expect(parseFieldText(t, 'AVERAGE')).toEqual({ value: 1 });
    expect(fieldText(t, 1)).toBe('AVERAGE');
    expect(parseFieldText(t, 'MEDIAN')).toEqual({ error: '"MEDIAN" is not one of MAX, AVERAGE, L2' });
    expect(parseFieldText(field('NeuralNetworkLayer', 'input'), 'a, b ')).toEqual({ value: ['a', 'b'] });
    expect(parseFieldText(field('NeuralNetworkLayer', 'name'), ' spaced ')).toEqual({ value: ' spaced ' });
  });
});

describe('feature editor formats', () => {
  it('shapes, ranges and enumerated shapes', () => {
    expect(parseShape('1, 3, 224, 224')).toEqual({ value: [1, 3, 224, 224] });
    expect(parseShape('1×3×224')).toEqual({ value: [1, 3, 224] });
    expect(parseShape('')).toEqual({ error: 'shape is empty' });
    expect(parseRange('224..448', 'width')).toEqual({ value: { lower: 224, upper: 448 } });
    expect(parseRange('1..∞', 'd')).toEqual({ value: { lower: 1, upper: -1 } });
    expect(parseRanges('1..1, 3..3, 224..-1')).toEqual({ value: [{ lower: 1, upper: 1 }, { lower: 3, upper: 3 }, { lower: 224, upper: -1 }] });
    expect(parseRanges('1..1, 3')).toEqual({ error: 'dimension 1: write a range as lower..upper ("224..448", "1..∞"), got "3"' });
    expect(parseEnumeratedShapes('1,3,224,224; 1,3,448,448')).toEqual({ value: [[1, 3, 224, 224], [1, 3, 448, 448]] });
  });
});

describe('palette', () => {
  it('lists every layer type once, the common ones first and in order', () => {
    const groups = paletteGroups('');
    expect(groups[0].id).toBe('common');
    expect(groups[0].items.map((i) => i.type)).toEqual([...COMMON_LAYER_TYPES]);
    const all = groups.flatMap((g) => g.items.map((i) => i.type));
    expect(all.length).toBe(ALL_LAYER_TYPES.length);
    expect(new Set(all)).toEqual(new Set(ALL_LAYER_TYPES));
  });

  it('search matches type and display names', () => {
    expect(paletteGroups('perm').flatMap((g) => g.items.map((i) => i.type))).toEqual(['permute']);
    expect(paletteGroups('Batch Norm').flatMap((g) => g.items.map((i) => i.type))).toEqual(['batchnorm']);
    expect(paletteGroups('no such layer')).toEqual([]);
  });
});

describe('History list', () => {
  it('reads zundo’s stacks oldest first, the next redo right after the current entry', () => {
    const r = (seq: number, label: string) => ({ revision: { seq, label, spec: {} } as Revision });
    // After three edits and two undos zundo holds past [open, a], current b, future [d, c] (next redo last).
    const h = historyView([r(1, 'Open'), r(2, 'a')], r(3, 'b').revision, [r(5, 'd'), r(4, 'c')]);
    expect(h.entries.map((e) => e.label)).toEqual(['Open', 'a', 'b', 'c', 'd']);
    expect(h.current).toBe(2);
  });
});

describe.skipIf(!sharedPresent)('search (SqueezeNet)', () => {
  it('one list of matches per graph and query, shared by the toolbar and the canvas', () => {
    const spec = load(SQUEEZENET);
    const graph = buildGraph(spec);
    const matches = searchGraph(graph, 'fire2/');
    expect(matches.map((id) => graph.nodes.find((n) => n.id === id)!.label)).toEqual(
      spec.neuralNetworkClassifier!.layers!.filter((l) => [l.name!, ...l.input!, ...l.output!].some((s) => s.includes('fire2/'))).map((l) => l.name),
    );
    // The very same list for the same question, whoever asks; case and spaces do not matter.
    expect(searchGraph(graph, 'fire2/')).toBe(matches);
    expect(searchGraph(graph, ' FIRE2/ ')).toBe(matches);
    // An edit gives a new graph, and so a new list.
    const renamed = buildGraph(applyOperation(spec, 'renameLayer', { layerPath: ['neuralNetworkClassifier', 'layers', 3], to: 'squeeze_a' }).spec);
    expect(searchGraph(graph, 'squeeze_a')).toEqual([]);
    expect(searchGraph(renamed, 'squeeze_a')).toEqual([L(3)]);
    expect(searchGraph(graph, '')).toEqual([]);
  });

  it('Enter and Shift+Enter wrap around the list', () => {
    const m = ['a', 'b', 'c'];
    expect([0, 1, 3, -1, -4].map((i) => matchIndex(m, i))).toEqual([0, 1, 0, 2, 2]);
    expect(matchIndex([], 5)).toBe(-1);
  });
});
