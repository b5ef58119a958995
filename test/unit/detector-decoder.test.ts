// The generated anchor decoder against the walkthrough's formula, computed directly here:
//   x = tx / 10 · aw + ax,  y = ty / 10 · ah + ay,  w = exp(tw / 5) · aw,  h = exp(th / 5) · ah
// on random predictions and anchors, for both coordinate orders and both anchor layouts.
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../shared/format/model';
import { runModel } from '../../shared/executor/index';
import type { FeatureValue } from '../../shared/executor/types';
import { validateModel } from '../../shared/validate';
import { buildAnchorDecoder } from '../../shared/surgery/anchor-decoder';
import { SurgeryError } from '../../shared/surgery/errors';
import { seededRandom } from '../../shared/executor';

/** The executor's seeded generator (mulberry32): values in [0, 1), the same on every run. */
const random = seededRandom;

const tensor = (shape: number[], data: Float32Array): FeatureValue => ({ kind: 'tensor', tensor: { shape, data } });

describe('anchor decoder', () => {
  const N = 37, CLASSES = 6;
  const rnd = random(12);
  // Anchors as named columns, then laid out per case.
  const a = { x: [] as number[], y: [] as number[], w: [] as number[], h: [] as number[] };
  for (let b = 0; b < N; b++) { a.x.push(rnd()); a.y.push(rnd()); a.w.push(0.05 + rnd() * 0.5); a.h.push(0.05 + rnd() * 0.5); }
  const t = { x: [] as number[], y: [] as number[], w: [] as number[], h: [] as number[] };
  for (let b = 0; b < N; b++) { t.x.push(rnd() * 4 - 2); t.y.push(rnd() * 4 - 2); t.w.push(rnd() * 4 - 2); t.h.push(rnd() * 4 - 2); }
  const scores = Float32Array.from({ length: (CLASSES + 1) * N }, () => rnd());

  const cases = [
    { order: 'yxhw' as const, layout: '4xN' as const, scales: [10, 10, 5, 5] as const },
    { order: 'yxhw' as const, layout: 'Nx4' as const, scales: [10, 10, 5, 5] as const },
    { order: 'xywh' as const, layout: '4xN' as const, scales: [10, 10, 5, 5] as const },
    // Different factors within a pair (a scale layer instead of multiply): sx 8, sy 12, sw 4, sh 6.
    { order: 'xywh' as const, layout: 'Nx4' as const, scales: [8, 12, 4, 6] as const },
  ];
  for (const { order, layout, scales } of cases) {
    it(`${order}, anchors ${layout}, scales ${scales.join(',')}: the formula, numerically`, () => {
      const cols = order === 'yxhw' ? ['y', 'x', 'h', 'w'] as const : ['x', 'y', 'w', 'h'] as const;
      const anchorData = new Float32Array(4 * N);
      for (let c = 0; c < 4; c++) for (let b = 0; b < N; b++) anchorData[layout === '4xN' ? c * N + b : b * 4 + c] = a[cols[c]][b];
      const boxes = new Float32Array(4 * N);
      for (let c = 0; c < 4; c++) for (let b = 0; b < N; b++) boxes[c * N + b] = t[cols[c]][b];
      const decoder = decodeModel(encodeModel(buildAnchorDecoder({
        anchors: { shape: layout === '4xN' ? [4, N] : [N, 4], data: anchorData }, order, scales: [...scales] as [number, number, number, number], classes: CLASSES, dropBackground: true,
      })));
      expect(validateModel(decoder).filter((d) => d.severity !== 'info')).toEqual([]);
      const r = runModel(decoder, new Map([['scores', tensor([CLASSES + 1, N, 1], scores)], ['boxes', tensor([4, N, 1], boxes)]]));
      const coords = r.outputs.get('raw_coordinates'), conf = r.outputs.get('raw_confidence');
      if (coords?.kind !== 'tensor' || conf?.kind !== 'tensor') throw new Error('decoder outputs missing');
      expect(coords.tensor.shape).toEqual([N, 4]);
      expect(conf.tensor.shape).toEqual([N, CLASSES]);
      const s = Object.fromEntries(cols.map((c, i) => [c, scales[i]])) as Record<'x' | 'y' | 'w' | 'h', number>;
      let worst = 0;
      for (let b = 0; b < N; b++) {
        const f = (v: number) => Math.fround(v); // inputs are float32
        const expected = [
          (f(t.x[b]) / s.x) * f(a.w[b]) + f(a.x[b]),
          (f(t.y[b]) / s.y) * f(a.h[b]) + f(a.y[b]),
          Math.exp(f(t.w[b]) / s.w) * f(a.w[b]),
          Math.exp(f(t.h[b]) / s.h) * f(a.h[b]),
        ];
        for (let k = 0; k < 4; k++) worst = Math.max(worst, Math.abs(coords.tensor.data[b * 4 + k] - expected[k]));
        // Confidence: the class scores of box b without the background row, in class order.
        for (let c = 0; c < CLASSES; c++) expect(conf.tensor.data[b * CLASSES + c]).toBe(scores[(c + 1) * N + b]);
      }
      expect(worst).toBeLessThan(1e-6);
    });
  }

  it('keeps every score row when there is no background class', () => {
    const anchorData = Float32Array.from({ length: 4 * N }, () => rnd());
    const decoder = buildAnchorDecoder({ anchors: { shape: [4, N], data: anchorData }, order: 'yxhw', classes: CLASSES + 1 });
    expect(decoder.description!.input![0].type!.multiArrayType!.shape).toEqual([CLASSES + 1, N, 1]);
    const r = runModel(decoder, new Map([['scores', tensor([CLASSES + 1, N, 1], scores)], ['boxes', tensor([4, N, 1], new Float32Array(4 * N))]]));
    const conf = r.outputs.get('raw_confidence');
    if (conf?.kind !== 'tensor') throw new Error('no confidence');
    expect(conf.tensor.shape).toEqual([N, CLASSES + 1]);
    expect(conf.tensor.data[3 * (CLASSES + 1)]).toBe(scores[3]);
  });

  it('refuses anchors it cannot read, naming the problem', () => {
    const build = (shape: number[], extra: object = {}) => () => buildAnchorDecoder({ anchors: { shape, data: new Float32Array(shape.reduce((x, y) => x * y, 1)) }, order: 'yxhw', classes: 3, ...extra });
    expect(build([3, 5])).toThrow(SurgeryError);
    expect(build([3, 5])).toThrow('expected an array of shape (4, N) or (N, 4), got (3, 5)');
    expect(build([4, 4])).toThrow('ambiguous');
    expect(build([4, 4], { anchorsLayout: 'Nx4' })).not.toThrow();
    expect(build([4, 9], { scales: [10, 0, 5, 5] })).toThrow('scales: expected four positive numbers, got 10, 0, 5, 5');
    expect(build([4, 9], { scales: [10, 10, -5, 5] })).toThrow('scales: expected four positive numbers, got 10, 10, -5, 5');
    expect(build([4, 9], { classes: 0 })).toThrow('classes');
    expect(build([4, 9], { scoresName: 'x', boxesName: 'x' })).toThrow('must differ');
  });
});
