// Classic models on the CPU: every expected value below is worked out by hand from the model's
// parameters and the formula its .proto states, on small models built here and on the real
// classic models in ../shared/models.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../shared/format/model';
import type { FeatureDescription, Model } from '../../shared/format/schema/types.generated';
import { runClassicModel } from '../../shared/executor/classic';
import { normalCdf } from '../../shared/executor/classic/features';
import { coupleProbabilities } from '../../shared/executor/classic/svm';
import { ExecutorError, type FeatureValue } from '../../shared/executor/types';
import { manifest, modelPath, sharedPresent } from '../support/shared-data';

const DOUBLE = 65600;
const arrayIn = (name: string, n: number): FeatureDescription => ({ name, type: { multiArrayType: { shape: [n], dataType: DOUBLE } } });
const doubleF = (name: string): FeatureDescription => ({ name, type: { doubleType: {} } });
const int64F = (name: string): FeatureDescription => ({ name, type: { int64Type: {} } });
const stringF = (name: string): FeatureDescription => ({ name, type: { stringType: {} } });
const dictF = (name: string, key: 'int64KeyType' | 'stringKeyType' = 'stringKeyType'): FeatureDescription => ({ name, type: { dictionaryType: { [key]: {} } } });

/** Encodes and decodes, so every fixture is a model the codec accepts, as a file would be. */
const model = (m: Model): Model => decodeModel(encodeModel({ specificationVersion: 1, ...m }));
const vec = (...v: number[]): FeatureValue => ({ kind: 'tensor', tensor: { shape: [v.length], data: Float32Array.from(v) } });
const inputs = (o: Record<string, FeatureValue>) => new Map(Object.entries(o));
const classifierDesc = (input: FeatureDescription[], labelType: FeatureDescription['type'] = { stringType: {} }) => ({
  input, output: [{ name: 'label', type: labelType }, dictF('probs', labelType?.stringType ? 'stringKeyType' : 'int64KeyType')],
  predictedFeatureName: 'label', predictedProbabilitiesName: 'probs',
});
const run = (m: Model, i: Record<string, FeatureValue>) => runClassicModel(m, inputs(i)).outputs;
const num = (v: FeatureValue | undefined): number => {
  if (v?.kind === 'double' || v?.kind === 'int64') return v.value;
  throw new Error(`not a number: ${JSON.stringify(v)}`);
};
const probs = (v: FeatureValue | undefined) => {
  if (v?.kind !== 'dictionary') throw new Error('not a dictionary');
  return Object.fromEntries(v.value);
};
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('GLM', () => {
  it('regressor: w·x + offset, and the logit and probit transforms', () => {
    const glm = (t: number) => model({
      description: { input: [arrayIn('x', 3)], output: [doubleF('y')] },
      glmRegressor: { weights: [{ value: Float64Array.of(1, -2, 0.5) }], offset: Float64Array.of(0.25), postEvaluationTransform: t },
    });
    const x = vec(2, 1, 4); // 2 - 2 + 2 + 0.25 = 2.25
    expect(num(run(glm(0), { x }).get('y'))).toBe(2.25);
    expect(num(run(glm(1), { x }).get('y'))).toBeCloseTo(1 / (1 + Math.exp(-2.25)), 15);
    expect(num(run(glm(2), { x }).get('y'))).toBeCloseTo(0.987775527344955, 12); // Φ(2.25)
  });

  it('regressor: scalar inputs are concatenated in declaration order; a wrong length is refused', () => {
    const m = model({
      description: { input: [doubleF('a'), int64F('b')], output: [doubleF('y')] },
      glmRegressor: { weights: [{ value: Float64Array.of(3, 10) }], offset: Float64Array.of(1) },
    });
    expect(num(run(m, { a: { kind: 'double', value: 0.5 }, b: { kind: 'int64', value: 2 } }).get('y'))).toBe(22.5);
    expect(() => run(m, { a: { kind: 'double', value: 0.5 } })).toThrow('input "b" was not given');
    const short = model({ description: { input: [arrayIn('x', 2)], output: [doubleF('y')] }, glmRegressor: { weights: [{ value: Float64Array.of(1, 2, 3) }], offset: Float64Array.of(0) } });
    expect(() => run(short, { x: vec(1, 2) })).toThrow('the input has 2 values, weight row 0 has 3');
  });

  it('binary classifier: the one row scores the second class (logit and probit)', () => {
    const glm = (t: number) => model({
      description: classifierDesc([arrayIn('x', 2)]),
      glmClassifier: { weights: [{ value: Float64Array.of(1, 1) }], offset: Float64Array.of(-1), postEvaluationTransform: t, classEncoding: 1, stringClassLabels: { vector: ['no', 'yes'] } },
    });
    const o = run(glm(0), { x: vec(0.5, 1.5) }); // z = 1
    expect(o.get('label')).toEqual({ kind: 'string', value: 'yes' });
    expect(probs(o.get('probs')).yes).toBeCloseTo(sigmoid(1), 15);
    expect(probs(o.get('probs')).no).toBeCloseTo(1 - sigmoid(1), 15);
    const p = run(glm(1), { x: vec(0, 0.5) }); // z = -0.5
    expect(p.get('label')).toEqual({ kind: 'string', value: 'no' });
    expect(probs(p.get('probs')).yes).toBeCloseTo(0.3085375387259869, 12); // Φ(-0.5)
  });

  it('multiclass OneVsRest normalises the logistic scores; ReferenceClass is a softmax against class 0', () => {
    const ovr = model({
      description: classifierDesc([arrayIn('x', 1)], { int64Type: {} }),
      glmClassifier: { weights: [{ value: Float64Array.of(1) }, { value: Float64Array.of(-1) }, { value: Float64Array.of(0) }], offset: Float64Array.of(0, 0, 2), classEncoding: 1, int64ClassLabels: { vector: [10, 20, 30] } },
    });
    const o = run(ovr, { x: vec(1) }); // z = 1, -1, 2
    const s = [sigmoid(1), sigmoid(-1), sigmoid(2)];
    const total = s[0] + s[1] + s[2];
    expect(o.get('label')).toEqual({ kind: 'int64', value: 30 });
    expect(probs(o.get('probs'))[10]).toBeCloseTo(s[0] / total, 15);
    expect(probs(o.get('probs'))[20]).toBeCloseTo(s[1] / total, 15);
    const ref = model({
      description: classifierDesc([arrayIn('x', 1)]),
      glmClassifier: { weights: [{ value: Float64Array.of(1) }, { value: Float64Array.of(2) }], offset: Float64Array.of(0, 0), classEncoding: 0, stringClassLabels: { vector: ['a', 'b', 'c'] } },
    });
    const r = run(ref, { x: vec(-1) }); // scores 0, -1, -2
    const e = [1, Math.exp(-1), Math.exp(-2)];
    const se = e[0] + e[1] + e[2];
    expect(r.get('label')).toEqual({ kind: 'string', value: 'a' });
    expect(probs(r.get('probs')).c).toBeCloseTo(e[2] / se, 15);
  });

  it('the probit link is the standard normal CDF', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 15);
    expect(normalCdf(4)).toBeCloseTo(0.9999683287581669, 15);
  });
});

describe('tree ensembles', () => {
  // Tree 0: node 0 branches on x[0] (mode under test) at 1.0; node 1 (true) adds 10 to dim 0, node 2 (false) adds 20.
  // Tree 1: node 0 branches on x[1] <= 0 with missing values to the false child; leaves add to dim 1.
  const ensemble = (mode: number, base = [0.5, 0.25]) => ({
    numPredictionDimensions: 2,
    basePredictionValue: Float64Array.from(base),
    nodes: [
      { treeId: 0, nodeId: 0, nodeBehavior: mode, branchFeatureIndex: 0, branchFeatureValue: 1, trueChildNodeId: 1, falseChildNodeId: 2 },
      { treeId: 0, nodeId: 1, nodeBehavior: 6, evaluationInfo: [{ evaluationIndex: 0, evaluationValue: 10 }] },
      { treeId: 0, nodeId: 2, nodeBehavior: 6, evaluationInfo: [{ evaluationIndex: 0, evaluationValue: 20 }] },
      { treeId: 1, nodeId: 5, nodeBehavior: 0, branchFeatureIndex: 1, branchFeatureValue: 0, trueChildNodeId: 3, falseChildNodeId: 4, missingValueTracksTrueChild: false },
      { treeId: 1, nodeId: 3, nodeBehavior: 6, evaluationInfo: [{ evaluationIndex: 1, evaluationValue: 1 }] },
      { treeId: 1, nodeId: 4, nodeBehavior: 6, evaluationInfo: [{ evaluationIndex: 1, evaluationValue: -1 }, { evaluationIndex: 0, evaluationValue: 100 }] },
    ],
  });
  const regressor = (mode: number, transform = 0) => model({
    description: { input: [arrayIn('x', 2)], output: [{ name: 'y', type: { multiArrayType: { shape: [2], dataType: DOUBLE } } }] },
    treeEnsembleRegressor: { treeEnsemble: ensemble(mode), postEvaluationTransform: transform },
  });
  const y = (mode: number, x0: number, x1 = -1) => {
    const v = run(regressor(mode), { x: vec(x0, x1) }).get('y');
    if (v?.kind !== 'tensor') throw new Error('not a tensor');
    return Array.from(v.tensor.data);
  };

  it('each branch mode sends the value to the true child exactly when its comparison holds', () => {
    // [LessThanEqual, LessThan, GreaterThanEqual, GreaterThan, Equal, NotEqual] at x = 1 (== threshold) and x = 0.5
    const atThreshold = [0, 1, 2, 3, 4, 5].map((m) => y(m, 1)[0]);
    const below = [0, 1, 2, 3, 4, 5].map((m) => y(m, 0.5)[0]);
    expect(atThreshold).toEqual([10.5, 20.5, 10.5, 20.5, 10.5, 20.5]);
    expect(below).toEqual([10.5, 10.5, 20.5, 20.5, 20.5, 10.5]);
  });

  it('base prediction plus every tree; a missing value (NaN) follows missingValueTracksTrueChild', () => {
    expect(y(0, 0, -1)).toEqual([10.5, 1.25]);
    expect(y(0, 0, 3)).toEqual([110.5, -0.75]);
    expect(y(0, 0, NaN)).toEqual([110.5, -0.75]); // tracks the false child
    expect(y(0, NaN, -1)).toEqual([20.5, 1.25]); // default false
  });

  it('classifier transforms: softmax, logistic (binary), zero-class reference', () => {
    const classifier = (transform: number, dims: number, labels: string[]) => model({
      description: classifierDesc([arrayIn('x', 1)]),
      treeEnsembleClassifier: {
        postEvaluationTransform: transform,
        stringClassLabels: { vector: labels },
        treeEnsemble: {
          numPredictionDimensions: dims,
          basePredictionValue: new Float64Array(dims),
          nodes: [
            { treeId: 0, nodeId: 0, nodeBehavior: 0, branchFeatureIndex: 0, branchFeatureValue: 0, trueChildNodeId: 1, falseChildNodeId: 2 },
            { treeId: 0, nodeId: 1, nodeBehavior: 6, evaluationInfo: [{ evaluationIndex: 0, evaluationValue: 2 }] },
            { treeId: 0, nodeId: 2, nodeBehavior: 6, evaluationInfo: [{ evaluationIndex: dims - 1, evaluationValue: -0.5 }] },
          ],
        },
      },
    });
    const soft = run(classifier(1, 3, ['a', 'b', 'c']), { x: vec(-1) }); // scores 2, 0, 0
    const e = Math.exp(2);
    expect(soft.get('label')).toEqual({ kind: 'string', value: 'a' });
    expect(probs(soft.get('probs')).a).toBeCloseTo(e / (e + 2), 15);
    expect(probs(soft.get('probs')).b).toBeCloseTo(1 / (e + 2), 15);
    const binary = run(classifier(2, 1, ['neg', 'pos']), { x: vec(1) }); // v = -0.5
    expect(binary.get('label')).toEqual({ kind: 'string', value: 'neg' });
    expect(probs(binary.get('probs')).pos).toBeCloseTo(sigmoid(-0.5), 15);
    const plain = run(classifier(0, 1, ['neg', 'pos']), { x: vec(1) }); // NoTransform: v = -0.5 is P(pos) as written
    expect(plain.get('label')).toEqual({ kind: 'string', value: 'neg' });
    expect(probs(plain.get('probs')).pos).toBe(-0.5);
    const zero = run(classifier(3, 2, ['r', 's', 't']), { x: vec(-1) }); // scores [0, 2, 0]
    expect(zero.get('label')).toEqual({ kind: 'string', value: 's' });
    expect(probs(zero.get('probs')).s).toBeCloseTo(e / (e + 2), 15);
  });

  it('a leaf outside the prediction dimensions and a dangling child are refused', () => {
    const bad = model({
      description: { input: [arrayIn('x', 1)], output: [doubleF('y')] },
      treeEnsembleRegressor: { treeEnsemble: { numPredictionDimensions: 1, nodes: [
        { treeId: 0, nodeId: 0, nodeBehavior: 0, branchFeatureIndex: 0, branchFeatureValue: 0, trueChildNodeId: 1, falseChildNodeId: 7 },
        { treeId: 0, nodeId: 1, nodeBehavior: 6, evaluationInfo: [{ evaluationIndex: 3, evaluationValue: 1 }] },
      ] } },
    });
    expect(() => run(bad, { x: vec(1) })).toThrow('points to missing node 7');
    expect(() => run(bad, { x: vec(-1) })).toThrow('adds to dimension 3 of 1');
  });
});

describe('support vector machines', () => {
  const sv = [[1, 0], [0, 1], [2, 2]];
  const dense = { vectors: sv.map((v) => ({ values: Float64Array.from(v) })) };
  const kernels = {
    linear: { linearKernel: {} },
    rbf: { rbfKernel: { gamma: 0.5 } },
    poly: { polyKernel: { gamma: 0.5, c: 1, degree: 2 } },
    sigmoid: { sigmoidKernel: { gamma: 0.5, c: -1 } },
  };
  const K = {
    linear: (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1],
    rbf: (a: number[], b: number[]) => Math.exp(-0.5 * ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2)),
    poly: (a: number[], b: number[]) => (0.5 * (a[0] * b[0] + a[1] * b[1]) + 1) ** 2,
    sigmoid: (a: number[], b: number[]) => Math.tanh(0.5 * (a[0] * b[0] + a[1] * b[1]) - 1),
  };
  const x = [0.5, -1.5];

  it('regressor: Σ alpha K(sv, x) - rho for every kernel, dense and sparse (1-based) vectors', () => {
    for (const k of Object.keys(kernels) as (keyof typeof kernels)[]) {
      const alpha = [0.5, -1, 0.25];
      const expected = alpha.reduce((s, a, i) => s + a * K[k](sv[i], x), 0) - 0.75;
      const make = (vectors: object) => model({
        description: { input: [arrayIn('x', 2)], output: [doubleF('y')] },
        supportVectorRegressor: { kernel: kernels[k], ...vectors, coefficients: { alpha: Float64Array.from(alpha) }, rho: 0.75 },
      });
      expect(num(run(make({ denseSupportVectors: dense }), { x: vec(...x) }).get('y'))).toBeCloseTo(expected, 6);
      const sparse = { vectors: sv.map((v) => ({ nodes: v.map((value, i) => ({ index: i + 1, value })).filter((n) => n.value !== 0) })) };
      expect(num(run(make({ sparseSupportVectors: sparse }), { x: vec(...x) }).get('y'))).toBeCloseTo(expected, 6);
    }
  });

  it('binary classifier: the decision value picks the first class when positive; Platt probabilities', () => {
    // Class 'a' owns sv 0, class 'b' owns sv 1 and 2; coefficients one row (K-1 = 1).
    const m = (probA?: number[]) => model({
      description: classifierDesc([arrayIn('x', 2)]),
      supportVectorClassifier: {
        kernel: kernels.linear, numberOfSupportVectorsPerClass: [1, 2], denseSupportVectors: dense,
        coefficients: [{ alpha: Float64Array.of(1, -0.5, -0.25) }], rho: Float64Array.of(0.1),
        ...(probA ? { probA: Float64Array.from(probA), probB: Float64Array.of(0.2) } : {}), stringClassLabels: { vector: ['a', 'b'] },
      },
    });
    const dec = 1 * K.linear(sv[0], x) - 0.5 * K.linear(sv[1], x) - 0.25 * K.linear(sv[2], x) - 0.1; // 0.5 + 0.75 + 0.5 - 0.1
    expect(dec).toBeCloseTo(1.65, 12);
    expect(run(m(), { x: vec(...x) }).get('label')).toEqual({ kind: 'string', value: 'a' });
    const o = run(m([-2]), { x: vec(...x) });
    const pa = 1 / (1 + Math.exp(-2 * dec + 0.2));
    expect(probs(o.get('probs')).a).toBeCloseTo(pa, 6);
    expect(probs(o.get('probs')).b).toBeCloseTo(1 - pa, 6);
    expect(o.get('label')).toEqual({ kind: 'string', value: 'a' });
  });

  it('pairwise coupling returns probabilities that sum to one and respect the pairwise order', () => {
    const r = [Float64Array.of(0, 0.8, 0.9), Float64Array.of(0.2, 0, 0.6), Float64Array.of(0.1, 0.4, 0)];
    const p = coupleProbabilities(r);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[0]).toBeGreaterThan(p[1]);
    expect(p[1]).toBeGreaterThan(p[2]);
    // Consistent pairwise probabilities r_ij = p_i/(p_i+p_j) are reproduced to libsvm's stopping
    // tolerance (0.005/k on the optimality condition).
    const q = [0.5, 0.3, 0.2];
    const rc = q.map((pi, i) => Float64Array.from(q, (pj, j) => (i === j ? 0 : pi / (pi + pj))));
    const pc = coupleProbabilities(rc);
    q.forEach((v, i) => expect(Math.abs(pc[i] - v)).toBeLessThan(0.002));
  });

  it.skipIf(!sharedPresent)('iris (RBF, 3 classes, one-vs-one votes) names the species of textbook samples', () => {
    const m = manifest().find((e) => e.file === 'gavi__Iris/iris.mlmodel')!;
    const spec = decodeModel(readFileSync(modelPath(m)));
    const species = (...v: number[]) => run(spec, { data: vec(...v) }).get('Species');
    const labels = spec.supportVectorClassifier!.stringClassLabels!.vector!;
    expect(labels.length).toBe(3);
    // Fisher's iris rows 1, 51 and 101 (setosa, versicolor, virginica).
    expect(species(5.1, 3.5, 1.4, 0.2)).toEqual({ kind: 'string', value: labels[0] });
    expect(species(7.0, 3.2, 4.7, 1.4)).toEqual({ kind: 'string', value: labels[1] });
    expect(species(6.3, 3.3, 6.0, 2.5)).toEqual({ kind: 'string', value: labels[2] });
    expect(labels[0].toLowerCase()).toContain('setosa');
  });
});

describe('feature transformers', () => {
  it('scaler: scale · (x + shift), per element or broadcast', () => {
    const m = model({ description: { input: [arrayIn('x', 3)], output: [arrayIn('y', 3)] }, scaler: { shiftValue: Float64Array.of(1, 2, 3), scaleValue: Float64Array.of(2) } });
    const y = run(m, { x: vec(0, -2, 1) }).get('y');
    expect(y).toEqual({ kind: 'tensor', tensor: { shape: [3], data: Float32Array.of(2, 0, 8) } });
    const s = model({ description: { input: [doubleF('x')], output: [doubleF('y')] }, scaler: { shiftValue: Float64Array.of(-0.5) } });
    expect(num(run(s, { x: { kind: 'double', value: 2 } }).get('y'))).toBe(1.5);
  });

  it('normalizer: LMax, L1, L2', () => {
    const n = (t: number) => model({ description: { input: [arrayIn('x', 3)], output: [arrayIn('y', 3)] }, normalizer: { normType: t } });
    const data = (t: number) => Array.from((run(n(t), { x: vec(3, -4, 2) }).get('y') as { tensor: { data: Float32Array } }).tensor.data);
    expect(data(0)).toEqual([1, -4 / 3, 2 / 3].map(Math.fround));
    expect(data(1)).toEqual([3 / 9, -4 / 9, 2 / 9].map(Math.fround));
    const l2 = Math.sqrt(29);
    expect(data(2)).toEqual([3 / l2, -4 / l2, 2 / l2].map(Math.fround));
  });

  it('one-hot encoder: dense, sparse, unknown values ignored or refused', () => {
    const ohe = (sparse: boolean, handle: number) => model({
      description: { input: [stringF('c')], output: [sparse ? dictF('y', 'int64KeyType') : arrayIn('y', 3)] },
      oneHotEncoder: { stringCategories: { vector: ['red', 'green', 'blue'] }, outputSparse: sparse, handleUnknown: handle },
    });
    const s = (value: string) => ({ c: { kind: 'string', value } as FeatureValue });
    expect(run(ohe(false, 0), s('blue')).get('y')).toEqual({ kind: 'tensor', tensor: { shape: [3], data: Float32Array.of(0, 0, 1) } });
    expect(run(ohe(true, 0), s('green')).get('y')).toEqual({ kind: 'dictionary', value: new Map([[1, 1]]) });
    expect(run(ohe(true, 1), s('mauve')).get('y')).toEqual({ kind: 'dictionary', value: new Map() });
    expect(() => run(ohe(false, 0), s('mauve'))).toThrow('"mauve" is not one of the 3 categories');
  });

  it('imputer: NaN (or the replace value) becomes the imputed value', () => {
    const arr = model({ description: { input: [arrayIn('x', 3)], output: [arrayIn('y', 3)] }, imputer: { imputedDoubleArray: { vector: Float64Array.of(7, 8, 9) } } });
    expect(Array.from((run(arr, { x: vec(1, NaN, 3) }).get('y') as { tensor: { data: Float32Array } }).tensor.data)).toEqual([1, 8, 3]);
    const rep = model({ description: { input: [doubleF('x')], output: [doubleF('y')] }, imputer: { imputedDoubleValue: 0.5, replaceDoubleValue: -1 } });
    expect(num(run(rep, { x: { kind: 'double', value: -1 } }).get('y'))).toBe(0.5);
    expect(num(run(rep, { x: { kind: 'double', value: 2 } }).get('y'))).toBe(2);
    const str = model({ description: { input: [stringF('x')], output: [stringF('y')] }, imputer: { imputedStringValue: 'none', replaceStringValue: '' } });
    expect(run(str, { x: { kind: 'string', value: '' } }).get('y')).toEqual({ kind: 'string', value: 'none' });
  });

  it('array feature extractor, feature vectorizer, dict vectorizer', () => {
    const afe = model({ description: { input: [arrayIn('x', 4)], output: [arrayIn('y', 2)] }, arrayFeatureExtractor: { extractIndex: [3, 1] } });
    expect(Array.from((run(afe, { x: vec(10, 11, 12, 13) }).get('y') as { tensor: { data: Float32Array } }).tensor.data)).toEqual([13, 11]);
    const afeInt = model({ description: { input: [arrayIn('x', 4)], output: [int64F('y')] }, arrayFeatureExtractor: { extractIndex: [2] } });
    expect(run(afeInt, { x: vec(0, 0, -2.7, 0) }).get('y')).toEqual({ kind: 'int64', value: -2 });
    const fv = model({
      description: { input: [doubleF('a'), dictF('b', 'int64KeyType'), arrayIn('c', 2)], output: [arrayIn('y', 6)] },
      featureVectorizer: { inputList: [{ inputColumn: 'c', inputDimensions: 2 }, { inputColumn: 'a', inputDimensions: 1 }, { inputColumn: 'b', inputDimensions: 3 }] },
    });
    const y = run(fv, { a: { kind: 'double', value: 5 }, b: { kind: 'dictionary', value: new Map([[2, 9]]) }, c: vec(1, 2) }).get('y');
    expect(Array.from((y as { tensor: { data: Float32Array } }).tensor.data)).toEqual([1, 2, 5, 0, 0, 9]);
    const dv = model({ description: { input: [dictF('d')], output: [arrayIn('y', 4)] }, dictVectorizer: { stringToIndex: { vector: ['a', 'c', 'b', 'z'] } } });
    // DictVectorizer.proto's own example: {"a": 4, "c": 8} -> [4, 8, 0, 0]
    expect(Array.from((run(dv, { d: { kind: 'dictionary', value: new Map([['a', 4], ['c', 8]]) } }).get('y') as { tensor: { data: Float32Array } }).tensor.data)).toEqual([4, 8, 0, 0]);
    expect(() => run(dv, { d: { kind: 'dictionary', value: new Map([['q', 1]]) } })).toThrow('key "q" is not in the model\'s index list');
  });

  it('categorical mapping both ways with the unknown-value fallbacks; identity passes inputs through', () => {
    const s2i = model({ description: { input: [stringF('s')], output: [int64F('i')] }, categoricalMapping: { stringToInt64Map: { map: new Map([['cat', 3], ['dog', 7]]) }, int64Value: -1 } });
    expect(run(s2i, { s: { kind: 'string', value: 'dog' } }).get('i')).toEqual({ kind: 'int64', value: 7 });
    expect(run(s2i, { s: { kind: 'string', value: 'eel' } }).get('i')).toEqual({ kind: 'int64', value: -1 });
    const i2s = model({ description: { input: [int64F('i')], output: [stringF('s')] }, categoricalMapping: { int64ToStringMap: { map: new Map([[3, 'cat']]) } } });
    expect(run(i2s, { i: { kind: 'int64', value: 3 } }).get('s')).toEqual({ kind: 'string', value: 'cat' });
    expect(() => run(i2s, { i: { kind: 'int64', value: 4 } })).toThrow('4 is not in the map and no strValue is set');
    const id = model({ description: { input: [arrayIn('x', 2)], output: [arrayIn('x', 2)] }, identity: {} });
    const x = vec(1, 2);
    expect(run(id, { x }).get('x')).toBe(x);
  });
});

describe('k-nearest neighbours', () => {
  const knn = (weighting: 'uniformWeighting' | 'inverseDistanceWeighting', k: number, index: object = { linearIndex: {} }) => model({
    description: classifierDesc([arrayIn('x', 2)]),
    kNearestNeighborsClassifier: {
      nearestNeighborsIndex: {
        numberOfDimensions: 2, ...index, squaredEuclideanDistance: {},
        floatSamples: [[0, 0], [0, 1], [3, 0], [3, 1], [3.5, 0.5]].map((v) => ({ vector: Float32Array.from(v) })),
      },
      numberOfNeighbors: { defaultValue: k, range: { minValue: 1, maxValue: 5 } },
      stringClassLabels: { vector: ['left', 'left', 'right', 'right', 'right'] },
      [weighting]: {},
    },
  });
  it('uniform votes among the k nearest; a kd-tree index gives the same exact answer', () => {
    // x = (1, 0.5): squared distances 1.25, 1.25, 4.25, 4.25, 6.25 → k=3: left, left, right
    const o = run(knn('uniformWeighting', 3), { x: vec(1, 0.5) });
    expect(o.get('label')).toEqual({ kind: 'string', value: 'left' });
    expect(probs(o.get('probs'))).toEqual({ left: 2 / 3, right: 1 / 3 });
    expect(run(knn('uniformWeighting', 3, { singleKdTreeIndex: { leafSize: 2 } }), { x: vec(1, 0.5) })).toEqual(o);
    // k=5: 2 left vs 3 right
    expect(run(knn('uniformWeighting', 5), { x: vec(1, 0.5) }).get('label')).toEqual({ kind: 'string', value: 'right' });
  });
  it('inverse-distance weighting sums 1/d per label', () => {
    // k=5 at (1, 0.5): left 2/1.25 = 1.6; right 2/4.25 + 1/6.25 = 0.6306 → left
    const o = run(knn('inverseDistanceWeighting', 5), { x: vec(1, 0.5) });
    expect(o.get('label')).toEqual({ kind: 'string', value: 'left' });
    const left = 2 / 1.25, right = 2 / 4.25 + 1 / 6.25;
    expect(probs(o.get('probs')).left).toBeCloseTo(left / (left + right), 6);
  });
});

describe('models with no CPU implementation', () => {
  it('a word tagger and a custom model are refused with the reason', () => {
    const tagger = model({ description: { input: [stringF('text')], output: [stringF('tags')] }, wordTagger: {} });
    expect(() => run(tagger, { text: { kind: 'string', value: 'hi' } })).toThrow(ExecutorError);
    expect(() => run(tagger, { text: { kind: 'string', value: 'hi' } })).toThrow(/^wordTagger is not supported on the CPU: /);
  });
  it.skipIf(!sharedPresent)('the real Create ML text classifier is refused in one line', () => {
    const m = manifest().find((e) => e.file === 'MoonAndEye__CreateMLDemo/SentimentClassifer.mlmodel')!;
    const spec = decodeModel(readFileSync(modelPath(m)));
    expect(() => run(spec, { text: { kind: 'string', value: 'great' } })).toThrow("textClassifier is not supported on the CPU: a Create ML text classifier runs on Apple's Natural Language framework");
  });
});

describe.skipIf(!sharedPresent)('real GLM regressor (Boston housing, 13 features)', () => {
  it('gives the offset at zero and offset + w_i at the i-th unit vector', () => {
    const m = manifest().find((e) => e.file === 'likedan__Awesome-CoreML-Models/PlotCVPredict.mlmodel')!;
    const spec = decodeModel(readFileSync(modelPath(m)));
    const w = spec.glmRegressor!.weights![0].value!;
    const b = spec.glmRegressor!.offset![0];
    expect(num(run(spec, { input: vec(...new Array<number>(13).fill(0)) }).get('prediction'))).toBe(b);
    for (let i = 0; i < 13; i++) {
      const e = new Array<number>(13).fill(0);
      e[i] = 1;
      expect(num(run(spec, { input: vec(...e) }).get('prediction'))).toBeCloseTo(b + w[i], 12);
    }
    expect(b).toBeCloseTo(36.4911, 4);
  });
});

describe.skipIf(!sharedPresent)('real GLM classifier (FruitClassifier\'s stage after the Vision feature print)', () => {
  it('scores Banana against the reference Apple with one logistic row over the 2048-value scene print', () => {
    const m = manifest().find((e) => e.file === 'MoonAndEye__CreateMLDemo/FruitClassifier.mlmodel')!;
    const stage = decodeModel(readFileSync(modelPath(m))).pipelineClassifier!.pipeline!.models![1];
    const glm = stage.glmClassifier!;
    expect(glm.stringClassLabels!.vector).toEqual(['Apple', 'Banana']);
    const w = glm.weights![0].value!;
    expect(w.length).toBe(2048);
    // x = e_k: z = w_k + offset; P(Banana) = sigmoid(z).
    for (const k of [0, 1000, 2047]) {
      const x = new Array<number>(2048).fill(0);
      x[k] = 1;
      const z = w[k] + glm.offset![0];
      const o = run(stage, { sceneprint: vec(...x) });
      expect(probs(o.get('classLabelProbs')).Banana).toBeCloseTo(sigmoid(z), 14);
      expect(o.get('classLabel')).toEqual({ kind: 'string', value: z > 0 ? 'Banana' : 'Apple' });
    }
  });
});
