// Element-wise kernels for tensors that already live in the kernel heap (for arrays outside it a
// plain loop is faster than copying in and out). Four floats per step, a scalar tail.

/** out = min(max(x, lo), hi); out may be x. NaN stays NaN (pmin/pmax compare false). */
export function clamp(x: usize, out: usize, n: i32, lo: f32, hi: f32): void {
  const loV = f32x4.splat(lo);
  const hiV = f32x4.splat(hi);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.pmax(f32x4.pmin(v128.load(x + o), hiV), loV));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let v = load<f32>(x + o);
    if (hi < v) v = hi;
    if (v < lo) v = lo;
    store<f32>(out + o, v);
  }
}

/** out = a + b, same length; out may be a or b. */
export function add(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

/** out[c] = mean of x[c, :] for C planes of `plane` floats (global average pooling). */
export function planeMeans(x: usize, out: usize, C: i32, plane: i32): void {
  for (let c = 0; c < C; c++) {
    const p = x + <usize>c * <usize>plane * 4;
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= plane; i += 4) acc = f32x4.add(acc, v128.load(p + (<usize>i << 2)));
    let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; i < plane; i++) s += load<f32>(p + (<usize>i << 2));
    store<f32>(out + (<usize>c << 2), s / <f32>plane);
  }
}
