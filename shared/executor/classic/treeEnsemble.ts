// Tree ensembles (TreeEnsemble.proto): every tree's leaf adds its sparse evaluation values to the
// base prediction, then the post-evaluation transform applies. Branch nodes compare the input's
// feature at branchFeatureIndex with branchFeatureValue; a NaN feature (a missing value) goes to
// the true child when missingValueTracksTrueChild is set, to the false child otherwise.
import type { Model, TreeEnsembleClassifier, TreeEnsembleParameters, TreeEnsembleParameters_TreeNode, TreeEnsembleRegressor } from '../../format';
import { ExecutorError, type FeatureValue, type RunResult } from '../types';
import { argmax, classifierOutputs, classLabelsOf, describedOutputs, numericOutput, sigmoid, softmax, vectorizedInputs, type ClassLabel } from './features';

// TreeNode.TreeNodeBehavior
const LESS_EQUAL = 0, LESS = 1, GREATER_EQUAL = 2, GREATER = 3, EQUAL = 4, NOT_EQUAL = 5, LEAF = 6;
// TreeEnsemblePostEvaluationTransform
const NO_TRANSFORM = 0, SOFTMAX = 1, LOGISTIC = 2, SOFTMAX_ZERO_REFERENCE = 3;

type Node = TreeEnsembleParameters_TreeNode;

interface CompiledEnsemble {
  roots: Node[];
  lookup: Map<string, Node>;
  dimensions: number;
  base: Float64Array;
}

const compiled = new WeakMap<TreeEnsembleParameters, CompiledEnsemble>();
const key = (tree: number, node: number) => `${tree}:${node}`;

/** Indexes the nodes by (treeId, nodeId); a tree's root is its one node that is nobody's child. */
function compile(p: TreeEnsembleParameters, kind: string): CompiledEnsemble {
  const cached = compiled.get(p);
  if (cached) return cached;
  const nodes = p.nodes ?? [];
  const lookup = new Map<string, Node>();
  const children = new Set<string>();
  for (const n of nodes) {
    const k = key(Number(n.treeId ?? 0), Number(n.nodeId ?? 0));
    if (lookup.has(k)) throw new ExecutorError(`${kind}: tree ${n.treeId ?? 0} has two nodes with id ${n.nodeId ?? 0}`);
    lookup.set(k, n);
    if ((n.nodeBehavior ?? 0) !== LEAF) {
      children.add(key(Number(n.treeId ?? 0), Number(n.trueChildNodeId ?? 0)));
      children.add(key(Number(n.treeId ?? 0), Number(n.falseChildNodeId ?? 0)));
    }
  }
  const roots = nodes.filter((n) => !children.has(key(Number(n.treeId ?? 0), Number(n.nodeId ?? 0))));
  const base = p.basePredictionValue ?? new Float64Array(0);
  const dimensions = Number(p.numPredictionDimensions ?? 0) || base.length || 1;
  if (base.length !== 0 && base.length !== dimensions) {
    throw new ExecutorError(`${kind}: basePredictionValue has ${base.length} values for ${dimensions} prediction dimensions`);
  }
  const c: CompiledEnsemble = { roots, lookup, dimensions, base: base.length ? base : new Float64Array(dimensions) };
  compiled.set(p, c);
  return c;
}

function branchTaken(n: Node, x: number): boolean {
  if (Number.isNaN(x)) return n.missingValueTracksTrueChild ?? false;
  const v = n.branchFeatureValue ?? 0;
  switch (n.nodeBehavior ?? 0) {
    case LESS_EQUAL: return x <= v;
    case LESS: return x < v;
    case GREATER_EQUAL: return x >= v;
    case GREATER: return x > v;
    case EQUAL: return x === v;
    case NOT_EQUAL: return x !== v;
    default: throw new ExecutorError(`tree node ${n.nodeId ?? 0}: unknown nodeBehavior ${n.nodeBehavior}`);
  }
}

/** The raw ensemble sum (base prediction plus every reached leaf), before any transform. */
export function evaluateEnsemble(p: TreeEnsembleParameters, x: ArrayLike<number>, kind: string): Float64Array {
  const e = compile(p, kind);
  const sum = Float64Array.from(e.base);
  for (const root of e.roots) {
    let n: Node = root;
    const tree = Number(n.treeId ?? 0);
    for (let steps = 0; (n.nodeBehavior ?? 0) !== LEAF; steps++) {
      if (steps > e.lookup.size) throw new ExecutorError(`${kind}: tree ${tree} has a cycle`);
      const f = Number(n.branchFeatureIndex ?? 0);
      if (f >= x.length) throw new ExecutorError(`${kind}: tree ${tree} node ${n.nodeId ?? 0} reads feature ${f}, the input has ${x.length}`);
      const next = branchTaken(n, x[f]) ? n.trueChildNodeId : n.falseChildNodeId;
      const child = e.lookup.get(key(tree, Number(next ?? 0)));
      if (!child) throw new ExecutorError(`${kind}: tree ${tree} node ${n.nodeId ?? 0} points to missing node ${next ?? 0}`);
      n = child;
    }
    for (const info of n.evaluationInfo ?? []) {
      const i = Number(info.evaluationIndex ?? 0);
      if (i >= sum.length) throw new ExecutorError(`${kind}: tree ${tree} leaf ${n.nodeId ?? 0} adds to dimension ${i} of ${sum.length}`);
      sum[i] += info.evaluationValue ?? 0;
    }
  }
  return sum;
}

function transform(v: Float64Array, t: number): Float64Array {
  switch (t) {
    case NO_TRANSFORM: return v;
    case SOFTMAX: return softmax(v);
    case LOGISTIC: return v.map(sigmoid);
    // The first class is a reference with a constant score of 0 and the ensemble scores the
    // others (for K classes it has K-1 dimensions); the probabilities are softmax([0, v...]).
    case SOFTMAX_ZERO_REFERENCE: return softmax([0, ...v]);
    default: throw new ExecutorError(`unknown postEvaluationTransform ${t}`);
  }
}

export function runTreeEnsembleRegressor(model: Model, m: TreeEnsembleRegressor, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'treeEnsembleRegressor';
  if (!m.treeEnsemble) throw new ExecutorError(`${kind}: the model has no treeEnsemble`);
  const raw = evaluateEnsemble(m.treeEnsemble, vectorizedInputs(model, inputs, kind), kind);
  const y = transform(raw, m.postEvaluationTransform ?? 0);
  const out = describedOutputs(model)[0];
  if (!out?.name) throw new ExecutorError(`${kind}: the model description declares no output`);
  return { outputs: new Map([[out.name, numericOutput(out, y)]]), blobs: new Map() };
}

/**
 * Class probabilities from the ensemble sum. One prediction dimension means binary
 * classification (TreeEnsembleCommon.cpp's BINARY_CLASSIFICATION_MODE): the transformed value is
 * the second class's probability, as coremltools' converters write it (a decision tree's leaf
 * holds P(class 1); boosted trees use Regression_Logistic). Otherwise one dimension per class
 * (or one fewer with Classification_SoftMaxWithZeroClassReference).
 */
export function treeClassProbabilities(raw: Float64Array, t: number, classCount: number): Float64Array {
  if (raw.length === 1 && classCount <= 2) {
    const p = t === LOGISTIC || t === SOFTMAX_ZERO_REFERENCE ? sigmoid(raw[0]) : t === SOFTMAX ? 1 : raw[0];
    return Float64Array.of(1 - p, p);
  }
  const p = transform(raw, t);
  if (p.length !== classCount) throw new ExecutorError(`treeEnsembleClassifier: ${p.length} class scores for ${classCount} class labels`);
  return p;
}

export function runTreeEnsembleClassifier(model: Model, m: TreeEnsembleClassifier, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'treeEnsembleClassifier';
  if (!m.treeEnsemble) throw new ExecutorError(`${kind}: the model has no treeEnsemble`);
  const raw = evaluateEnsemble(m.treeEnsemble, vectorizedInputs(model, inputs, kind), kind);
  const t = m.postEvaluationTransform ?? 0;
  // Without labels, TreeEnsembleCommon.cpp uses the integers 0,1 (one dimension) or 0..D-1.
  const labels: ClassLabel[] = classLabelsOf(m)
    ?? Array.from({ length: raw.length === 1 ? 2 : t === SOFTMAX_ZERO_REFERENCE ? raw.length + 1 : raw.length }, (_, i) => i);
  const p = treeClassProbabilities(raw, t, labels.length);
  // Binary mode picks the second class only when its probability is above one half (the
  // scikit-learn converter nudges a leaf value of exactly 0.5 down for this reason).
  const predicted = raw.length === 1 && labels.length <= 2 ? (p[1] > 0.5 ? 1 : 0) : argmax(p);
  return { outputs: classifierOutputs(model, labels, p, predicted), blobs: new Map() };
}
