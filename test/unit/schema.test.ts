// proto/ is the source of truth; the generated tables must match it, and the schema must hold
// every message a Core ML model can reach.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MESSAGES, ENUMS } from '../../shared/format/schema/descriptors.generated';
import { repoRoot } from '../support/shared-data';

describe('schema', () => {
  it('the generated tables are up to date with proto/', () => {
    const out = execFileSync(process.execPath, [join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), join(repoRoot, 'scripts/gen-schema.ts'), '--check'], { cwd: repoRoot, encoding: 'utf8' });
    expect(out).toContain('up to date');
  });

  it('every message type a field refers to exists, and every Model.Type member is a message', () => {
    const missing: string[] = [];
    for (const m of Object.values(MESSAGES)) {
      for (const f of m.fields) {
        if ((f.kind === 'message' || (f.kind === 'map' && f.valueKind === 'message')) && !MESSAGES[f.type]) missing.push(`${m.fullName}.${f.name} -> ${f.type}`);
        if ((f.kind === 'enum' || (f.kind === 'map' && f.valueKind === 'enum')) && !ENUMS[f.type]) missing.push(`${m.fullName}.${f.name} -> ${f.type}`);
      }
    }
    expect(missing).toEqual([]);
    const types = MESSAGES['CoreML.Specification.Model'].oneofs.Type;
    // Every model type of the current specification (Model.proto, spec 9).
    for (const t of ['pipelineClassifier', 'pipelineRegressor', 'pipeline', 'glmRegressor', 'supportVectorRegressor', 'treeEnsembleRegressor',
      'neuralNetworkRegressor', 'bayesianProbitRegressor', 'glmClassifier', 'supportVectorClassifier', 'treeEnsembleClassifier',
      'neuralNetworkClassifier', 'kNearestNeighborsClassifier', 'neuralNetwork', 'itemSimilarityRecommender', 'mlProgram', 'customModel',
      'linkedModel', 'classConfidenceThresholding', 'oneHotEncoder', 'imputer', 'featureVectorizer', 'dictVectorizer', 'scaler',
      'categoricalMapping', 'normalizer', 'arrayFeatureExtractor', 'nonMaximumSuppression', 'identity', 'textClassifier', 'wordTagger',
      'visionFeaturePrint', 'soundAnalysisPreprocessing', 'gazetteer', 'wordEmbedding', 'audioFeaturePrint', 'serializedModel']) {
      expect(types).toContain(t);
    }
    expect(MESSAGES['CoreML.Specification.FeatureType'].oneofs.Type).toContain('stateType');
    expect(MESSAGES['CoreML.Specification.NeuralNetworkLayer'].oneofs.layer.length).toBeGreaterThan(150);
    expect(MESSAGES['CoreML.Specification.MILSpec.Program']).toBeDefined();
  });
});
