/**
 * Blobs of one network run in the kernel heap (one WebAssembly.Memory shared with the SIMD
 * kernels), so a convolution reads its input and writes its output in place instead of copying
 * them in and out, and a freed blob's bytes serve the next layer.
 *
 * A heap blob is a `HeapTensor`: its `data` is re-derived from the block's pointer when the memory
 * has grown (growth detaches every earlier view), so a kernel that reads `x.data` after an
 * allocation always sees live floats. Only a Float32Array a caller keeps in a variable across a
 * growth goes stale (length 0); the executor plans each run's working set and reserves it up
 * front (KernelHeap.reserve) so that growth during a run is the exception.
 *
 * Lifetime: a block counts the scope names that hold it (a reshape shares its input's block); the
 * runner frees a block when its count falls to zero, and frees every block a layer allocated but
 * did not hand out (kernel temporaries) when the layer ends. When the heap cannot grow any more,
 * `tensor` returns undefined and the caller falls back to an ordinary Float32Array: a model whose
 * intermediates do not fit in wasm32's 4 GiB still runs (each convolution then copies its
 * arrays in and out), until the JavaScript heap runs out too.
 */
import type { Tensor } from '../types';
import type { KernelHeap } from './heap';

export class Block {
  /** Scope names (and leases) holding this block. */
  refs = 0;
  freed = false;
  constructor(
    readonly heap: KernelHeap,
    readonly ptr: number,
    /** Floats. */
    readonly length: number,
  ) {}
}

/** A tensor whose floats live in the kernel heap; `data` survives memory growth. */
export class HeapTensor implements Tensor {
  private view: Float32Array;
  private epoch: number;

  constructor(
    readonly shape: number[],
    readonly block: Block,
    /** Offset into the block, in floats. */
    readonly offset: number,
    readonly length: number,
    private readonly arena: BlobArena,
  ) {
    this.view = arena.view(block, offset, length);
    this.epoch = block.heap.growths;
  }

  get data(): Float32Array {
    if (this.epoch !== this.block.heap.growths) {
      this.view = this.arena.view(this.block, this.offset, this.length);
      this.epoch = this.block.heap.growths;
    }
    return this.view;
  }

  set data(_: Float32Array) {
    throw new Error('a heap tensor cannot be given other data');
  }
}

interface Placement {
  block: Block;
  offset: number;
}

export class BlobArena {
  /** Blocks allocated by this run, in order (the runner sweeps a layer's unclaimed ones). */
  readonly allocated: Block[] = [];
  private readonly views = new WeakMap<Float32Array, Placement>();
  private readonly live = new Set<Block>();
  private full = false;
  bytesInUse = 0;
  peakBytes = 0;

  constructor(readonly heap: KernelHeap) {}

  /** A view on the current buffer, remembered so a detached one can still be placed. */
  view(block: Block, offset: number, length: number): Float32Array {
    const v = this.heap.f32(block.ptr + offset * 4, length);
    this.views.set(v, { block, offset });
    return v;
  }

  /** A new heap tensor (zeroed when `zero`), or undefined when the heap cannot hold it. */
  tensor(shape: number[], length: number, zero: boolean): HeapTensor | undefined {
    if (this.full) return undefined;
    let ptr: number;
    try {
      ptr = this.heap.alloc(length * 4);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      // From here on this run's tensors are ordinary arrays; freed blocks are not retried, so a
      // run does not thrash between the two.
      this.full = true;
      return undefined;
    }
    const block = new Block(this.heap, ptr, length);
    this.allocated.push(block);
    this.live.add(block);
    this.bytesInUse += length * 4;
    if (this.bytesInUse > this.peakBytes) this.peakBytes = this.bytesInUse;
    const t = new HeapTensor(shape, block, 0, length, this);
    if (zero) t.data.fill(0);
    return t;
  }

  /** Copies `t` into the heap (a model input the kernels may then use in place). */
  copyIn(t: Tensor): Tensor {
    const h = this.tensor([...t.shape], t.data.length, false);
    if (!h) return t;
    h.data.set(t.data);
    return h;
  }

  /** Where a heap array lives: one this arena made (even if detached since), or a live sub-view of a live block. */
  placement(data: Float32Array): Placement | undefined {
    const known = this.views.get(data);
    if (known) return known.block.freed ? undefined : known;
    if (!this.heap.holds(data)) return undefined;
    const ptr = data.byteOffset;
    for (const block of this.live) {
      if (ptr >= block.ptr && ptr + data.byteLength <= block.ptr + block.length * 4) {
        const offset = (ptr - block.ptr) / 4;
        this.views.set(data, { block, offset });
        return { block, offset };
      }
    }
    return undefined;
  }

  /** `t` as a HeapTensor when its data is in one of this run's blocks, else `t` itself. */
  adopt(t: Tensor): Tensor {
    if (t instanceof HeapTensor && t.block.heap === this.heap) return t;
    const p = this.placement(t.data);
    if (!p) return t;
    let length = 1;
    for (const d of t.shape) length *= d;
    return new HeapTensor([...t.shape], p.block, p.offset, length, this);
  }

  /** A tensor of `shape` over the same floats as `data` (reshapes, squeezes: no copy). */
  alias(shape: number[], data: Float32Array, length: number): HeapTensor | undefined {
    const p = this.placement(data);
    return p ? new HeapTensor(shape, p.block, p.offset, length, this) : undefined;
  }

  retain(t: Tensor): void {
    if (t instanceof HeapTensor) t.block.refs++;
  }

  release(t: Tensor): void {
    if (!(t instanceof HeapTensor)) return;
    const b = t.block;
    if (--b.refs <= 0) this.free(b);
  }

  /** Frees the blocks allocated since `from` that nobody holds (a layer's temporaries). */
  sweep(from: number): void {
    for (let i = from; i < this.allocated.length; i++) {
      const b = this.allocated[i];
      if (!b.freed && b.refs <= 0) this.free(b);
    }
    // What is still held is tracked by `live`; a block that loses its last holder later is freed then.
    this.allocated.length = from;
  }

  private free(b: Block): void {
    if (b.freed) return;
    b.freed = true;
    this.live.delete(b);
    this.bytesInUse -= b.length * 4;
    this.heap.release(b.ptr);
  }

  /**
   * Hands the blocks of `tensors` to the caller: they outlive the run until `release` is called
   * (returned views), then free them. Every other block of the run is freed by `freeAll`.
   */
  lease(tensors: Iterable<Tensor>): () => void {
    const blocks = new Set<Block>();
    for (const t of tensors) if (t instanceof HeapTensor && !t.block.freed) blocks.add(t.block);
    for (const b of blocks) this.live.delete(b);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const b of blocks) {
        if (b.freed) continue;
        b.freed = true;
        this.heap.release(b.ptr);
      }
    };
  }

  /** Frees every block of the run that was not leased. */
  freeAll(): void {
    for (const b of [...this.live]) this.free(b);
    this.allocated.length = 0;
  }
}
