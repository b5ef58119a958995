// Generalized linear models (GLMRegressor.proto, GLMClassifier.proto): one weight row and one
// offset per output, z = w·x + offset, in double precision as the fields are declared.
import type { GLMClassifier, GLMRegressor, Model } from '../../format';
import { ExecutorError, type FeatureValue, type RunResult } from '../types';
import { argmax, classifierOutputs, classLabelsOf, describedOutputs, normalCdf, numericOutput, sigmoid, softmax, vectorizedInputs } from './features';

// GLMRegressor.PostEvaluationTransform and GLMClassifier.PostEvaluationTransform / ClassEncoding.
const REGRESSOR_LOGIT = 1, REGRESSOR_PROBIT = 2;
const CLASSIFIER_PROBIT = 1;
const ONE_VS_REST = 1;

function linear(kind: string, weights: readonly { value?: Float64Array }[] | undefined, offset: Float64Array | undefined, x: Float64Array): Float64Array {
  const rows = weights ?? [];
  if (rows.length === 0) throw new ExecutorError(`${kind}: the model has no weights`);
  const z = new Float64Array(rows.length);
  for (let j = 0; j < rows.length; j++) {
    const w = rows[j].value ?? new Float64Array(0);
    if (w.length !== x.length) throw new ExecutorError(`${kind}: the input has ${x.length} values, weight row ${j} has ${w.length}`);
    let s = offset?.[j] ?? 0;
    for (let i = 0; i < w.length; i++) s += w[i] * x[i];
    z[j] = s;
  }
  return z;
}

export function runGlmRegressor(model: Model, glm: GLMRegressor, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'glmRegressor';
  const z = linear(kind, glm.weights, glm.offset, vectorizedInputs(model, inputs, kind));
  const t = glm.postEvaluationTransform ?? 0;
  const y = z.map((v) => (t === REGRESSOR_LOGIT ? sigmoid(v) : t === REGRESSOR_PROBIT ? normalCdf(v) : v));
  const out = describedOutputs(model)[0];
  if (!out?.name) throw new ExecutorError(`${kind}: the model description declares no output`);
  return { outputs: new Map([[out.name, numericOutput(out, y)]]), blobs: new Map() };
}

/**
 * Class probabilities. With one weight row and two classes the row scores the second class
 * (p = link(z), the first class gets 1 - p), as coremltools' scikit-learn converter writes a
 * binary LogisticRegression. OneVsRest with K rows: each class's logistic score, normalised to
 * sum to 1 (scikit-learn's one-vs-rest predict_proba, which coremltools' tests compare against).
 * ReferenceClass with K-1 rows: the first class is the reference with score 0, the others
 * softmax(z) against it ("First class is the reference class", GLMClassifier.proto).
 */
export function glmClassProbabilities(glm: GLMClassifier, z: Float64Array, classCount: number): Float64Array {
  const probit = (glm.postEvaluationTransform ?? 0) === CLASSIFIER_PROBIT;
  if (z.length === 1 && classCount === 2) {
    const p = probit ? normalCdf(z[0]) : sigmoid(z[0]);
    return Float64Array.of(1 - p, p);
  }
  if (probit) throw new ExecutorError('glmClassifier: the Probit transform is for binary classification only (GLMClassifier.proto)');
  if ((glm.classEncoding ?? 0) === ONE_VS_REST) {
    if (z.length !== classCount) throw new ExecutorError(`glmClassifier: OneVsRest needs one weight row per class (${classCount}), the model has ${z.length}`);
    const p = z.map(sigmoid);
    const s = p.reduce((a, b) => a + b, 0);
    return p.map((v) => v / s);
  }
  if (z.length !== classCount - 1) throw new ExecutorError(`glmClassifier: ReferenceClass needs one weight row fewer than the ${classCount} classes, the model has ${z.length}`);
  return softmax([0, ...z]);
}

export function runGlmClassifier(model: Model, glm: GLMClassifier, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'glmClassifier';
  const z = linear(kind, glm.weights, glm.offset, vectorizedInputs(model, inputs, kind));
  const labels = classLabelsOf(glm) ?? Array.from({ length: z.length === 1 ? 2 : (glm.classEncoding ?? 0) === ONE_VS_REST ? z.length : z.length + 1 }, (_, i) => i);
  const p = glmClassProbabilities(glm, z, labels.length);
  return { outputs: classifierOutputs(model, labels, p, argmax(p)), blobs: new Map() };
}
