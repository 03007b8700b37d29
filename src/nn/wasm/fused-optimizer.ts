/**
 * Fused optimiser updates on the wasm backend: ONE kernel call per variable computes the new
 * weights and moments in a single SIMD pass (./heap-kernels.ts) where the tf-op form of
 * src/train/optimizers.ts makes about 13 calls, each a full pass over memory. Same f32 operations
 * in the same order, so the results are the tf-op path's bits. Registered as ordinary tfjs kernels
 * (`HibikiAdamUpdate`, `HibikiSgdUpdate`), so outputs are tracked by `tf.tidy` like any op; inputs
 * are never modified (a variable's buffer may be shared with other tensors).
 */
import * as tf from '@tensorflow/tfjs';
import { heapKernelsOf, type AdamKind, type HeapKernels, type SgdKind, type WasmBackendLike } from './heap-kernels.js';

type Info = tf.TensorInfo;

/** Scalars of one Adam(W) update (see AdamFn in heap-kernels.ts). */
export interface FusedAdamParams {
  kind: AdamKind;
  beta1: number;
  beta2: number;
  /** sqrt(1 - beta2^t). */
  sqrtBc2: number;
  epsilon: number;
  /** lr / (1 - beta1^t). */
  stepSize: number;
  /** `l2`: the weight decay; `decay`: 1 - lr*wd; `plain`: unused. */
  extra: number;
}

/** Scalars of one SGD update. */
export interface FusedSgdParams {
  kind: SgdKind;
  lr: number;
  momentum: number;
  /** Coupled L2 weight decay (0: none). */
  weightDecay: number;
}

const ADAM = 'HibikiAdamUpdate';
const SGD = 'HibikiSgdUpdate';

/** Heap kernels of the current backend when it is wasm and they work there, else null. */
export function activeHeapKernels(): HeapKernels | null {
  if (tf.getBackend() !== 'wasm') return null;
  return heapKernelsOf(tf.backend());
}

function register(): void {
  if (tf.getKernel(ADAM, 'wasm') !== undefined) return;
  tf.registerKernel({
    kernelName: ADAM,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { w, g, m, v } = inputs as Record<'w' | 'g' | 'm' | 'v', Info>;
      const p = attrs as unknown as FusedAdamParams;
      const b = backend as unknown as WasmBackendLike;
      const outs = [b.makeOutput(w.shape, 'float32'), b.makeOutput(w.shape, 'float32'), b.makeOutput(w.shape, 'float32')];
      const [wo, mo, vo] = outs.map((o) => b.getMemoryOffset(o.dataId));
      const at = (x: Info): number => b.getMemoryOffset(x.dataId);
      heapKernelsOf(backend)!.adam[p.kind](at(w), at(g), at(m), at(v), wo!, mo!, vo!, tf.util.sizeFromShape(w.shape),
        p.beta1, 1 - p.beta1, p.beta2, 1 - p.beta2, p.sqrtBc2, p.epsilon, p.stepSize, p.extra);
      return outs;
    },
  });
  tf.registerKernel({
    kernelName: SGD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { w, g, buf } = inputs as Record<'w' | 'g', Info> & { buf?: Info };
      const p = attrs as unknown as FusedSgdParams;
      const b = backend as unknown as WasmBackendLike;
      const outs = [b.makeOutput(w.shape, 'float32')];
      if (buf !== undefined) outs.push(b.makeOutput(w.shape, 'float32'));
      const at = (x: Info): number => b.getMemoryOffset(x.dataId);
      const fn = heapKernelsOf(backend)!.sgd[p.kind][p.weightDecay > 0 ? 1 : 0];
      const bufAt = buf === undefined ? 0 : at(buf);
      const bufOut = buf === undefined ? 0 : at(outs[1]!);
      fn(at(w), at(g), bufAt, at(outs[0]!), bufOut, tf.util.sizeFromShape(w.shape), p.lr, p.momentum, p.weightDecay);
      return outs;
    },
  });
}

function usable(tensors: tf.Tensor[]): boolean {
  const shape = tensors[0]!.shape.join('x');
  return tensors.every((t) => t.dtype === 'float32' && t.shape.join('x') === shape) && activeHeapKernels() !== null;
}

/**
 * One fused Adam(W) update of a variable.
 * @param w weights, g gradient, m and v the moments: float32, all the same shape
 * @returns the new [w, m, v] (new tensors), or null when the fused kernel cannot run here (then
 *   use the tf-op path)
 */
export function fusedAdamUpdate(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, p: FusedAdamParams): [tf.Tensor, tf.Tensor, tf.Tensor] | null {
  if (!usable([w, g, m, v])) return null;
  register();
  const out = tf.engine().runKernel(ADAM, { w, g, m, v }, p as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return [out[0]!, out[1]!, out[2]!];
}

/**
 * One fused SGD update (plain, momentum or Nesterov, optional coupled L2).
 * @param buf the momentum buffer (null for `plain`)
 * @returns the new [w, buf] (buf null for `plain`), or null when the fused kernel cannot run here
 */
export function fusedSgdUpdate(w: tf.Tensor, g: tf.Tensor, buf: tf.Tensor | null, p: FusedSgdParams): [tf.Tensor, tf.Tensor | null] | null {
  if ((p.kind === 'plain') !== (buf === null) || !usable(buf === null ? [w, g] : [w, g, buf])) return null;
  register();
  const inputs: tf.NamedTensorMap = buf === null ? { w, g } : { w, g, buf };
  const out = tf.engine().runKernel(SGD, inputs, p as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return [out[0]!, out[1] ?? null];
}
