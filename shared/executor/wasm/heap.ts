/**
 * One WebAssembly.Memory for every tensor the SIMD kernels touch, with a first-fit allocator.
 *
 * Why views are never kept: `memory.grow` detaches the ArrayBuffer, and every Float32Array made
 * on it drops to length 0. Growth happens only inside `alloc`, so the rule is simple: after any
 * `alloc` (including the scratch a kernel call allocates), re-derive views from pointers.
 * `HeapF32.data` does that for you: it remembers the buffer it was made on and rebuilds the view
 * when the memory has grown. Pointers (byte offsets) stay valid across growth; views do not.
 *
 * When a model's intermediates do not fit, `alloc` grows the memory up to `maxPages` (default the
 * 4 GiB wasm32 limit) and then throws a RangeError naming the request, so a caller that keeps
 * every blob can free what it no longer needs (or fall back to plain arrays) instead of crashing.
 *
 * A shared heap (`shared`, for two kernel threads: shared/executor/parallel.ts) is a shared
 * WebAssembly.Memory: its buffer is a SharedArrayBuffer, which growth does not detach (old views
 * keep their old length) but replaces (`memory.buffer` is a new, longer object), so the rule above
 * holds unchanged. Only this thread allocates; the helper thread computes into blocks allocated here.
 */

const PAGE = 65536;
/** 64-byte alignment: a cache line, and more than v128 needs. */
const ALIGN = 64;

export class HeapF32 {
  private view: Float32Array | null = null;
  constructor(
    readonly heap: KernelHeap,
    readonly ptr: number,
    readonly length: number,
  ) {}

  /** A view on the current buffer; rebuilt after the memory grew. */
  get data(): Float32Array {
    const buffer = this.heap.memory.buffer;
    if (!this.view || this.view.buffer !== buffer) this.view = new Float32Array(buffer, this.ptr, this.length);
    return this.view;
  }

  free(): void {
    this.heap.release(this.ptr);
  }
}

export class KernelHeap {
  readonly memory: WebAssembly.Memory;
  /** Live blocks: pointer -> size in bytes. */
  private readonly used = new Map<number, number>();
  /** Free blocks, sorted by pointer, adjacent ones merged. */
  private free: { ptr: number; size: number }[] = [];
  private top: number;

  constructor(
    base: number,
    readonly maxPages = 65536,
    readonly shared = false,
  ) {
    this.top = alignUp(base);
    this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(this.top / PAGE)), maximum: maxPages, ...(shared ? { shared } : {}) });
  }

  /** Bytes in use (allocated, not yet released). */
  get bytesInUse(): number {
    let n = 0;
    for (const size of this.used.values()) n += size;
    return n;
  }

  /** How many times the memory has grown (each growth detached every view). */
  growths = 0;

  /**
   * Grows the memory once, now, so that `bytes` more can be allocated above the current top
   * without growing again: a caller that reserves a run's working set up front may keep plain
   * views for the whole run (check `growths` afterwards to be sure none was needed).
   */
  reserve(bytes: number): void {
    const need = this.top + alignUp(bytes);
    const have = this.memory.buffer.byteLength;
    if (need <= have) return;
    const pages = Math.ceil((need - have) / PAGE);
    if (have / PAGE + pages > this.maxPages) throw new RangeError(`kernel heap: cannot reserve ${bytes} bytes (limit ${this.maxPages * PAGE} bytes)`);
    this.memory.grow(pages);
    this.growths++;
  }

  /** Allocates `bytes` (rounded up to 64) and returns the byte offset; may grow (and so detach) the memory. */
  alloc(bytes: number): number {
    const size = alignUp(Math.max(bytes, 1));
    for (let i = 0; i < this.free.length; i++) {
      const block = this.free[i];
      if (block.size < size) continue;
      const ptr = block.ptr;
      if (block.size === size) this.free.splice(i, 1);
      else this.free[i] = { ptr: ptr + size, size: block.size - size };
      this.used.set(ptr, size);
      return ptr;
    }
    const ptr = this.top;
    const end = ptr + size;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      const current = have / PAGE;
      // Grow by at least half again, so a run of allocations does not grow (and detach) each time.
      const want = Math.min(this.maxPages - current, Math.max(pages, Math.ceil(current / 2)));
      if (want < pages) throw new RangeError(`kernel heap: cannot allocate ${bytes} bytes (${this.bytesInUse} in use, limit ${this.maxPages * PAGE} bytes)`);
      try {
        this.memory.grow(want);
      } catch {
        try {
          this.memory.grow(pages);
        } catch {
          throw new RangeError(`kernel heap: cannot allocate ${bytes} bytes (${this.bytesInUse} in use): the host refused to grow the memory`);
        }
      }
      this.growths++;
    }
    this.top = end;
    this.used.set(ptr, size);
    return ptr;
  }

  release(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`kernel heap: ${ptr} is not an allocated block`);
    this.used.delete(ptr);
    if (ptr + size === this.top) {
      this.top = ptr;
      // The block below may now border the top too.
      const last = this.free[this.free.length - 1];
      if (last && last.ptr + last.size === this.top) {
        this.top = last.ptr;
        this.free.pop();
      }
      return;
    }
    let i = 0;
    while (i < this.free.length && this.free[i].ptr < ptr) i++;
    this.free.splice(i, 0, { ptr, size });
    const next = this.free[i + 1];
    if (next && ptr + size === next.ptr) {
      this.free[i].size += next.size;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev.ptr + prev.size === ptr) {
      prev.size += this.free[i].size;
      this.free.splice(i, 1);
    }
  }

  /** A tensor of `length` floats in the heap (contents unspecified). */
  allocF32(length: number): HeapF32 {
    return new HeapF32(this, this.alloc(length * 4), length);
  }

  /** Copies `values` into a new heap tensor: weights are adopted once, not copied per call. */
  adopt(values: Float32Array): HeapF32 {
    const t = this.allocF32(values.length);
    t.data.set(values);
    return t;
  }

  /** A view of `length` floats at `ptr` on the current buffer. */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  /** True when `array` is a live view into this heap (so a kernel can use it in place). */
  holds(array: Float32Array): boolean {
    return array.buffer === this.memory.buffer;
  }
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
