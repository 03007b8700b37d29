/**
 * FusedBatchNorm gradient on wasm as ONE kernel: two passes over x and dy instead of ~12 tfjs
 * ops.
 *
 * Why: tfjs's FusedBatchNorm gradient builds dx as dy * tile(rsqrt(var + eps)) * scale and each
 * of dmean, dvariance, dscale, doffset from its own full-size products and sums; on wasm the Tile
 * alone took ~0.4 s of a crnn training step and the broadcasting Multiply/Sum calls most of the
 * rest of the batch-norm backward. With r = rsqrt(var + eps), s = scale (1 when absent),
 * S1 = sum(dy) and S2 = sum((x - mean) * dy) over all axes but the last (channels):
 *   dx = dy * r * s,  dmean = -r * s * S1,  dvariance = -0.5 * r^3 * s * S2,
 *   dscale = r * S2,  doffset = S1,
 * the same quantities tfjs computes (sums here in float64, so they differ only by rounding).
 * The gradient is registered for every backend (tfjs keeps one per kernel name) and hands any
 * backend other than wasm, and any shape other than per-channel statistics, to tfjs's own.
 */
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array;
}

/** Kernel name of the fused backward pass (wasm only). */
export const BATCH_NORM_GRAD = 'HibikiBatchNormGrad';

/** Pixels per block in `channelSums`: both blocks of x and dy stay in L1 across the channel loop. */
const SUM_BLOCK = 256;

/**
 * Per-channel sums S1 = sum(dy), S2 = sum((x - mean) * dy) over x, dy of `c` channels (last
 * axis). Channel-outer within blocks of pixels, so each partial sum stays in a register (4x
 * faster than updating per-channel arrays element by element).
 */
export function channelSums(x: Float32Array, dy: Float32Array, mean: Float32Array, c: number): { s1: Float64Array; s2: Float64Array } {
  const s1 = new Float64Array(c);
  const s2 = new Float64Array(c);
  const step = SUM_BLOCK * c;
  for (let b = 0; b < x.length; b += step) {
    const end = Math.min(x.length, b + step);
    for (let ch = 0; ch < c; ch++) {
      const m = mean[ch]!;
      let a1 = 0;
      let a2 = 0;
      for (let p = b + ch; p < end; p += c) {
        const g = dy[p]!;
        a1 += g;
        a2 += (x[p]! - m) * g;
      }
      s1[ch] = s1[ch]! + a1;
      s2[ch] = s2[ch]! + a2;
    }
  }
  return { s1, s2 };
}

/** out[p] = v[p] * scale[p mod C] for C = scale.length (a per-channel scale of a channels-last tensor). */
export function scaleChannels(v: Float32Array, scale: Float32Array, out: Float32Array): void {
  const c = scale.length;
  for (let p = 0, ch = 0; p < out.length; p++) {
    out[p] = v[p]! * scale[ch]!;
    if (++ch === c) ch = 0;
  }
}

function batchNormGrad(args: Parameters<tf.KernelFunc>[0]): Info[] {
  const { x, mean, variance, scale, dy } = args.inputs as { x: Info; mean: Info; variance: Info; scale?: Info; dy: Info };
  const eps = (args.attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
  const backend = args.backend as unknown as WasmHeapBackend;
  const c = mean.shape[0]!;
  const outs = [backend.makeOutput(x.shape, 'float32'), ...[0, 1, 2, 3].map(() => backend.makeOutput([c], 'float32'))];
  // Views after every makeOutput: allocating may grow (and detach) the heap.
  const view = (t: Info): Float32Array => backend.typedArrayFromHeap(t);
  const [xv, mv, vv, dyv] = [view(x), view(mean), view(variance), view(dy)];
  const sv = scale === undefined ? undefined : view(scale);
  const [dx, dMean, dVar, dScale, dOffset] = outs.map(view) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const { s1, s2 } = channelSums(xv, dyv, mv, c);
  const rs = new Float32Array(c);
  for (let ch = 0; ch < c; ch++) {
    const r = 1 / Math.sqrt(vv[ch]! + eps);
    const s = sv === undefined ? 1 : sv[ch]!;
    rs[ch] = r * s;
    dMean[ch] = -r * s * s1[ch]!;
    dVar[ch] = -0.5 * r * r * r * s * s2[ch]!;
    dScale[ch] = r * s2[ch]!;
    dOffset[ch] = s1[ch]!;
  }
  scaleChannels(dyv, rs, dx);
  return outs;
}

function perChannel(x: tf.Tensor, stats: (tf.Tensor | undefined)[]): boolean {
  const c = x.shape[x.rank - 1];
  return x.dtype === 'float32' && stats.every((t) => t === undefined || (t.rank === 1 && t.shape[0] === c && t.dtype === 'float32'));
}

let installed = false;

/** Registers the wasm kernel and routes the FusedBatchNorm gradient through it on wasm. Idempotent. */
export function installBatchNormGrad(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({ kernelName: BATCH_NORM_GRAD, backendName: 'wasm', kernelFunc: batchNormGrad as unknown as tf.KernelFunc });
  const original = tf.getGradient(tf.FusedBatchNorm);
  if (original === undefined) throw new Error('internal: tfjs has no FusedBatchNorm gradient to wrap');
  tf.registerGradient({
    kernelName: tf.FusedBatchNorm,
    inputsToSave: original.inputsToSave ?? ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const g = dy as tf.Tensor;
      if (tf.getBackend() !== 'wasm' || !perChannel(x, [mean, variance, scale ?? undefined]) || g.dtype !== 'float32') {
        return original.gradFunc(dy, saved, attrs);
      }
      const inputs: tf.NamedTensorMap = scale == null ? { x, mean, variance, dy: g } : { x, mean, variance, scale, dy: g };
      const [dx, dMean, dVar, dScale, dOffset] = tf.engine().runKernel(BATCH_NORM_GRAD, inputs, { varianceEpsilon: (attrs as { varianceEpsilon: number }).varianceEpsilon }) as tf.Tensor[];
      // Made outside the per-input thunks (as tfjs's own gradient makes its shared terms), so
      // they live until the backward pass ends; the unused ones are disposed with it.
      return { x: () => dx!, mean: () => dMean!, variance: () => dVar!, scale: () => dScale!, offset: () => dOffset! };
    },
  });
}
