// Every executor conformance case in ../shared/conformance (README there: one model, .npy inputs
// and expected outputs computed independently from NeuralNetwork.proto's semantics, tolerances in
// case.json) runs through runModel and must match within its tolerance. The output may have the
// declared shape or its rank-5 form.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../shared/format/model';
import { runModel } from '../../shared/executor';
import { decodeNpy } from '../../shared/executor/npy';
import type { FeatureValue } from '../../shared/executor/types';
import { SHARED, sharedPresent } from '../support/shared-data';

const DIR = join(SHARED, 'conformance');

interface CaseJson {
  name: string;
  inputs: { name: string; file: string; shape: number[] }[];
  outputs: { name: string; file: string; shape: number[]; rank5_shape?: number[]; atol: number; rtol: number }[];
}

const cases = sharedPresent && existsSync(DIR)
  ? readdirSync(DIR).filter((d) => existsSync(join(DIR, d, 'case.json'))).sort()
  : [];

describe.skipIf(!sharedPresent)('executor conformance (../shared/conformance)', () => {
  it('finds the 138 cases', () => {
    expect(cases.length).toBe(138);
  });

  for (const name of cases) {
    it(name, () => {
      const dir = join(DIR, name);
      const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseJson;
      const model = decodeModel(new Uint8Array(readFileSync(join(dir, 'model.mlmodel'))));
      const inputs = new Map<string, FeatureValue>();
      for (const i of spec.inputs) {
        const a = decodeNpy(new Uint8Array(readFileSync(join(dir, i.file))));
        inputs.set(i.name, { kind: 'tensor', tensor: { shape: a.shape, data: a.data } });
      }
      const result = runModel(model, inputs);
      for (const o of spec.outputs) {
        const expected = decodeNpy(new Uint8Array(readFileSync(join(dir, o.file))));
        const v = result.outputs.get(o.name);
        expect(v?.kind, `output ${o.name}`).toBe('tensor');
        const actual = (v as Extract<FeatureValue, { kind: 'tensor' }>).tensor;
        const shapes = [o.shape, ...(o.rank5_shape ? [o.rank5_shape] : [])].map((s) => s.join('×'));
        expect(shapes, `output ${o.name} has shape ${actual.shape.join('×')}`).toContain(actual.shape.join('×'));
        expect(actual.data.length).toBe(expected.data.length);
        let worst = -1, worstExcess = 0;
        for (let k = 0; k < expected.data.length; k++) {
          const e = expected.data[k], a = actual.data[k];
          const excess = Math.abs(a - e) - (o.atol + o.rtol * Math.abs(e));
          if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) { worst = k; worstExcess = excess; }
        }
        expect(worst < 0 ? 'all within tolerance' : `element ${worst}: got ${actual.data[worst]}, expected ${expected.data[worst]} (atol ${o.atol}, rtol ${o.rtol})`, `output ${o.name}`).toBe('all within tolerance');
      }
    });
  }
});
