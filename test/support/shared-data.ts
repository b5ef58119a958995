// Locates ../shared (test data beside the repository). Tests that need it call `sharedDir()`:
// when the folder is absent they skip with a message, unless REQUIRE_SHARED=1 (CI), where the
// absence is a failure.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED = resolve(repoRoot, '..', 'shared');
export const sharedPresent = existsSync(join(SHARED, 'models', 'manifest.json'));

if (!sharedPresent && process.env.REQUIRE_SHARED === '1') {
  throw new Error(`REQUIRE_SHARED=1 but the test data folder ${SHARED} is missing (expected ../shared beside the repository)`);
}
if (!sharedPresent) {
  console.warn(`[tests] ${SHARED} is absent: tests on real models and conformance cases are skipped`);
}

export interface ManifestModel {
  file: string;
  kind: 'mlmodel' | 'mlpackage';
  bytes: number;
  specificationVersion: number | null;
  type: string | null;
  model_tree: string[] | null;
  nn_layers: number | null;
  nn_layer_types: Record<string, number> | null;
  weights: Record<string, number>;
  preprocessing: string[];
  class_labels: string[];
  inputs: string[] | null;
  outputs: string[] | null;
  flexible_shapes: string[];
  predictedFeatureName?: string;
  metadata?: { author: string; license: string; shortDescription: string; versionString: string; userDefined_keys: string[] };
  parse_status: string;
  notes: string[];
  mlprogram?: { version: number; functions: string[]; opsets: string[]; op_count: number; op_types: Record<string, number>; blob_files: string[]; blob_files_missing: string[] };
}

export function manifest(): ManifestModel[] {
  if (!sharedPresent) return [];
  return (JSON.parse(readFileSync(join(SHARED, 'models', 'manifest.json'), 'utf8')) as { models: ManifestModel[] }).models;
}

export const modelPath = (m: ManifestModel): string => join(SHARED, 'models', m.file);
export const isReadable = (m: ManifestModel): boolean => m.parse_status === 'ok';
