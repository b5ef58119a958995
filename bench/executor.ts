// `npm run bench:executor`: MobileNetV2 224x224 latency (../shared/conformance/convert_mobilenet_v2)
// for our executor against onnxruntime-node and onnxruntime-web (wasm backend) on the same weights,
// 1 and 2 threads, printed as ratios, plus the cost of keeping every intermediate blob.
//
// The ONNX graph is built here from the Core ML model's layers and weights with a minimal protobuf
// writer (field numbers from onnx.proto: ModelProto, GraphProto, NodeProto, TensorProto,
// ValueInfoProto, AttributeProto), so both runtimes see exactly our weights.
//
// Two of our paths are timed:
//  - "executor": runModel from shared/executor (when it exists), the path the app and CLI take,
//    alone, keeping every blob copied out (blobs: 'all') and as heap views (blobViews: true);
//  - "kernels": this file's straight-line run of the same layers on the SIMD kernels, with every
//    tensor in the kernel heap and each clip fused into its convolution: what the kernels allow.
// Rounds interleave the engines (each round starting with the next one) so machine load falls on
// all of them alike; medians are reported, with process CPU time beside wall time (this machine
// is shared).
// Our executor also runs on 2 threads (shared/executor/parallel.ts: a helper worker thread over the
// shared kernel heap), in the same rounds: the engines of our own switch the process-wide kernels
// before each run (the single-threaded heap or the shared one with its helper).
// Exit 1 when our executor (else the kernels path) is slower than onnxruntime-web on 1 thread.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conv2d, gemmGeneral, type Clamp } from '../shared/executor/kernels/conv';
import { decodeNpy } from '../shared/executor/npy';
import { addF32, clampF32, planeMeansF32 } from '../shared/executor/wasm/elementwise';
import { simdKernels, useKernels, type WasmKernels } from '../shared/executor/wasm/kernels';
import { startKernelThreads } from '../shared/executor/parallel';
import { Worker } from 'node:worker_threads';
import type { HeapF32 } from '../shared/executor/wasm/heap';
import { decodeModel } from '../shared/format/model';
import type { Model } from '../shared/format';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const caseDir = resolve(root, '..', 'shared', 'conformance', 'convert_mobilenet_v2');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

// ---------------------------------------------------------------------------------------------
// Minimal protobuf writer for the ONNX messages we need.

class ProtoWriter {
  private buf = new Uint8Array(1024);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private varint(v: number): void {
    this.ensure(10);
    // Non-negative values up to 2^53 (ONNX dims, enums, lengths).
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.len++] = v;
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  int(field: number, v: number): this {
    if (v < 0) throw new Error('negative varints are not needed here');
    this.tag(field, 0);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, 5);
    this.ensure(4);
    new DataView(this.buf.buffer).setFloat32(this.len, v, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2);
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const msg = (build: (w: ProtoWriter) => void): Uint8Array => {
  const w = new ProtoWriter();
  build(w);
  return w.finish();
};

// onnx.proto TensorProto.DataType
const FLOAT = 1;
const INT64 = 7;
// onnx.proto AttributeProto.AttributeType
const ATTR_INT = 2;
const ATTR_INTS = 7;

/** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian). */
function tensorProto(name: string, dims: number[], data: Float32Array | BigInt64Array): Uint8Array {
  return msg((w) => {
    for (const d of dims) w.int(1, d);
    w.int(2, data instanceof Float32Array ? FLOAT : INT64);
    w.string(8, name);
    w.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  });
}

type Attr = { name: string; int: number } | { name: string; ints: number[] };

/** AttributeProto: name = 1, i = 3, ints = 8, type = 20. */
function attributeProto(a: Attr): Uint8Array {
  return msg((w) => {
    w.string(1, a.name);
    if ('int' in a) {
      w.int(3, a.int);
      w.int(20, ATTR_INT);
    } else {
      for (const v of a.ints) w.int(8, v);
      w.int(20, ATTR_INTS);
    }
  });
}

/** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5. */
function nodeProto(op: string, name: string, inputs: string[], outputs: string[], attrs: Attr[] = []): Uint8Array {
  return msg((w) => {
    for (const i of inputs) w.string(1, i);
    for (const o of outputs) w.string(2, o);
    w.string(3, name);
    w.string(4, op);
    for (const a of attrs) w.bytes(5, attributeProto(a));
  });
}

/**
 * ValueInfoProto { name = 1, type = 2 } with TypeProto { tensor_type = 1 },
 * TypeProto.Tensor { elem_type = 1, shape = 2 }, TensorShapeProto { dim = 1 }, Dimension { dim_value = 1 }.
 */
function valueInfoProto(name: string, dims: number[]): Uint8Array {
  const shape = msg((w) => {
    for (const d of dims) w.bytes(1, msg((x) => x.int(1, d)));
  });
  const tensorType = msg((w) => w.int(1, FLOAT).bytes(2, shape));
  return msg((w) => w.string(1, name).bytes(2, msg((x) => x.bytes(1, tensorType))));
}

/** GraphProto { node = 1, name = 2, initializer = 5, input = 11, output = 12 } in ModelProto
 * { ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 { domain = 1, version = 2 } }. */
function modelProto(nodes: Uint8Array[], initializers: Uint8Array[], inputs: Uint8Array[], outputs: Uint8Array[]): Uint8Array {
  const graph = msg((w) => {
    for (const n of nodes) w.bytes(1, n);
    w.string(2, 'mobilenet_v2_from_coreml');
    for (const t of initializers) w.bytes(5, t);
    for (const i of inputs) w.bytes(11, i);
    for (const o of outputs) w.bytes(12, o);
  });
  return msg((w) => {
    w.int(1, 8);
    w.string(2, 'ml-surgeon bench');
    w.bytes(7, graph);
    w.bytes(8, msg((x) => x.string(1, '').int(2, 13)));
  });
}

// ---------------------------------------------------------------------------------------------
// The Core ML network as a list of the few layer kinds MobileNetV2 uses.

interface ConvLayer {
  kind: 'conv';
  name: string;
  input: string;
  output: string;
  inC: number;
  outC: number;
  groups: number;
  k: [number, number];
  stride: [number, number];
  dilation: [number, number];
  /** top, bottom, left, right */
  pad: [number, number, number, number];
  weights: Float32Array;
  bias?: Float32Array;
}
type Layer =
  | ConvLayer
  | { kind: 'clip'; name: string; input: string; output: string; min: number; max: number }
  | { kind: 'add'; name: string; inputs: [string, string]; output: string }
  | { kind: 'globalAvgPool'; name: string; input: string; output: string }
  | { kind: 'reshape'; name: string; input: string; output: string; shape: number[] }
  | { kind: 'dense'; name: string; input: string; output: string; inC: number; outC: number; weights: Float32Array; bias?: Float32Array };

/** runModel's output values as this benchmark reads them (a tensor's data, or the value's own). */
type OutputValue = { kind: string; tensor?: { data: Float32Array }; data?: Float32Array };

function floats(w: { floatValue?: ArrayLike<number> } | undefined, what: string): Float32Array {
  const v = w?.floatValue;
  if (!v || v.length === 0) throw new Error(`${what}: only float32 weights are handled by this benchmark`);
  return Float32Array.from(v);
}

function readNetwork(spec: Model): { layers: Layer[]; input: string; inputShape: number[]; output: string } {
  const nn = spec.neuralNetwork;
  if (!nn) throw new Error('only a NeuralNetwork model is handled by this benchmark');
  const layers: Layer[] = [];
  for (const l of nn.layers ?? []) {
    const name = l.name ?? '';
    const [input, output] = [l.input?.[0] ?? '', l.output?.[0] ?? ''];
    if (l.convolution) {
      const p = l.convolution;
      if (p.same || p.isDeconvolution) throw new Error(`${name}: only explicit (valid) padding is handled`);
      const b = p.valid?.paddingAmounts?.borderAmounts ?? [];
      const groups = Number(p.nGroups ?? 1) || 1;
      layers.push({
        kind: 'conv', name, input, output,
        inC: Number(p.kernelChannels) * groups, outC: Number(p.outputChannels), groups,
        k: [Number(p.kernelSize?.[0]), Number(p.kernelSize?.[1])],
        stride: [Number(p.stride?.[0]), Number(p.stride?.[1])],
        dilation: [Number(p.dilationFactor?.[0] ?? 1) || 1, Number(p.dilationFactor?.[1] ?? 1) || 1],
        pad: [Number(b[0]?.startEdgeSize ?? 0), Number(b[0]?.endEdgeSize ?? 0), Number(b[1]?.startEdgeSize ?? 0), Number(b[1]?.endEdgeSize ?? 0)],
        weights: floats(p.weights, name),
        bias: p.hasBias ? floats(p.bias, name) : undefined,
      });
    } else if (l.clip) {
      layers.push({ kind: 'clip', name, input, output, min: Number(l.clip.minVal ?? 0), max: Number(l.clip.maxVal ?? 0) });
    } else if (l.add) {
      if (l.input?.length !== 2 || l.add.alpha) throw new Error(`${name}: only a two-input add is handled`);
      layers.push({ kind: 'add', name, inputs: [l.input[0], l.input[1]], output });
    } else if (l.pooling) {
      if (!l.pooling.globalPooling || Number(l.pooling.type) !== 1) throw new Error(`${name}: only global average pooling is handled`);
      layers.push({ kind: 'globalAvgPool', name, input, output });
    } else if (l.reshapeStatic) {
      layers.push({ kind: 'reshape', name, input, output, shape: (l.reshapeStatic.targetShape ?? []).map(Number) });
    } else if (l.innerProduct) {
      const p = l.innerProduct;
      layers.push({
        kind: 'dense', name, input, output, inC: Number(p.inputChannels), outC: Number(p.outputChannels),
        weights: floats(p.weights, name), bias: p.hasBias ? floats(p.bias, name) : undefined,
      });
    } else {
      throw new Error(`${name}: layer type ${Object.keys(l).join(',')} is not handled by this benchmark`);
    }
  }
  const inp = spec.description?.input?.[0];
  return { layers, input: inp?.name ?? '', inputShape: (inp?.type?.multiArrayType?.shape ?? []).map(Number), output: spec.description?.output?.[0]?.name ?? '' };
}

function onnxFromNetwork(net: ReturnType<typeof readNetwork>): Uint8Array {
  const nodes: Uint8Array[] = [];
  const inits: Uint8Array[] = [];
  for (const l of net.layers) {
    switch (l.kind) {
      case 'conv': {
        inits.push(tensorProto(`${l.name}.W`, [l.outC, l.inC / l.groups, l.k[0], l.k[1]], l.weights));
        const ins = [l.input, `${l.name}.W`];
        if (l.bias) {
          inits.push(tensorProto(`${l.name}.B`, [l.outC], l.bias));
          ins.push(`${l.name}.B`);
        }
        nodes.push(nodeProto('Conv', l.name, ins, [l.output], [
          { name: 'group', int: l.groups },
          { name: 'kernel_shape', ints: l.k },
          { name: 'strides', ints: l.stride },
          { name: 'dilations', ints: l.dilation },
          // ONNX pads: [y_begin, x_begin, y_end, x_end].
          { name: 'pads', ints: [l.pad[0], l.pad[2], l.pad[1], l.pad[3]] },
        ]));
        break;
      }
      case 'clip':
        inits.push(tensorProto(`${l.name}.min`, [], new Float32Array([l.min])));
        inits.push(tensorProto(`${l.name}.max`, [], new Float32Array([l.max])));
        nodes.push(nodeProto('Clip', l.name, [l.input, `${l.name}.min`, `${l.name}.max`], [l.output]));
        break;
      case 'add':
        nodes.push(nodeProto('Add', l.name, l.inputs, [l.output]));
        break;
      case 'globalAvgPool':
        nodes.push(nodeProto('GlobalAveragePool', l.name, [l.input], [l.output]));
        break;
      case 'reshape':
        inits.push(tensorProto(`${l.name}.shape`, [l.shape.length], BigInt64Array.from(l.shape.map(BigInt))));
        nodes.push(nodeProto('Reshape', l.name, [l.input, `${l.name}.shape`], [l.output]));
        break;
      case 'dense': {
        inits.push(tensorProto(`${l.name}.W`, [l.outC, l.inC], l.weights));
        const ins = [l.input, `${l.name}.W`];
        if (l.bias) {
          inits.push(tensorProto(`${l.name}.B`, [l.outC], l.bias));
          ins.push(`${l.name}.B`);
        }
        nodes.push(nodeProto('Gemm', l.name, ins, [l.output], [{ name: 'transB', int: 1 }]));
        break;
      }
    }
  }
  return modelProto(nodes, inits, [valueInfoProto(net.input, net.inputShape)], [valueInfoProto(net.output, [1, 1000])]);
}

// ---------------------------------------------------------------------------------------------
// The kernels path: the same layers straight on the SIMD kernels, every tensor in the kernel heap.

interface Blob {
  shape: number[];
  t: HeapF32;
}

function kernelsRunner(net: ReturnType<typeof readNetwork>) {
  const kernels = simdKernels();
  if (!kernels) throw new Error('this Node has no WebAssembly SIMD');
  const heap = kernels.heap;
  // Weights are adopted into the heap once, as an executor would at load time.
  const weights = new Map<string, { w: HeapF32; b?: HeapF32 }>();
  for (const l of net.layers) {
    if (l.kind === 'conv' || l.kind === 'dense') weights.set(l.name, { w: heap.adopt(l.weights), b: l.bias && heap.adopt(l.bias) });
  }
  // Readers of each blob, to fuse a clip into the convolution that alone feeds it, and to free a
  // blob after its last reader.
  const readers = new Map<string, number>();
  for (const l of net.layers) for (const i of l.kind === 'add' ? l.inputs : [l.input]) readers.set(i, (readers.get(i) ?? 0) + 1);

  return (image: Float32Array, keepAll: boolean): { logits: Float32Array; blobs: number; bytes: number } => {
    const blobs = new Map<string, Blob>();
    const input = heap.allocF32(image.length);
    input.data.set(image);
    blobs.set(net.input, { shape: net.inputShape.slice(1), t: input });
    const left = new Map(readers);
    const release = (name: string) => {
      const n = (left.get(name) ?? 1) - 1;
      left.set(name, n);
      if (n === 0 && !keepAll) blobs.get(name)!.t.free();
    };
    let kept = 0;
    let keptBytes = 0;
    const put = (name: string, shape: number[], t: HeapF32) => {
      blobs.set(name, { shape, t });
      kept++;
      keptBytes += t.length * 4;
    };
    for (let i = 0; i < net.layers.length; i++) {
      const l = net.layers[i];
      switch (l.kind) {
        case 'conv': {
          const x = blobs.get(l.input)!;
          const [C, H, W] = x.shape;
          const outH = Math.floor((H + l.pad[0] + l.pad[1] - (l.dilation[0] * (l.k[0] - 1) + 1)) / l.stride[0]) + 1;
          const outW = Math.floor((W + l.pad[2] + l.pad[3] - (l.dilation[1] * (l.k[1] - 1) + 1)) / l.stride[1]) + 1;
          const next = net.layers[i + 1];
          const fuse = !keepAll && next?.kind === 'clip' && next.input === l.output && readers.get(l.output) === 1;
          const activation: Clamp | undefined = fuse ? { min: next.min, max: next.max } : undefined;
          const out = heap.allocF32(l.outC * outH * outW);
          const wb = weights.get(l.name)!;
          // Views are taken after the allocation: it may have grown (and detached) the memory.
          conv2d({
            input: x.t.data, inC: C, inH: H, inW: W, weights: wb.w.data, outC: l.outC, kH: l.k[0], kW: l.k[1],
            strideY: l.stride[0], strideX: l.stride[1], dilationY: l.dilation[0], dilationX: l.dilation[1],
            padTop: l.pad[0], padBottom: l.pad[1], padLeft: l.pad[2], padRight: l.pad[3], groups: l.groups,
            bias: wb.b?.data, activation, output: out.data, outH, outW,
          });
          release(l.input);
          if (fuse) {
            put(next.output, [l.outC, outH, outW], out);
            i++;
          } else {
            put(l.output, [l.outC, outH, outW], out);
          }
          break;
        }
        case 'clip': {
          const x = blobs.get(l.input)!;
          const out = heap.allocF32(x.t.length);
          clampF32(x.t.data, out.data, l.min, l.max);
          release(l.input);
          put(l.output, x.shape, out);
          break;
        }
        case 'add': {
          const a = blobs.get(l.inputs[0])!;
          const b = blobs.get(l.inputs[1])!;
          const out = heap.allocF32(a.t.length);
          addF32(a.t.data, b.t.data, out.data);
          release(l.inputs[0]);
          release(l.inputs[1]);
          put(l.output, a.shape, out);
          break;
        }
        case 'globalAvgPool': {
          const x = blobs.get(l.input)!;
          const [C, H, W] = x.shape;
          const out = heap.allocF32(C);
          planeMeansF32(x.t.data, out.data, C, H * W);
          release(l.input);
          put(l.output, [C, 1, 1], out);
          break;
        }
        case 'reshape': {
          const x = blobs.get(l.input)!;
          const out = heap.allocF32(x.t.length);
          out.data.set(x.t.data);
          release(l.input);
          put(l.output, l.shape, out);
          break;
        }
        case 'dense': {
          const x = blobs.get(l.input)!;
          const out = heap.allocF32(l.outC);
          const wb = weights.get(l.name)!;
          gemmGeneral({ M: 1, N: l.outC, K: l.inC, A: x.t.data, B: wb.w.data, transB: true, C: out.data, bias: wb.b?.data });
          release(l.input);
          put(l.output, [l.outC], out);
          break;
        }
      }
    }
    const result = blobs.get(net.output)!;
    const logits = result.t.data.slice();
    if (keepAll) for (const b of blobs.values()) b.t.free();
    else result.t.free();
    return { logits, blobs: kept, bytes: keptBytes };
  };
}

// ---------------------------------------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

interface Engine {
  name: string;
  run(): Promise<Float32Array>;
  wall: number[];
  cpu: number[];
}

async function main(): Promise<void> {
  const modelPath = join(caseDir, 'model.mlmodel');
  if (!existsSync(modelPath)) {
    console.log(`bench:executor skipped: ${modelPath} is absent`);
    return;
  }
  const spec = decodeModel(new Uint8Array(readFileSync(modelPath)));
  const net = readNetwork(spec);
  const image = decodeNpy(new Uint8Array(readFileSync(join(caseDir, 'inputs', 'image.npy')))).data;
  const expected = decodeNpy(new Uint8Array(readFileSync(join(caseDir, 'expected', 'logits.npy')))).data;
  const onnx = onnxFromNetwork(net);
  let macs = 0;
  {
    let shape = net.inputShape.slice(1);
    const shapes = new Map<string, number[]>([[net.input, shape]]);
    for (const l of net.layers) {
      if (l.kind !== 'conv') continue;
      const [, H, W] = shapes.get(l.input) ?? shape;
      const outH = Math.floor((H + l.pad[0] + l.pad[1] - (l.k[0] - 1) - 1) / l.stride[0]) + 1;
      const outW = Math.floor((W + l.pad[2] + l.pad[3] - (l.k[1] - 1) - 1) / l.stride[1]) + 1;
      macs += l.outC * outH * outW * (l.inC / l.groups) * l.k[0] * l.k[1];
      shape = [l.outC, outH, outW];
      shapes.set(l.output, shape);
      // clip / add keep the shape; the next conv reads whichever blob it names.
      for (const m of net.layers) if ((m.kind === 'clip' && m.input === l.output) || (m.kind === 'add' && m.inputs.includes(l.output))) shapes.set(m.output, shape);
    }
  }
  console.log(`MobileNetV2 224x224 (${net.layers.length} Core ML layers, ${(macs / 1e6).toFixed(0)} M multiply-adds in convolutions), ONNX graph ${(onnx.length / 1e6).toFixed(1)} MB built from the same weights`);

  const engines: Engine[] = [];
  // Which kernels (one thread, or two over the shared heap) an engine of ours runs on.
  const single = simdKernels()!;
  let threaded: WasmKernels | undefined;
  const add = (name: string, run: () => Promise<Float32Array>, kernels: WasmKernels | undefined = name.startsWith('ours') ? single : undefined) =>
    engines.push({ name, run: kernels ? () => { useKernels(kernels); return run(); } : run, wall: [], cpu: [] });

  // Our executor (shared/executor/index.ts runModel), when it exists.
  const executorPath = join(root, 'shared', 'executor', 'index.ts');
  let runModel: ((model: unknown, inputs: Map<string, unknown>, options?: { blobs?: 'all'; blobViews?: boolean }) => { outputs: Map<string, OutputValue>; blobs: Map<string, { data: Float32Array }>; release?(): void }) | undefined;
  if (existsSync(executorPath)) {
    try {
      const mod = (await import(executorPath)) as Record<string, unknown>;
      if (typeof mod.runModel === 'function') runModel = mod.runModel as typeof runModel;
    } catch (e) {
      console.log(`shared/executor/index.ts did not load (${(e as Error).message}); timing the kernels path only`);
    }
  }
  if (!runModel) console.log('no runModel in shared/executor yet: the target is checked on the kernels path');
  const feed = () => new Map([[net.input, { kind: 'tensor', tensor: { shape: net.inputShape, data: image.slice() } }]]);
  const outputOf = (r: { outputs: Map<string, OutputValue> }): Float32Array => {
    const v = r.outputs.get(net.output);
    const data = v?.kind === 'tensor' ? v.tensor?.data : v?.data;
    if (!data) throw new Error(`${net.output}: no float output`);
    return data;
  };
  if (runModel) {
    const rm = runModel;
    add('ours: executor (runModel)', async () => outputOf(rm(spec, feed())));
    add('ours: executor, blobs: all (copies)', async () => outputOf(rm(spec, feed(), { blobs: 'all' })));
    add('ours: executor, blobs: all (views)', async () => {
      const r = rm(spec, feed(), { blobs: 'all', blobViews: true });
      r.release?.();
      return outputOf(r);
    });
    const threads = await startKernelThreads((source, onMessage, onError) => {
      const w = new Worker(source, { eval: true });
      w.unref();
      w.on('message', onMessage);
      w.on('error', onError);
      return { postMessage: (m) => w.postMessage(m), terminate: () => void w.terminate() };
    });
    if (threads === 2) {
      threaded = simdKernels()!;
      useKernels(single);
      add('ours: executor (runModel), 2 threads', async () => outputOf(rm(spec, feed())), threaded);
    } else {
      console.log('our executor on 2 threads: the helper thread did not start');
    }
  }
  const kernelsRun = kernelsRunner(net);
  add('ours: kernels path', async () => kernelsRun(image, false).logits);
  add('ours: kernels path, keep every blob', async () => kernelsRun(image, true).logits);

  const ortNode = await import('onnxruntime-node');
  for (const threads of [1, 2]) {
    const session = await ortNode.InferenceSession.create(onnx, {
      intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    });
    add(`onnxruntime-node, ${threads} thread${threads > 1 ? 's' : ''}`, async () => {
      const out = await session.run({ [net.input]: new ortNode.Tensor('float32', image.slice(), net.inputShape) });
      return out[net.output].data as Float32Array;
    });
  }
  // onnxruntime-web's wasm backend fixes its thread count when it first initialises, so the
  // 2-thread session runs in a child process of this script (see the end of the file).
  const ortWeb = await import('onnxruntime-web');
  ortWeb.env.wasm.numThreads = Number(process.env.ORT_WEB_THREADS ?? 1);
  const webThreads = ortWeb.env.wasm.numThreads;
  const webSession = await ortWeb.InferenceSession.create(onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  add(`onnxruntime-web (wasm), ${webThreads} thread${webThreads > 1 ? 's' : ''}`, async () => {
    const out = await webSession.run({ [net.input]: new ortWeb.Tensor('float32', image.slice(), net.inputShape) });
    return out[net.output].data as Float32Array;
  });

  // Agreement first: every engine must compute the same network.
  for (const e of engines) {
    const y = await e.run();
    const d = maxAbsDiff(y, expected);
    console.log(`  ${e.name.padEnd(40)} max |y - PyTorch| = ${d.toExponential(2)}`);
    if (!(d < 1e-2)) throw new Error(`${e.name} disagrees with the expected logits (max abs diff ${d})`);
  }
  for (let r = 0; r < ROUNDS; r++) {
    // Each round starts with another engine: onnxruntime-node's thread pool spins for a while
    // after its runs, which lands on whichever engine comes next (as CPU time in this process, and
    // as a core taken away), so that place goes round. (A pause before each run instead measured
    // worse for the short runs: a core that idled 30 ms starts the next run slowly.)
    for (let k = 0; k < engines.length; k++) {
      const e = engines[(r + k) % engines.length];
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await e.run();
      e.wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      e.cpu.push((c.user + c.system) / 1000);
    }
  }
  useKernels(single);
  const kept = kernelsRun(image, true);
  const web1 = engines.find((e) => e.name.startsWith('onnxruntime-web'))!;
  const node1 = engines.find((e) => e.name === 'onnxruntime-node, 1 thread')!;
  const ours = engines[0];
  console.log(`\n${'engine'.padEnd(40)} ${'wall ms'.padStart(9)} ${'cpu ms'.padStart(9)} ${'vs web'.padStart(8)} ${'cpu vs web'.padStart(11)} ${'vs node1'.padStart(9)}`);
  for (const e of engines) {
    const w = median(e.wall);
    console.log(`${e.name.padEnd(40)} ${w.toFixed(1).padStart(9)} ${median(e.cpu).toFixed(1).padStart(9)} ${(w / median(web1.wall)).toFixed(2).padStart(8)} ${(median(e.cpu) / median(web1.cpu)).toFixed(2).padStart(11)} ${(w / median(node1.wall)).toFixed(2).padStart(9)}`);
  }
  if (runModel) {
    const lean = engines.find((e) => e.name === 'ours: executor (runModel)')!;
    const copies = engines.find((e) => e.name === 'ours: executor, blobs: all (copies)')!;
    const views = engines.find((e) => e.name === 'ours: executor, blobs: all (views)')!;
    const r = runModel(spec, feed(), { blobs: 'all' });
    let bytes = 0;
    for (const t of r.blobs.values()) bytes += t.data.byteLength;
    const cost = (e: Engine) => `+${(median(e.wall) - median(lean.wall)).toFixed(1)} ms wall, +${(median(e.cpu) - median(lean.cpu)).toFixed(1)} ms cpu`;
    console.log(`\nkeeping every intermediate (executor, ${r.blobs.size} blobs, ${(bytes / 1e6).toFixed(1)} MB): copied out ${cost(copies)}; as heap views ${cost(views)}`);
  }
  const keep = engines.find((e) => e.name === 'ours: kernels path, keep every blob')!;
  const lean = engines.find((e) => e.name === 'ours: kernels path')!;
  console.log(`\nkeeping every intermediate (kernels path): ${kept.blobs} blobs, ${(kept.bytes / 1e6).toFixed(1)} MB in the kernel heap, ` +
    `${(median(keep.wall) - median(lean.wall)).toFixed(1)} ms (no clip fused, nothing freed; no copies: a blob is a heap view)`);
  console.log(`kernel heap: ${(single.heap.memory.buffer.byteLength / 1e6).toFixed(1)} MB` +
    (threaded ? ` (the 2-thread executor's shared heap: ${(threaded.heap.memory.buffer.byteLength / 1e6).toFixed(1)} MB)` : ''));
  console.log(`(ratios are wall-time medians of ${ROUNDS} interleaved rounds; "vs web" is against onnxruntime-web on ${webThreads} thread${webThreads > 1 ? 's' : ''})`);

  const ours2 = engines.find((e) => e.name === 'ours: executor (runModel), 2 threads');
  const node2 = engines.find((e) => e.name === 'onnxruntime-node, 2 threads')!;
  if (ours2) {
    const o2 = median(ours2.wall);
    console.log(`\nours on 2 threads: ${o2.toFixed(1)} ms wall (1 thread ${median(ours.wall).toFixed(1)} ms: speed-up ${(median(ours.wall) / o2).toFixed(2)}x; cpu ${median(ours2.cpu).toFixed(1)} vs ${median(ours.cpu).toFixed(1)} ms); ` +
      `vs onnxruntime-node 2 threads ${(o2 / median(node2.wall)).toFixed(2)}, vs onnxruntime-node 1 thread ${(o2 / median(node1.wall)).toFixed(2)}, vs onnxruntime-web 1 thread ${(o2 / median(web1.wall)).toFixed(2)}`);
  }
  if (webThreads === 1 && !process.env.ORT_WEB_THREADS) {
    // onnxruntime-web with 2 threads, in a child process (its thread count is fixed at init).
    const { spawnSync } = await import('node:child_process');
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, ORT_WEB_THREADS: '2', BENCH_WEB_ONLY: '1' }, encoding: 'utf8',
    });
    const line = /web-only wall ([\d.]+)/.exec(child.stdout ?? '');
    if (line) {
      const w2 = Number(line[1]);
      console.log(`onnxruntime-web (wasm), 2 threads: ${w2.toFixed(1)} ms wall; ours (${ours.name}) / it = ${(median(ours.wall) / w2).toFixed(2)}` +
        (ours2 ? `; ours on 2 threads / it = ${(median(ours2.wall) / w2).toFixed(2)}` : ''));
    } else {
      console.log(`onnxruntime-web with 2 threads did not run in this host: ${(child.stderr || child.stdout || '').trim().split('\n').slice(-2).join(' ')}`);
    }
  }

  const oursMs = median(ours.wall);
  const webMs = median(web1.wall);
  console.log(`\ntarget: ${ours.name} faster than onnxruntime-web on 1 thread: ${oursMs.toFixed(1)} ms vs ${webMs.toFixed(1)} ms -> ${oursMs < webMs ? 'met' : 'MISSED'}`);
  console.log(`stretch: within 3x of onnxruntime-node on 1 thread: ${(oursMs / median(node1.wall)).toFixed(2)}x -> ${oursMs <= 3 * median(node1.wall) ? 'met' : 'missed'}`);
  if (!(oursMs < webMs)) process.exitCode = 1;
}

async function webOnly(): Promise<void> {
  const spec = decodeModel(new Uint8Array(readFileSync(join(caseDir, 'model.mlmodel'))));
  const net = readNetwork(spec);
  const image = decodeNpy(new Uint8Array(readFileSync(join(caseDir, 'inputs', 'image.npy')))).data;
  const ortWeb = await import('onnxruntime-web');
  ortWeb.env.wasm.numThreads = Number(process.env.ORT_WEB_THREADS);
  const session = await ortWeb.InferenceSession.create(onnxFromNetwork(net), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const run = () => session.run({ [net.input]: new ortWeb.Tensor('float32', image.slice(), net.inputShape) });
  await run();
  const wall: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    await run();
    wall.push(performance.now() - t0);
  }
  console.log(`web-only wall ${median(wall)}`);
  process.exit(0);
}

await (process.env.BENCH_WEB_ONLY ? webOnly() : main());
// Every figure is printed: end here. Something the references started (onnxruntime's threads or a
// worker) kept the process alive after main returned, so `npm run bench`, which runs this last,
// never finished (seen 2026-11-28: the last line printed, then 20 minutes of nothing).
process.exit(process.exitCode ?? 0);
