// Support vector machines (SVM.proto) with libsvm's conventions, which the format follows
// (sparse indices are 1-based "like libsvm"; coremltools copies libsvm's sv_coef and rho):
//   regressor:  f(x) = Σ alpha_i K(sv_i, x) - rho
//   classifier: one-vs-one. For classes i < j, with the support vectors grouped by class
//     (numberOfSupportVectorsPerClass), dec_ij = Σ_{s in i} coef[j-1][s] K(s,x)
//     + Σ_{s in j} coef[i][s] K(s,x) - rho_ij; dec > 0 is a vote for i. With probA/probB the
//     pairwise probabilities are Platt's sigmoid 1/(1+exp(A·dec+B)), coupled into class
//     probabilities by Wu, Lin and Weng's method (libsvm's multiclass_probability), and the
//     predicted class is the most probable one, as libsvm's svm_predict_probability does.
import type { Kernel, Model, SupportVectorClassifier, SupportVectorRegressor } from '../../format';
import { ExecutorError, type FeatureValue, type RunResult } from '../types';
import { classifierOutputs, classLabelsOf, describedOutputs, numericOutput, vectorizedInputs } from './features';

type SupportVectors = { sparse: { index: Int32Array; value: Float64Array }[] } | { dense: Float64Array[] };

function supportVectorsOf(m: SupportVectorClassifier | SupportVectorRegressor): SupportVectors {
  if (m.denseSupportVectors) return { dense: (m.denseSupportVectors.vectors ?? []).map((v) => v.values ?? new Float64Array(0)) };
  if (m.sparseSupportVectors) {
    return {
      sparse: (m.sparseSupportVectors.vectors ?? []).map((v) => ({
        index: Int32Array.from((v.nodes ?? []).map((n) => n.index ?? 0)),
        value: Float64Array.from((v.nodes ?? []).map((n) => n.value ?? 0)),
      })),
    };
  }
  return { dense: [] };
}

const count = (sv: SupportVectors) => ('dense' in sv ? sv.dense.length : sv.sparse.length);

/** K(sv_k, x) for every support vector, with the kernel formulas of SVM.proto. */
function kernelValues(kernel: Kernel | undefined, sv: SupportVectors, x: Float64Array, kind: string): Float64Array {
  const n = count(sv);
  const dots = new Float64Array(n);
  const dist2 = new Float64Array(n);
  let xx = 0;
  for (let i = 0; i < x.length; i++) xx += x[i] * x[i];
  for (let k = 0; k < n; k++) {
    let dot = 0, vv = 0;
    if ('dense' in sv) {
      const v = sv.dense[k];
      if (v.length !== x.length) throw new ExecutorError(`${kind}: support vector ${k} has ${v.length} values, the input ${x.length}`);
      for (let i = 0; i < v.length; i++) { dot += v[i] * x[i]; vv += v[i] * v[i]; }
    } else {
      const { index, value } = sv.sparse[k];
      for (let i = 0; i < index.length; i++) {
        const at = index[i] - 1; // SparseNode.index is 1-based
        if (at < 0 || at >= x.length) throw new ExecutorError(`${kind}: support vector ${k} has index ${index[i]}, the input has ${x.length} values`);
        dot += value[i] * x[at];
        vv += value[i] * value[i];
      }
    }
    dots[k] = dot;
    dist2[k] = Math.max(0, vv - 2 * dot + xx);
  }
  if (!kernel || kernel.linearKernel) return dots;
  if (kernel.rbfKernel) { const g = kernel.rbfKernel.gamma ?? 0; return dist2.map((d) => Math.exp(-g * d)); }
  if (kernel.polyKernel) {
    const { gamma = 0, c = 0, degree = 0 } = kernel.polyKernel;
    return dots.map((d) => Math.pow(gamma * d + c, degree));
  }
  if (kernel.sigmoidKernel) { const { gamma = 0, c = 0 } = kernel.sigmoidKernel; return dots.map((d) => Math.tanh(gamma * d + c)); }
  throw new ExecutorError(`${kind}: unknown kernel`);
}

export function runSvmRegressor(model: Model, m: SupportVectorRegressor, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'supportVectorRegressor';
  const sv = supportVectorsOf(m);
  const k = kernelValues(m.kernel, sv, vectorizedInputs(model, inputs, kind), kind);
  const alpha = m.coefficients?.alpha ?? new Float64Array(0);
  if (alpha.length !== k.length) throw new ExecutorError(`${kind}: ${alpha.length} coefficients for ${k.length} support vectors`);
  let y = -(m.rho ?? 0);
  for (let i = 0; i < k.length; i++) y += alpha[i] * k[i];
  const out = describedOutputs(model)[0];
  if (!out?.name) throw new ExecutorError(`${kind}: the model description declares no output`);
  return { outputs: new Map([[out.name, numericOutput(out, [y])]]), blobs: new Map() };
}

/** The K(K-1)/2 one-vs-one decision values in libsvm's pair order (0,1), (0,2), …, (1,2), … */
export function svmDecisionValues(m: SupportVectorClassifier, x: Float64Array): Float64Array {
  const kind = 'supportVectorClassifier';
  const sv = supportVectorsOf(m);
  const kv = kernelValues(m.kernel, sv, x, kind);
  const perClass = (m.numberOfSupportVectorsPerClass ?? []).map(Number);
  const classes = perClass.length;
  if (perClass.reduce((a, b) => a + b, 0) !== kv.length) {
    throw new ExecutorError(`${kind}: numberOfSupportVectorsPerClass sums to ${perClass.reduce((a, b) => a + b, 0)}, the model has ${kv.length} support vectors`);
  }
  const start = new Int32Array(classes);
  for (let i = 1; i < classes; i++) start[i] = start[i - 1] + perClass[i - 1];
  const coef = (m.coefficients ?? []).map((c) => c.alpha ?? new Float64Array(0));
  if (coef.length !== classes - 1) throw new ExecutorError(`${kind}: ${coef.length} coefficient rows for ${classes} classes (expected ${classes - 1})`);
  const rho = m.rho ?? new Float64Array(0);
  const pairs = (classes * (classes - 1)) / 2;
  if (rho.length !== pairs) throw new ExecutorError(`${kind}: ${rho.length} rho values for ${pairs} class pairs`);
  const dec = new Float64Array(pairs);
  let p = 0;
  for (let i = 0; i < classes; i++) {
    for (let j = i + 1; j < classes; j++) {
      let s = 0;
      const ci = coef[j - 1], cj = coef[i];
      for (let k = 0; k < perClass[i]; k++) s += ci[start[i] + k] * kv[start[i] + k];
      for (let k = 0; k < perClass[j]; k++) s += cj[start[j] + k] * kv[start[j] + k];
      dec[p] = s - rho[p];
      p++;
    }
  }
  return dec;
}

/** libsvm's multiclass_probability (Wu, Lin and Weng 2004, method 2) over pairwise r[i][j]. */
export function coupleProbabilities(r: Float64Array[]): Float64Array {
  const k = r.length;
  const Q = Array.from({ length: k }, () => new Float64Array(k));
  const p = new Float64Array(k).fill(1 / k);
  const Qp = new Float64Array(k);
  for (let t = 0; t < k; t++) {
    for (let j = 0; j < k; j++) {
      if (j === t) continue;
      Q[t][t] += r[j][t] * r[j][t];
      Q[t][j] = -r[j][t] * r[t][j];
    }
  }
  const eps = 0.005 / k;
  for (let iter = 0; iter < Math.max(100, k); iter++) {
    let pQp = 0;
    for (let t = 0; t < k; t++) {
      Qp[t] = 0;
      for (let j = 0; j < k; j++) Qp[t] += Q[t][j] * p[j];
      pQp += p[t] * Qp[t];
    }
    let maxError = 0;
    for (let t = 0; t < k; t++) maxError = Math.max(maxError, Math.abs(Qp[t] - pQp));
    if (maxError < eps) break;
    for (let t = 0; t < k; t++) {
      const diff = (-Qp[t] + pQp) / Q[t][t];
      p[t] += diff;
      pQp = (pQp + diff * (diff * Q[t][t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        Qp[j] = (Qp[j] + diff * Q[t][j]) / (1 + diff);
        p[j] /= 1 + diff;
      }
    }
  }
  return p;
}

function plattProbability(dec: number, a: number, b: number): number {
  const f = dec * a + b;
  return f >= 0 ? Math.exp(-f) / (1 + Math.exp(-f)) : 1 / (1 + Math.exp(f));
}

export function runSvmClassifier(model: Model, m: SupportVectorClassifier, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'supportVectorClassifier';
  const dec = svmDecisionValues(m, vectorizedInputs(model, inputs, kind));
  const classes = (m.numberOfSupportVectorsPerClass ?? []).length;
  const labels = classLabelsOf(m) ?? Array.from({ length: classes }, (_, i) => i);
  if (labels.length !== classes) throw new ExecutorError(`${kind}: ${labels.length} class labels for ${classes} classes`);
  const probA = m.probA ?? new Float64Array(0), probB = m.probB ?? new Float64Array(0);
  let probabilities: Float64Array;
  let predicted: number;
  if (probA.length === dec.length && probB.length === dec.length && dec.length > 0) {
    const minProb = 1e-7; // libsvm clamps pairwise probabilities to [1e-7, 1-1e-7]
    const r = Array.from({ length: classes }, () => new Float64Array(classes));
    let p = 0;
    for (let i = 0; i < classes; i++) {
      for (let j = i + 1; j < classes; j++) {
        r[i][j] = Math.min(Math.max(plattProbability(dec[p], probA[p], probB[p]), minProb), 1 - minProb);
        r[j][i] = 1 - r[i][j];
        p++;
      }
    }
    probabilities = classes === 2 ? Float64Array.of(r[0][1], r[1][0]) : coupleProbabilities(r);
    predicted = 0;
    for (let i = 1; i < classes; i++) if (probabilities[i] > probabilities[predicted]) predicted = i;
  } else {
    // Votes; a tie goes to the lower class index (libsvm's svm_predict_values).
    const votes = new Float64Array(classes);
    let p = 0;
    for (let i = 0; i < classes; i++) for (let j = i + 1; j < classes; j++) votes[dec[p++] > 0 ? i : j]++;
    predicted = 0;
    for (let i = 1; i < classes; i++) if (votes[i] > votes[predicted]) predicted = i;
    // Without Platt parameters there are no probabilities; the vote shares stand in for them.
    probabilities = votes.map((v) => v / Math.max(1, dec.length));
  }
  return { outputs: classifierOutputs(model, labels, probabilities, predicted), blobs: new Map() };
}
