/**
 * Kernel fixes that make @tensorflow/tfjs-backend-wasm (4.22) fit for training.
 *
 * 1. BatchMatMul / _FusedMatMul: the wasm build hands a product to XNNPACK only when neither
 *    operand is transposed; with transposeA or transposeB (every Dense backward pass) it falls to
 *    a scalar triple loop, 10-25x slower. We transpose the operand explicitly (hibiki's
 *    cache-blocked SIMD transpose, ./heap-kernels.ts) and call the original kernel untransposed.
 * 2. Conv2DBackpropFilter is not implemented, so Conv2D/Conv1D layers cannot train. It is added
 *    as im2col (a JS patch gather over the heap) + one XNNPACK matmul, any stride
 *    (./conv2d-grad.ts). The native Conv3DBackpropFilterV2 is a scalar loop and wrong for
 *    strides > 1, so it is not used. The native Conv2DBackpropInput (also a scalar loop) is
 *    replaced the same way: one matmul, then col2im.
 * 3. Slice copies its WHOLE input out of the wasm heap (readSync) on every call, so taking one
 *    frame of a [3200, 768] tensor moves 9.8 MB; a recurrent layer slicing per step spent most
 *    of its time there. Re-registered to read through a heap view and copy only the slice.
 * 4. Sum over leading axes (bias gradients) transposed its whole input first; re-registered to
 *    accumulate rows with the colsum heap kernel (./heap-kernels.ts).
 * 5. Every other kernel the cpu backend has and wasm lacks gets a cpu fallback: read the inputs
 *    out of the wasm heap, run the cpu kernel, copy the outputs back. Slow but correct, so no
 *    model dies with "kernel not registered" mid-training.
 *
 * 6. Tile, MaxPoolGrad/AvgPoolGrad and the FusedBatchNorm gradient, for conv blocks: see
 *    ./conv-block-kernels.ts.
 *
 * All fixes are checked against the cpu backend by test/unit/nn/wasm-kernels.test.ts (the conv
 * gradients also by test/unit/nn/wasm-conv2d-grad.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterIm2col, conv2dBackpropInputCol2im } from './conv2d-grad.js';
import { installConvBlockKernels } from './conv-block-kernels.js';
import { heapKernelsOf, type WasmBackendLike } from './heap-kernels.js';
import { replaceWasmKernel as replaceKernel } from './replace-kernel.js';

type KernelFunc = tf.KernelFunc;
type Backend = tf.KernelBackend;
type Info = tf.TensorInfo;

let installed = false;
/** Kernels on complex64 or string tensors or canvases, which the wasm heap cannot hold. */
const NO_FALLBACK = new Set(['Complex', 'ComplexAbs', 'FFT', 'IFFT', 'Imag', 'Real', 'Draw', 'StaticRegexReplace']);
/** Names of kernels added to wasm (native delegation or cpu fallback), for docs and logs. */
export const wasmFallbackKernels: string[] = [];

function kernelFunc(name: string, backend: string): KernelFunc {
  const k = tf.getKernel(name, backend);
  if (k === undefined) throw new Error(`internal: kernel ${name} missing on ${backend}`);
  return k.kernelFunc;
}

function disposeInfo(backend: Backend, info: Info): void {
  backend.disposeData(info.dataId);
}

/**
 * Swaps the last two axes of `x`: float32 through hibiki's cache-blocked SIMD transpose
 * (./heap-kernels.ts; the backend's Transpose goes element by element), else the wasm Transpose.
 */
function transposeLast2(x: Info, backend: Backend): Info {
  const rank = x.shape.length;
  const heap = x.dtype === 'float32' ? heapKernelsOf(backend) : null;
  if (heap !== null) {
    const b = backend as unknown as WasmBackendLike;
    const rows = x.shape[rank - 2]!;
    const cols = x.shape[rank - 1]!;
    const out = b.makeOutput([...x.shape.slice(0, rank - 2), cols, rows], 'float32') as Info;
    const bytes = rows * cols * 4;
    const src = b.getMemoryOffset(x.dataId);
    const dst = b.getMemoryOffset(out.dataId);
    const count = x.shape.slice(0, rank - 2).reduce((a, d) => a * d, 1);
    for (let i = 0; i < count; i++) heap.transpose(src + i * bytes, dst + i * bytes, rows, cols);
    return out;
  }
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return kernelFunc('Transpose', 'wasm')({ inputs: { x }, backend, attrs: { perm } }) as Info;
}

/** Wraps a matmul kernel so the original always runs with transposeA = transposeB = false. */
function untransposed(orig: KernelFunc): KernelFunc {
  return (args) => {
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (attrs.transposeA !== true && attrs.transposeB !== true) return orig(args);
    const inputs = { ...(args.inputs as Record<string, Info>) };
    const temps: Info[] = [];
    const backend = args.backend as Backend;
    if (attrs.transposeA === true) temps.push((inputs['a'] = transposeLast2(inputs['a']!, backend)));
    if (attrs.transposeB === true) temps.push((inputs['b'] = transposeLast2(inputs['b']!, backend)));
    const out = orig({ ...args, inputs, attrs: { ...attrs, transposeA: false, transposeB: false } });
    for (const t of temps) disposeInfo(backend, t);
    return out;
  };
}

/**
 * Sum over the LEADING axes of a float32 tensor (a Dense layer's bias gradient sums dy over the
 * batch) through the colsum heap kernel: the backend's Sum reduces innermost axes only, so it
 * first transposes the whole input element by element. Same summation order, same bits.
 */
function leadingAxesSum(orig: KernelFunc): KernelFunc {
  return (args) => {
    const x = (args.inputs as { x: Info }).x;
    const attrs = args.attrs as { axis: number | number[]; keepDims?: boolean };
    const heap = x.dtype === 'float32' && x.shape.length >= 2 ? heapKernelsOf(args.backend) : null;
    if (heap === null) return orig(args);
    const axes = tf.util.parseAxisParam(attrs.axis, x.shape).sort((a, b) => a - b);
    const k = axes.length;
    if (k === 0 || k >= x.shape.length || axes.some((a, i) => a !== i)) return orig(args);
    const b = args.backend as unknown as WasmHeapBackend & WasmBackendLike;
    const rows = x.shape.slice(0, k).reduce((p, d) => p * d, 1);
    const cols = x.shape.slice(k).reduce((p, d) => p * d, 1);
    const out = b.makeOutput(attrs.keepDims === true ? [...new Array<number>(k).fill(1), ...x.shape.slice(k)] : x.shape.slice(k), 'float32');
    heap.colsum(b.getMemoryOffset(x.dataId), b.getMemoryOffset(out.dataId), rows, cols);
    return out;
  };
}

/** Conv2DBackpropFilter: im2col + one matmul (./conv2d-grad.ts), cpu fallback for the rest. */
function conv2dBackpropFilter(fallback: KernelFunc): KernelFunc {
  return (args) => conv2dBackpropFilterIm2col(args) ?? fallback(args);
}

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array | Int32Array | Uint8Array;
}

/** Slice through heap views: copies only the selected elements (row by row over the last axis). */
function viewSlice(orig: KernelFunc): KernelFunc {
  return (args) => {
    const x = (args.inputs as { x: Info }).x;
    if (x.dtype === 'string' || x.shape.length === 0) return orig(args);
    const attrs = args.attrs as { begin: number | number[]; size: number | number[] };
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as tf.Tensor, attrs.begin, attrs.size) as [number[], number[]];
    const backend = args.backend as unknown as WasmHeapBackend;
    const out = backend.makeOutput(size, x.dtype);
    const total = size.reduce((a, b) => a * b, 1);
    if (total === 0) return out;
    // Views are taken after makeOutput: allocating may grow (and detach) the heap.
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    const rank = x.shape.length;
    const strides = new Array<number>(rank).fill(1);
    for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1]! * x.shape[d + 1]!;
    if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
      const off = begin.reduce((acc, b, d) => acc + b * strides[d]!, 0);
      dst.set(src.subarray(off, off + total));
      return out;
    }
    const row = size[rank - 1]!;
    const idx = new Array<number>(rank - 1).fill(0);
    for (let o = 0; o < total; o += row) {
      let off = begin[rank - 1]!;
      for (let d = 0; d < rank - 1; d++) off += (begin[d]! + idx[d]!) * strides[d]!;
      dst.set(src.subarray(off, off + row), o);
      for (let d = rank - 2; d >= 0; d--) {
        if (++idx[d]! < size[d]!) break;
        idx[d] = 0;
      }
    }
    return out;
  };
}

/** A wasm kernel that runs the cpu implementation on copies of the inputs. */
function cpuFallback(name: string): KernelFunc {
  const cpuKernel = kernelFunc(name, 'cpu');
  return (args) => {
    const cpu = tf.engine().findBackend('cpu');
    if (cpu === null) throw new Error(`internal: cpu backend unavailable for wasm fallback of ${name}`);
    const wasm = args.backend as Backend;
    const cpuInputs: Record<string, Info> = {};
    const made: Info[] = [];
    for (const [key, info] of Object.entries(args.inputs as Record<string, Info | undefined>)) {
      if (info === undefined || info === null) continue;
      const values = wasm.readSync(info.dataId) as tf.backend_util.BackendValues;
      const copy = { dataId: cpu.write(values, info.shape, info.dtype), shape: info.shape, dtype: info.dtype };
      cpuInputs[key] = copy;
      made.push(copy);
    }
    const out = cpuKernel({ inputs: cpuInputs, backend: cpu, attrs: args.attrs ?? {} });
    const outs = Array.isArray(out) ? out : [out];
    const back = outs.map((o) => {
      const values = cpu.readSync(o.dataId) as tf.backend_util.BackendValues;
      const info = { dataId: wasm.write(values, o.shape, o.dtype), shape: o.shape, dtype: o.dtype };
      cpu.disposeData(o.dataId);
      return info;
    });
    for (const m of made) cpu.disposeData(m.dataId);
    return Array.isArray(out) ? back : back[0]!;
  };
}

/**
 * Installs the fixes on the registered 'wasm' backend kernels. Idempotent; call before the first
 * wasm op (selectBackend does).
 */
export function installWasmKernelFixes(): void {
  if (installed) return;
  installed = true;
  replaceKernel('BatchMatMul', untransposed);
  replaceKernel('_FusedMatMul', untransposed);
  replaceKernel('Slice', viewSlice);
  replaceKernel('Sum', leadingAxesSum);
  replaceKernel('Conv2DBackpropInput', (orig) => (args) => conv2dBackpropInputCol2im(args) ?? orig(args));
  installConvBlockKernels();

  const wasmNames = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  for (const k of tf.getKernelsForBackend('cpu')) {
    if (wasmNames.has(k.kernelName) || NO_FALLBACK.has(k.kernelName)) continue;
    const fallback = cpuFallback(k.kernelName);
    const impl = k.kernelName === 'Conv2DBackpropFilter' ? conv2dBackpropFilter(fallback) : fallback;
    tf.registerKernel({ kernelName: k.kernelName, backendName: 'wasm', kernelFunc: impl });
    wasmFallbackKernels.push(k.kernelName);
  }
}
