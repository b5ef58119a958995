// k-nearest-neighbours classifier (NearestNeighbors.proto). Both index types (a linear index and
// a kd-tree) are search structures over the same samples, so one exact search serves both: the
// k samples with the smallest squared Euclidean distance (the only distance function), ties
// broken by sample order. Each sample carries its own label (the label list has one entry per
// sample). Uniform weighting counts votes; inverse-distance weighting sums 1/distance, "a
// nearest neighbor with highest sum of (1 / distance) is picked".
import type { KNearestNeighborsClassifier, Model } from '../../format';
import { ExecutorError, type FeatureValue, type RunResult } from '../types';
import { classifierOutputs, classLabelsOf, describedInputs, numbersOf, typeCase, type ClassLabel } from './features';

export function runKNearestNeighbors(model: Model, m: KNearestNeighborsClassifier, inputs: Map<string, FeatureValue>): RunResult {
  const kind = 'kNearestNeighborsClassifier';
  const index = m.nearestNeighborsIndex;
  const samples = (index?.floatSamples ?? []).map((s) => s.vector ?? new Float32Array(0));
  const sampleLabels = classLabelsOf(m) ?? [];
  if (sampleLabels.length !== samples.length) throw new ExecutorError(`${kind}: ${sampleLabels.length} labels for ${samples.length} samples`);
  // The array input is the query; an int64 input, when the description declares one and it is
  // given, overrides numberOfNeighbors at prediction time.
  const ins = describedInputs(model);
  const query = ins.find((d) => typeCase(d.type) === 'multiArrayType') ?? ins[0];
  if (!query?.name) throw new ExecutorError(`${kind}: the model description declares no input`);
  const qv = inputs.get(query.name);
  if (!qv) throw new ExecutorError(`${kind}: input "${query.name}" was not given`);
  const x = numbersOf(qv, query.name, kind);
  const kInput = ins.find((d) => d !== query && typeCase(d.type) === 'int64Type' && d.name && inputs.has(d.name));
  const kValue = kInput ? inputs.get(kInput.name!) : undefined;
  let k = Number(kValue && (kValue.kind === 'int64' || kValue.kind === 'double') ? kValue.value : m.numberOfNeighbors?.defaultValue ?? 1);
  if (!(k >= 1)) throw new ExecutorError(`${kind}: numberOfNeighbors is ${k}, at least 1 is needed`);

  if (samples.length === 0) {
    const dflt: ClassLabel | undefined = m.defaultStringLabel ?? (m.defaultInt64Label !== undefined ? Number(m.defaultInt64Label) : undefined);
    if (dflt === undefined) throw new ExecutorError(`${kind}: the index holds no samples and no default label is set`);
    return { outputs: classifierOutputs(model, [dflt], [1], 0), blobs: new Map() };
  }
  const dims = index?.numberOfDimensions ?? samples[0].length;
  if (x.length !== dims) throw new ExecutorError(`${kind}: the input has ${x.length} values, the samples have ${dims}`);
  const dist = samples.map((s, i) => {
    let d = 0;
    for (let j = 0; j < dims; j++) { const t = s[j] - x[j]; d += t * t; }
    return { i, d };
  });
  dist.sort((a, b) => a.d - b.d || a.i - b.i);
  k = Math.min(k, dist.length);
  const nearest = dist.slice(0, k);

  const labels: ClassLabel[] = [];
  const weight = new Map<ClassLabel, number>();
  const inverse = m.inverseDistanceWeighting !== undefined;
  // A neighbour at distance 0 outweighs any other under 1/distance: only exact matches vote.
  const exact = inverse && nearest.some((n) => n.d === 0);
  for (const n of nearest) {
    const label = sampleLabels[n.i];
    if (!weight.has(label)) { weight.set(label, 0); labels.push(label); }
    const w = !inverse ? 1 : exact ? (n.d === 0 ? 1 : 0) : 1 / n.d;
    weight.set(label, weight.get(label)! + w);
  }
  // Labels appear in order of their nearest member, so a tie goes to the closer one.
  let best = 0;
  labels.forEach((l, i) => { if (weight.get(l)! > weight.get(labels[best])!) best = i; });
  const total = [...weight.values()].reduce((a, b) => a + b, 0);
  const probabilities = labels.map((l) => weight.get(l)! / total);
  return { outputs: classifierOutputs(model, labels, probabilities, best), blobs: new Map() };
}
