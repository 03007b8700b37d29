/**
 * Two custom kernels for the GRU recurrence (gru-recurrence.ts) on the wasm and cpu backends:
 * the element-wise gate math of one step, forward and backward, in one JavaScript loop over the
 * tensors' memory (wasm heap views; cpu backend arrays). A step then costs two kernel calls
 * (the recurrent matmul and this) instead of about fifteen, which matters because a tfjs
 * kernel call costs tens of microseconds however small the tensors are.
 *
 * Forward `HibikiGruStep`: inputs xp [T, B, 3H] (time-major input projections), hp [B, 3H]
 * (h U + c), h [B, H], mask [T, B] (float 0/1); attrs `t`, `masked`. Outputs h' [B, H] and a
 * cache [B, 4H] = (z, r, n, hn) for the backward kernel.
 * Backward `HibikiGruStepGrad`: inputs dy [T, B, H] (time-major), dhRec [B, H] (dh' U^T part
 * from the next step), dhDir [B, H] (direct part), h [B, H], cache, mask; attrs `t`, `masked`.
 * Outputs dxp [B, 3H], dhp [B, 3H] (gradient of h U + c) and the direct part of dh [B, H].
 */
import * as tf from '@tensorflow/tfjs';
import { kernelPair } from './kernel-pair.js';

export const GRU_STEP = 'HibikiGruStep';
export const GRU_STEP_GRAD = 'HibikiGruStepGrad';

type Info = tf.TensorInfo;
interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array;
}
interface CpuLike {
  readSync(dataId: unknown): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): Info;
}

/** Reads inputs and allocates outputs on either backend, then runs `body` on plain arrays. */
function run(backend: unknown, inputs: Info[], outShapes: number[][], body: (ins: Float32Array[], outs: Float32Array[]) => void): Info[] {
  if (typeof (backend as HeapBackend).typedArrayFromHeap === 'function') {
    const wasm = backend as HeapBackend;
    const outs = outShapes.map((s) => wasm.makeOutput(s, 'float32'));
    // Views only after every allocation: growing the heap detaches earlier views.
    body(
      inputs.map((i) => wasm.typedArrayFromHeap(i)),
      outs.map((o) => wasm.typedArrayFromHeap(o)),
    );
    return outs;
  }
  const cpu = backend as CpuLike;
  const outArrays = outShapes.map((s) => new Float32Array(s.reduce((a, b) => a * b, 1)));
  body(
    inputs.map((i) => cpu.readSync(i.dataId) as Float32Array),
    outArrays,
  );
  return outArrays.map((a, k) => cpu.makeTensorInfo(outShapes[k]!, 'float32', a));
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
/** tanh through one exp: V8's Math.tanh is several times slower, and this loop is hot. */
const tanh = (v: number): number => {
  if (v > 20) return 1;
  if (v < -20) return -1;
  const e = Math.exp(2 * v);
  return (e - 1) / (e + 1);
};

const stepForward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { xp, hp, h, mask } = inputs as { xp: Info; hp: Info; h: Info; mask: Info };
  const { t, masked } = attrs as { t: number; masked: boolean };
  const [b, hh] = h.shape as [number, number];
  return run(backend, [xp, hp, h, mask], [[b, hh], [b, 4 * hh]], ([X, HP, Hs, M], [OUT, CACHE]) => {
    const h3 = 3 * hh;
    for (let i = 0; i < b; i++) {
      const xo = (t * b + i) * h3;
      const po = i * h3;
      const ho = i * hh;
      const co = i * 4 * hh;
      const m = masked ? M![t * b + i]! : 1;
      for (let j = 0; j < hh; j++) {
        const z = sigmoid(X![xo + j]! + HP![po + j]!);
        const r = sigmoid(X![xo + hh + j]! + HP![po + hh + j]!);
        const hn = HP![po + 2 * hh + j]!;
        const n = tanh(X![xo + 2 * hh + j]! + r * hn);
        const prev = Hs![ho + j]!;
        const next = n + z * (prev - n);
        OUT![ho + j] = prev + m * (next - prev);
        CACHE![co + j] = z;
        CACHE![co + hh + j] = r;
        CACHE![co + 2 * hh + j] = n;
        CACHE![co + 3 * hh + j] = hn;
      }
    }
  });
};

const stepBackward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, dhRec, dhDir, h, cache, mask } = inputs as { dy: Info; dhRec: Info; dhDir: Info; h: Info; cache: Info; mask: Info };
  const { t, masked } = attrs as { t: number; masked: boolean };
  const [b, hh] = h.shape as [number, number];
  return run(backend, [dy, dhRec, dhDir, h, cache, mask], [[b, 3 * hh], [b, 3 * hh], [b, hh]], ([DY, DR, DD, Hs, C, M], [DXP, DHP, DHO]) => {
    const h3 = 3 * hh;
    for (let i = 0; i < b; i++) {
      const yo = (t * b + i) * hh;
      const ho = i * hh;
      const co = i * 4 * hh;
      const go = i * h3;
      const m = masked ? M![t * b + i]! : 1;
      for (let j = 0; j < hh; j++) {
        const gAll = DY![yo + j]! + DR![ho + j]! + DD![ho + j]!;
        const g = m * gAll;
        const z = C![co + j]!;
        const r = C![co + hh + j]!;
        const n = C![co + 2 * hh + j]!;
        const hn = C![co + 3 * hh + j]!;
        const dan = g * (1 - z) * (1 - n * n);
        const dzp = g * (Hs![ho + j]! - n) * z * (1 - z);
        const drp = dan * hn * r * (1 - r);
        DXP![go + j] = dzp;
        DXP![go + hh + j] = drp;
        DXP![go + 2 * hh + j] = dan;
        DHP![go + j] = dzp;
        DHP![go + hh + j] = drp;
        DHP![go + 2 * hh + j] = dan * r;
        DHO![ho + j] = g * z + (gAll - g);
      }
    }
  });
};

const kernels = kernelPair(GRU_STEP, stepForward, GRU_STEP_GRAD, stepBackward);

/** True when the current backend has the fused step kernels (registers them on first call). */
export function hasGruKernels(): boolean {
  return kernels.available();
}
