// Summary statistics and a histogram of a weight tensor, in one pass each.

export interface TensorStats {
  readonly count: number;
  /** Values that are NaN or infinite, left out of the statistics. */
  readonly nonFinite: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly std: number;
  readonly zeros: number;
}

export function tensorStats(v: Float32Array): TensorStats {
  let min = Infinity, max = -Infinity, sum = 0, nonFinite = 0, zeros = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x)) { nonFinite++; continue; }
    if (x < min) min = x;
    if (x > max) max = x;
    if (x === 0) zeros++;
    sum += x;
  }
  const n = v.length - nonFinite;
  const mean = n ? sum / n : NaN;
  let sq = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isFinite(x)) sq += (x - mean) * (x - mean);
  }
  return { count: v.length, nonFinite, min: n ? min : NaN, max: n ? max : NaN, mean, std: n ? Math.sqrt(sq / n) : NaN, zeros };
}

export function histogram(v: Float32Array, stats: TensorStats, bins = 40): number[] {
  const counts = new Array<number>(bins).fill(0);
  const span = stats.max - stats.min;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x)) continue;
    const b = span > 0 ? Math.min(bins - 1, Math.floor(((x - stats.min) / span) * bins)) : Math.floor(bins / 2);
    counts[b]++;
  }
  return counts;
}
