// buildGraph on every readable model in ../shared/models, checked against the manifest (layer and
// operation counts, per-type counts, feature names and pipeline stages were read with Apple's
// official schema, not by this code), and on synthetic specs for the structures the real models
// lack: branches, loops, nested MIL blocks and a 3,000-layer chain.
import * as fsp from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MILSpec_Operation, MILSpec_Value, Model, NeuralNetworkLayer } from '../../shared/format/schema/types.generated';
import { isClassicModelType, MESSAGES } from '../../shared/format';
import { buildGraph } from '../../shared/graph/build';
import { MODEL_DISPLAY_NAMES } from '../../shared/graph/classicModels';
import { resolvePath } from '../../shared/graph/paths';
import type { GraphEdge, GraphNode, ModelGraph } from '../../shared/graph/types';
import { openModelFile } from '../../shared/io/document';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { isReadable, manifest, modelPath, sharedPresent, type ManifestModel } from '../support/shared-data';

const readable = manifest().filter(isReadable);
const specs = new Map<string, Model>();

async function spec(m: ManifestModel): Promise<Model> {
  let s = specs.get(m.file);
  if (!s) {
    s = (await openModelFile(nodeFileSystem(fsp), modelPath(m))).spec;
    specs.set(m.file, s);
  }
  return s;
}

const byFile = (suffix: string): ManifestModel => {
  const m = readable.find((x) => x.file.endsWith(suffix));
  if (!m) throw new Error(`${suffix} is not a readable model in the manifest`);
  return m;
};

/** "image: image 227x227 BGR" → "image" */
const names = (list: string[] | null): string[] => (list ?? []).map((s) => s.slice(0, s.indexOf(': ')));

const countBy = (values: readonly string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
};

/** The model's own features: nodes at description.input[i] / description.output[i] of the root. */
const rootFeatures = (g: ModelGraph, kind: 'input' | 'output'): string[] =>
  g.nodes.filter((n) => n.kind === kind && n.path.length === 3 && n.path[0] === 'description').map((n) => n.label);

/** Structural checks every graph must pass; returns problems as readable lines. */
function problems(specObj: Model, g: ModelGraph): string[] {
  const out: string[] = [];
  const nodes = new Map<string, GraphNode>();
  const groupIds = new Set(g.groups.map((x) => x.id));
  for (const n of g.nodes) {
    if (nodes.has(n.id) || groupIds.has(n.id)) out.push(`duplicate id ${n.id}`);
    nodes.set(n.id, n);
    if (n.group && !groupIds.has(n.group)) out.push(`${n.id}: unknown group ${n.group}`);
    const at = resolvePath(specObj, n.path) as Record<string, unknown> | undefined;
    if (!at || typeof at !== 'object') { out.push(`${n.id}: path does not resolve to an object`); continue; }
    if (n.kind === 'layer' && (at.name ?? '') !== n.label) out.push(`${n.id}: layer at path is named ${String(at.name)}, node says ${n.label}`);
    if (n.kind === 'operation' && ((at as MILSpec_Operation).outputs?.[0]?.name ?? (at as MILSpec_Operation).type) !== n.label) out.push(`${n.id}: operation output is not ${n.label}`);
    if ((n.kind === 'input' || n.kind === 'output') && (at.name ?? '') !== n.label) out.push(`${n.id}: feature at path is named ${String(at.name)}, node says ${n.label}`);
  }
  const edgeIds = new Set<string>();
  for (const e of g.edges) {
    if (edgeIds.has(e.id)) out.push(`duplicate edge id ${e.id}`);
    edgeIds.add(e.id);
    const s = nodes.get(e.source), t = nodes.get(e.target);
    if (!s) out.push(`${e.id}: no source node ${e.source}`);
    if (!t) out.push(`${e.id}: no target node ${e.target}`);
    if (!s || !t) continue;
    if (s.outputs[e.sourceIndex] !== e.blob) out.push(`${e.id}: source output ${e.sourceIndex} is ${s.outputs[e.sourceIndex]}, edge carries ${e.blob}`);
    // A classifier's label output is fed by the probabilities blob, under another name.
    if (t.inputs[e.targetIndex] !== e.blob && t.kind !== 'output') out.push(`${e.id}: target input ${e.targetIndex} is ${t.inputs[e.targetIndex]}, edge carries ${e.blob}`);
    const ref = resolvePath(specObj, e.path);
    if (typeof ref === 'string' ? ref !== e.blob && ref !== t.label : (ref as { name?: string } | undefined)?.name !== t.label) {
      out.push(`${e.id}: path ${JSON.stringify(e.path)} does not name ${e.blob} or the target feature`);
    }
  }
  for (const gr of g.groups) {
    if (gr.parent && !groupIds.has(gr.parent)) out.push(`group ${gr.id}: unknown parent ${gr.parent}`);
    if (typeof resolvePath(specObj, gr.path) !== 'object') out.push(`group ${gr.id}: path does not resolve`);
  }
  return out;
}

describe.skipIf(!sharedPresent)('buildGraph on the shared models', () => {
  beforeAll(async () => { for (const m of readable) await spec(m); });

  it('the manifest has the models these tests rely on', () => {
    expect(readable.length).toBeGreaterThanOrEqual(20);
    for (const f of ['SqueezeNetFP16.mlmodel', 'yolov8n.mlpackage', 'ChineseClassifier.mlpackage', 'MRT.mlmodel']) byFile(f);
  });

  it.each(readable.map((m) => [m.file, m] as const))('%s (every operation a node)', async (_f, m) => {
    const s = await spec(m);
    const g = buildGraph(s, { foldConstants: false });
    expect(problems(s, g)).toEqual([]);
    const layers = g.nodes.filter((n) => n.kind === 'layer');
    const ops = g.nodes.filter((n) => n.kind === 'operation');
    if (m.mlprogram) {
      expect(ops).toHaveLength(m.mlprogram.op_count);
      expect(countBy(ops.map((n) => n.type))).toEqual(m.mlprogram.op_types);
      expect(layers).toHaveLength(0);
    } else {
      expect(layers).toHaveLength(m.nn_layers ?? 0);
      expect(countBy(layers.map((n) => n.type))).toEqual(m.nn_layer_types ?? {});
      expect(ops).toHaveLength(0);
    }
    expect(rootFeatures(g, 'input')).toEqual(names(m.inputs));
    expect(rootFeatures(g, 'output')).toEqual(names(m.outputs));
    // One group per pipeline stage, labelled with its position and model type (model_tree
    // lists the root first, then the stages indented two spaces per nesting level).
    const stages = (m.model_tree ?? []).slice(1);
    const pipelineGroups = g.groups.filter((x) => x.kind === 'pipelineModel');
    expect(pipelineGroups).toHaveLength(stages.length);
    expect(pipelineGroups.map((x) => x.label.replace(/^\d+\. /, ''))).toEqual(stages.map((t) => t.trim()));
  });

  it.each(readable.map((m) => [m.file, m] as const))('%s (constants folded)', async (_f, m) => {
    const s = await spec(m);
    const g = buildGraph(s);
    expect(problems(s, g)).toEqual([]);
    expect(g.nodes.filter((n) => n.type === 'const' && n.kind === 'operation')).toEqual([]);
    // Ids come from spec paths: building again gives the same graph.
    expect(buildGraph(s)).toEqual(g);
  });

  it('yolov8n: folding removes the 400 const operations and shows their values on the consumers', async () => {
    const m = byFile('yolov8n.mlpackage');
    const s = await spec(m);
    const all = buildGraph(s, { foldConstants: false });
    const folded = buildGraph(s, { foldConstants: true });
    const consts = m.mlprogram!.op_types.const;
    expect(consts).toBe(400);
    expect(folded.nodes.length).toBe(all.nodes.length - consts);
    expect(folded.nodes.filter((n) => n.kind === 'operation')).toHaveLength(m.mlprogram!.op_count - consts);
    // The first convolution: weights live in weight.bin at offset 64, the other arguments inline.
    const conv = folded.nodes.find((n) => n.type === 'conv')!;
    expect(conv.label).toBe('input_1_cast_fp16');
    expect(conv.attributes).toEqual([
      { name: 'weight', value: 'fp16 [16, 3, 3, 3] (weight.bin @ 64)' },
      { name: 'bias', value: 'fp16 [16] (weight.bin @ 1024)' },
      { name: 'strides', value: '[2, 2]' },
      { name: 'pad_type', value: 'custom' },
      { name: 'pad', value: '[1, 1, 1, 1]' },
      { name: 'dilations', value: '[1, 1]' },
      { name: 'groups', value: '1' },
    ]);
    const convEdges = folded.edges.filter((e) => e.target === conv.id);
    expect(convEdges.map((e) => e.blob)).toEqual(['cast_2']);
    // Pipeline: ML Program stage, then NMS; the program's function and block are nested groups.
    expect(folded.groups.map((x) => [x.kind, x.label])).toEqual([
      ['pipelineModel', '1. mlProgram'], ['function', 'main'], ['block', 'CoreML6'], ['pipelineModel', '2. nonMaximumSuppression'],
    ]);
    const nms = folded.nodes.find((n) => n.kind === 'model')!;
    expect(nms.type).toBe('nonMaximumSuppression');
    expect(nms.attributes.slice(0, 4)).toEqual([
      { name: 'IoU threshold', value: '0.45' },
      { name: 'confidence threshold', value: '0.25' },
      { name: 'method', value: 'pickTop per class' },
      { name: 'classes', value: '80' },
    ]);
    // The program's outputs feed the NMS stage's inputs by feature name.
    const nmsInputs = folded.nodes.filter((n) => n.kind === 'input' && n.group === 'group:pipeline.models[1]').map((n) => n.id);
    const fed = folded.edges.filter((e) => nmsInputs.includes(e.target)).map((e) => [e.source, e.blob]);
    expect(fed).toEqual([['pipeline.models[0].description.output[0]', 'var_841_1'], ['pipeline.models[0].description.output[1]', 'var_845']]);
  });

  it('SqueezeNetFP16: preprocessing notes on the image input, class labels on the label output', async () => {
    const m = byFile('SqueezeNetFP16.mlmodel');
    const g = buildGraph(await spec(m));
    const image = g.nodes.find((n) => n.kind === 'input' && n.label === 'image')!;
    // Scaler with empty featureName: applies to the only image input (227×227 BGR).
    expect(image.notes).toEqual(['scale 1', 'bias B 104, G 117, R 123', 'BGR channel order']);
    const label = g.nodes.find((n) => n.kind === 'output' && n.label === m.predictedFeatureName)!;
    const count = Number(/(\d+) string labels/.exec(m.class_labels[0])![1]);
    expect(label.notes).toEqual([`${count} class labels`, 'tench, Tinca tinca', 'goldfish, Carassius auratus', 'great white shark, white shark, man-eat…', '…']);
    // The label is computed from the probabilities blob, which the softmax layer "prob" writes.
    const feeding = g.edges.filter((e) => e.target === label.id);
    expect(feeding).toHaveLength(1);
    expect(g.nodes.find((n) => n.id === feeding[0].source)!.label).toBe('prob');
    expect(feeding[0].blob).toBe('classLabelProbs');
  });

  it('MNISTClassifier: scaler preprocessing on a grayscale image, class label notes', async () => {
    const m = byFile('MNISTClassifier.mlmodel');
    const g = buildGraph(await spec(m));
    expect(g.nodes.find((n) => n.kind === 'input')!.notes).toEqual(['scale 0.00392157']);
    expect(g.nodes.find((n) => n.label === 'classLabel')!.notes.slice(0, 2)).toEqual(['10 class labels', '0']);
  });

  it('FruitClassifier: a pipeline classifier shows its last stage’s labels on its own label output', async () => {
    const m = byFile('FruitClassifier.mlmodel');
    const g = buildGraph(await spec(m));
    const root = g.nodes.find((n) => n.kind === 'output' && n.label === 'classLabel' && !n.group)!;
    expect(root.notes).toEqual(['2 class labels', 'Apple', 'Banana']);
    const print = g.nodes.find((n) => n.type === 'visionFeaturePrint')!;
    expect(print.attributes).toEqual([{ name: 'scene', value: 'SCENE_VERSION_1' }]);
  });

  it('MyTabularClassifier: tree ensemble tree and node counts', async () => {
    const m = byFile('MyTabularClassifier 1.mlmodel');
    const trees = buildGraph(await spec(m)).nodes.find((n) => n.type === 'treeEnsembleClassifier')!;
    // manifest note: "treeEnsembleClassifier: 110 nodes, 30 trees"
    expect(trees.attributes.slice(0, 2)).toEqual([{ name: 'trees', value: '30' }, { name: 'nodes', value: '110' }]);
  });

  it('ChineseClassifier: ML Program function inputs and outputs meet the model features', async () => {
    const m = byFile('ChineseClassifier.mlpackage');
    const g = buildGraph(await spec(m));
    const gather = g.nodes.find((n) => n.type === 'gather')!;
    const fromInput = g.edges.find((e) => e.target === gather.id)!;
    expect(fromInput.source).toBe('description.input[0]');
    expect(fromInput.path).toEqual(['mlProgram', 'functions', 'main', 'block_specializations', 'CoreML5', 'operations', 2, 'inputs', 'indices', 'arguments', 0, 'name']);
    const classify = g.nodes.find((n) => n.type === 'classify')!;
    expect(g.edges.filter((e) => e.source === classify.id).map((e) => [e.target, e.sourceIndex])).toEqual([
      ['description.output[0]', 0], ['description.output[1]', 1],
    ]);
  });
});

// ---- Synthetic specs ----

const arrayFeature = (name: string) => ({ name, type: { multiArrayType: { shape: [1], dataType: 65568 } } });
const relu = (name: string, input: string, output: string): NeuralNetworkLayer => ({ name, input: [input], output: [output], activation: { ReLU: {} } });

describe('buildGraph on synthetic specs', () => {
  it('builds a 3,000-layer chain: 3,000 layer nodes and 3,001 edges', () => {
    const n = 3000;
    const layers = Array.from({ length: n }, (_, i) => relu(`relu${i}`, `x${i}`, `x${i + 1}`));
    const s: Model = { specificationVersion: 4, description: { input: [arrayFeature('x0')], output: [arrayFeature(`x${n}`)] }, neuralNetwork: { layers } };
    const g = buildGraph(s);
    expect(g.nodes.filter((x) => x.kind === 'layer')).toHaveLength(n);
    expect(g.nodes).toHaveLength(n + 2);
    expect(g.edges).toHaveLength(n + 1);
    expect(problems(s, g)).toEqual([]);
    expect(g.edges[0]).toMatchObject({ source: 'description.input[0]', target: 'neuralNetwork.layers[0]', blob: 'x0' });
    expect(g.edges[n]).toMatchObject({ source: `neuralNetwork.layers[${n - 1}]`, target: 'description.output[0]', blob: `x${n}` });
  });

  it('wires each input to the latest earlier producer (a copy layer overwrites a blob)', () => {
    const s: Model = {
      description: { input: [arrayFeature('a')], output: [arrayFeature('b')] },
      neuralNetwork: {
        layers: [
          relu('r1', 'a', 'b'),
          { name: 'c', input: ['a'], output: ['b'], copy: {} },
          { name: 'sum', input: ['b', 'b'], output: ['s'], add: {} },
        ],
      },
    };
    const g = buildGraph(s);
    expect(problems(s, g)).toEqual([]);
    const into = (target: string): [string, number][] => g.edges.filter((e) => e.target === target).map((e) => [e.source, e.targetIndex]);
    expect(into('neuralNetwork.layers[2]')).toEqual([['neuralNetwork.layers[1]', 0], ['neuralNetwork.layers[1]', 1]]);
    expect(into('description.output[0]')).toEqual([['neuralNetwork.layers[1]', 0]]);
  });

  it('puts branch layers in groups and merges what either side writes', () => {
    const s: Model = {
      description: { input: [arrayFeature('x'), arrayFeature('cond')], output: [arrayFeature('y')] },
      neuralNetwork: {
        layers: [
          relu('pre', 'x', 'y'),
          { name: 'if', input: ['cond'], branch: { ifBranch: { layers: [relu('then', 'x', 'y')] }, elseBranch: { layers: [relu('else', 'x', 'z')] } } },
        ],
      },
    };
    const g = buildGraph(s);
    expect(problems(s, g)).toEqual([]);
    expect(g.groups.map((x) => [x.id, x.kind, x.label, x.parent])).toEqual([
      ['group:neuralNetwork.layers[1].branch.ifBranch', 'branch', 'if: if', undefined],
      ['group:neuralNetwork.layers[1].branch.elseBranch', 'branch', 'if: else', undefined],
    ]);
    expect(g.nodes.find((n) => n.label === 'then')!.group).toBe('group:neuralNetwork.layers[1].branch.ifBranch');
    // y comes from "then" when the condition holds, else still from "pre".
    expect(g.edges.filter((e) => e.target === 'description.output[0]').map((e) => e.source)).toEqual([
      'neuralNetwork.layers[1].branch.ifBranch.layers[0]', 'neuralNetwork.layers[0]',
    ]);
  });

  it('puts loop condition and body layers in nested groups', () => {
    const body: NeuralNetworkLayer = {
      name: 'inner', input: ['c'],
      branch: { ifBranch: { layers: [{ name: 'stop', loopBreak: {} }] } },
    };
    const s: Model = {
      description: { input: [arrayFeature('x')], output: [arrayFeature('c')] },
      neuralNetwork: {
        layers: [{
          name: 'loop', loop: {
            conditionVar: 'c',
            conditionNetwork: { layers: [relu('cond', 'x', 'c')] },
            bodyNetwork: { layers: [body] },
          },
        }],
      },
    };
    const g = buildGraph(s);
    expect(problems(s, g)).toEqual([]);
    expect(g.groups.map((x) => [x.kind, x.label, x.parent])).toEqual([
      ['loop', 'loop: condition', undefined],
      ['loop', 'loop: body', undefined],
      ['branch', 'inner: if', 'group:neuralNetwork.layers[0].loop.bodyNetwork'],
    ]);
    expect(g.nodes.filter((n) => n.kind === 'layer').map((n) => n.type)).toEqual(['loop', 'activation', 'branch', 'loopBreak']);
    expect(g.edges.find((e) => e.target === 'neuralNetwork.layers[0].loop.bodyNetwork.layers[0]')!.source).toBe('neuralNetwork.layers[0].loop.conditionNetwork.layers[0]');
  });

  it('resolves names in nested MIL blocks through the enclosing scopes, and block inputs shadow them', () => {
    const scalar = (v: number): MILSpec_Value => ({ type: { tensorType: { dataType: 11 } }, immediateValue: { tensor: { floats: { values: new Float32Array([v]) } } } });
    const op = (type: string, out: string, inputs: Record<string, string[]>, extra: Partial<MILSpec_Operation> = {}): MILSpec_Operation => ({
      type,
      inputs: new Map(Object.entries(inputs).map(([k, v]) => [k, { arguments: v.map((name) => ({ name })) }])),
      outputs: [{ name: out, type: { tensorType: { dataType: 11 } } }],
      ...extra,
    });
    const s: Model = {
      description: { input: [arrayFeature('x')], output: [arrayFeature('out')] },
      mlProgram: {
        version: 1,
        functions: new Map([['main', {
          inputs: [{ name: 'x' }],
          opset: 'CoreML7',
          block_specializations: new Map([['CoreML7', {
            outputs: ['out'],
            operations: [
              { type: 'const', outputs: [{ name: 'two' }], attributes: new Map([['val', scalar(2)]]) },
              op('mul', 'y', { x: ['x'], y: ['two'] }),
              op('while_loop', 'out', { loop_vars: ['y'] }, {
                blocks: [
                  { inputs: [{ name: 'x' }], outputs: ['keep'], operations: [op('less', 'keep', { x: ['x'], y: ['y'] })] },
                ],
              }),
            ],
          }]]),
        }]]),
      },
    };
    const g = buildGraph(s);
    expect(problems(s, g)).toEqual([]);
    expect(g.nodes.find((n) => n.type === 'mul')!.attributes).toEqual([{ name: 'y', value: '2' }]);
    expect(g.groups.map((x) => [x.kind, x.label])).toEqual([['function', 'main'], ['block', 'CoreML7'], ['block', 'out: block 0']]);
    // Inside the loop block, x is the block's own input (no edge); y is the outer mul's output.
    const less = g.nodes.find((n) => n.type === 'less')!;
    expect(g.edges.filter((e) => e.target === less.id).map((e) => [e.blob, e.source])).toEqual([['y', g.nodes.find((n) => n.type === 'mul')!.id]]);
    const unfolded = buildGraph(s, { foldConstants: false });
    expect(unfolded.nodes.find((n) => n.type === 'const')!.attributes).toEqual([{ name: 'val', value: '2' }]);
    expect(unfolded.nodes.filter((n) => n.kind === 'operation')).toHaveLength(4);
  });

  it('keeps edge ids unique when one layer reads one blob twice', () => {
    const s: Model = {
      description: { input: [arrayFeature('a')], output: [arrayFeature('s')] },
      neuralNetwork: { layers: [{ name: 'sq', input: ['a', 'a'], output: ['s'], multiply: {} }] },
    };
    const ids = buildGraph(s).edges.map((e: GraphEdge) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['description.input[0][0]->neuralNetwork.layers[0][0]', 'description.input[0][0]->neuralNetwork.layers[0][1]', 'neuralNetwork.layers[0][0]->description.output[0][0]']);
  });

  it('resolves paths through arrays and maps, and answers undefined for missing steps', () => {
    const s: Model = { description: { input: [arrayFeature('a')] }, mlProgram: { functions: new Map([['main', { opset: 'CoreML5' }]]) } };
    expect(resolvePath(s, ['description', 'input', 0, 'name'])).toBe('a');
    expect(resolvePath(s, ['mlProgram', 'functions', 'main', 'opset'])).toBe('CoreML5');
    expect(resolvePath(s, ['description', 'input', 1, 'name'])).toBeUndefined();
    expect(resolvePath(s, ['description', 'toString'])).toBeUndefined();
    expect(resolvePath(s, [])).toBe(s);
  });
});

describe('classic model types', () => {
  it("format's isClassicModelType names exactly the Model.Type members the graph has a display name for", () => {
    const members = MESSAGES['CoreML.Specification.Model'].oneofs.Type;
    expect(members.filter((t) => isClassicModelType(t))).toEqual(members.filter((t) => Object.hasOwn(MODEL_DISPLAY_NAMES, t)));
    expect(Object.keys(MODEL_DISPLAY_NAMES).filter((t) => !members.includes(t)), 'display names for no Model.Type member').toEqual([]);
    // Networks, pipelines and ML Programs are drawn with their insides, not as one node.
    for (const t of ['neuralNetwork', 'neuralNetworkClassifier', 'pipelineRegressor', 'mlProgram', 'description', undefined]) expect(isClassicModelType(t), String(t)).toBe(false);
    for (const t of ['glmRegressor', 'nonMaximumSuppression', 'textClassifier', 'identity']) expect(isClassicModelType(t), t).toBe(true);
  });
});
