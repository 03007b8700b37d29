/**
 * Frame gathering for TDNN splicing and the subsampling front: one custom kernel forward and one
 * backward on the wasm and cpu backends, a plain JavaScript loop over the tensors' memory.
 *
 * Why: splicing with `tf.slice` + `tf.concat` is slow on cpu (a slice along time of a
 * [batch, frames, dim] tensor is not contiguous, and tfjs-backend-cpu then copies it element by
 * element through `indexToLoc`: ~390 ms for one [8, 240, 128] slice, and the concat gradient
 * repeats it), and a strided conv needs Conv2DBackpropFilter, which wasm lacks for strides > 1
 * (cpu fallback) and cpu runs as a scalar loop (~8 s for the CTC front). Gathering the taps into
 * one [batch, outFrames, taps*dim] tensor and multiplying by the kernel once is the same maths
 * with one matmul, which both backends do well.
 *
 * Output frame j, tap i reads input frame `j*stride + offsets[i]`; out of range it reads the
 * edge frame (`mode: 'edge'`, Kaldi's splice) or zeros (`mode: 'zero'`, a conv's zero padding).
 * The gradient adds each output slot back into the frame it was read from.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelPair } from './kernel-pair.js';

export const FRAME_GATHER = 'HibikiFrameGather';
export const FRAME_GATHER_GRAD = 'HibikiFrameGatherGrad';

/** How taps outside [0, frames) read: the nearest edge frame, or zeros. */
export type GatherMode = 'edge' | 'zero';

interface GatherAttrs {
  offsets: number[];
  stride: number;
  outFrames: number;
  mode: GatherMode;
  /** Input frames (backward kernel only: the shape of dx). */
  inFrames?: number;
}

type Info = tf.TensorInfo;
interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array;
}
interface CpuLike {
  readSync(dataId: unknown): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): Info;
}

/** Reads the input and allocates the (zeroed) output on wasm or cpu, then runs `body`. */
function run(backend: unknown, input: Info, outShape: number[], body: (x: Float32Array, out: Float32Array) => void): Info {
  if (typeof (backend as HeapBackend).typedArrayFromHeap === 'function') {
    const wasm = backend as HeapBackend;
    const out = wasm.makeOutput(outShape, 'float32');
    // Views only after the allocation: growing the heap detaches earlier views.
    const o = wasm.typedArrayFromHeap(out);
    o.fill(0);
    body(wasm.typedArrayFromHeap(input), o);
    return out;
  }
  const cpu = backend as CpuLike;
  const o = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  body(cpu.readSync(input.dataId) as Float32Array, o);
  return cpu.makeTensorInfo(outShape, 'float32', o);
}

/** Source frame of output frame j, tap i; -1 when it reads zeros. */
function source(j: number, offset: number, a: GatherAttrs, frames: number): number {
  const s = j * a.stride + offset;
  if (s >= 0 && s < frames) return s;
  if (a.mode === 'zero') return -1;
  return s < 0 ? 0 : frames - 1;
}

const gatherForward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: Info };
  const a = attrs as unknown as GatherAttrs;
  const [b, t, d] = x.shape as [number, number, number];
  const n = a.offsets.length;
  return run(backend, x, [b, a.outFrames, n * d], (X, OUT) => {
    for (let bi = 0; bi < b; bi++) {
      for (let j = 0; j < a.outFrames; j++) {
        const oBase = (bi * a.outFrames + j) * n * d;
        for (let i = 0; i < n; i++) {
          const src = source(j, a.offsets[i]!, a, t);
          if (src < 0) continue;
          const xBase = (bi * t + src) * d;
          OUT.set(X.subarray(xBase, xBase + d), oBase + i * d);
        }
      }
    }
  });
};

const gatherBackward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy } = inputs as { dy: Info };
  const a = attrs as unknown as GatherAttrs;
  const t = a.inFrames!;
  const [b, , nd] = dy.shape as [number, number, number];
  const n = a.offsets.length;
  const d = nd / n;
  return run(backend, dy, [b, t, d], (DY, DX) => {
    for (let bi = 0; bi < b; bi++) {
      for (let j = 0; j < a.outFrames; j++) {
        const yBase = (bi * a.outFrames + j) * nd;
        for (let i = 0; i < n; i++) {
          const src = source(j, a.offsets[i]!, a, t);
          if (src < 0) continue;
          const xBase = (bi * t + src) * d;
          const y0 = yBase + i * d;
          for (let k = 0; k < d; k++) DX[xBase + k] = DX[xBase + k]! + DY[y0 + k]!;
        }
      }
    }
  });
};

const kernels = kernelPair(FRAME_GATHER, gatherForward, FRAME_GATHER_GRAD, gatherBackward);

/** True when the current backend has the frame-gather kernels (wasm, cpu) (registers them on first call). */
export function hasFrameGatherKernels(): boolean {
  return kernels.available();
}

/**
 * Gathers frame taps: x [batch, frames, dim] -> [batch, outFrames, offsets.length * dim], where
 * output frame j holds input frames `j*stride + offsets[i]` side by side (tap-major, as a conv
 * kernel [taps, dim, units] flattens). Differentiable. Needs `hasFrameGatherKernels()`.
 */
export function gatherFrames(x: tf.Tensor3D, offsets: number[], stride: number, outFrames: number, mode: GatherMode): tf.Tensor3D {
  const attrs = { offsets, stride, outFrames, mode };
  const inFrames = x.shape[1];
  const f = tf.customGrad((input) => {
    const value = tf.engine().runKernel(FRAME_GATHER, { x: input as tf.Tensor }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor3D;
    const gradFunc = (dy: tf.Tensor): tf.Tensor => tf.engine().runKernel(FRAME_GATHER_GRAD, { dy }, { ...attrs, inFrames } as unknown as tf.NamedAttrMap) as tf.Tensor;
    return { value, gradFunc };
  });
  return f(x) as tf.Tensor3D;
}
