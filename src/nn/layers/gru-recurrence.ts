/**
 * The GRU recurrence as one differentiable op with a hand-written backward pass (BPTT).
 * Autodiff through a per-step graph costs tfjs dearly: every slice's gradient is a full-size pad,
 * every saved tensor a clone, and the weight gradients are T separate matmuls. On wasm and cpu
 * each step is one matmul plus one custom gate kernel (gru-kernels.ts) forward and the same
 * backward; on other backends it falls back to ~13 standard ops forward and ~20 backward. The
 * recurrent weight gradient is one matmul over all steps at the end.
 *
 * Cell (reset after the recurrent product): with xp = x W + b precomputed for all frames,
 *   [hz hr hn] = h U + c,  z = σ(xz + hz),  r = σ(xr + hr),  n = tanh(xn + r ⊙ hn),
 *   h' = n + z ⊙ (h − n),  and with a mask m ∈ {0,1}: h' ← h + m ⊙ (h' − h).
 */
import * as tf from '@tensorflow/tfjs';
import { GRU_STEP, GRU_STEP_GRAD, hasGruKernels } from './gru-kernels.js';

type Saver = (tensors: tf.Tensor[]) => void;

/**
 * [batch, frames, dim] -> frames tensors [batch, dim]. tf.unstack on axis 1 is very slow on wasm
 * (its Unpack kernel took ~0.4 s for 100 frames); one transpose to time-major and contiguous
 * slices are cheap.
 */
function framesOf(x: tf.Tensor3D): tf.Tensor2D[] {
  const [b, t, d] = x.shape;
  const tm = tf.reshape(tf.transpose(x, [1, 0, 2]), [t * b, d]);
  return Array.from({ length: t }, (_, i) => tf.slice(tm, [i * b, 0], [b, d]) as tf.Tensor2D);
}

/** Inverse of framesOf: frames tensors [batch, dim] -> [batch, frames, dim]. */
function stackFrames(xs: tf.Tensor2D[]): tf.Tensor3D {
  const [b, d] = xs[0]!.shape;
  return tf.transpose(tf.reshape(tf.concat(xs, 0), [xs.length, b, d]), [1, 0, 2]) as tf.Tensor3D;
}

/**
 * @param xp [batch, frames, 3H] input projections (z, r, n blocks).
 * @param u [H, 3H] recurrent kernel; `c` [3H] recurrent bias.
 * @param mask [batch, frames] float 0/1, or null for all ones.
 * @param reverse run from the last frame to the first (the backward direction).
 * @returns [batch, frames, H] hidden states, aligned with the input frames.
 */
export function gruRecurrence(
  xp: tf.Tensor3D,
  u: tf.Tensor2D,
  c: tf.Tensor1D,
  mask: tf.Tensor2D | null,
  reverse: boolean,
  implementation: 'auto' | 'kernels' | 'ops' = 'auto',
): tf.Tensor3D {
  const useKernels = implementation === 'kernels' || (implementation === 'auto' && hasGruKernels());
  return useKernels ? recurrenceWithKernels(xp, u, c, mask, reverse) : recurrenceWithOps(xp, u, c, mask, reverse);
}

/**
 * The recurrence with the step kernels of gru-kernels.ts (wasm and cpu): per step and direction
 * one fused matmul and one gate kernel forward, one gate kernel and one matmul backward.
 */
function recurrenceWithKernels(xp: tf.Tensor3D, u: tf.Tensor2D, c: tf.Tensor1D, mask: tf.Tensor2D | null, reverse: boolean): tf.Tensor3D {
  const [b, t] = xp.shape;
  const h = u.shape[0];
  const order = Array.from({ length: t }, (_, i) => (reverse ? t - 1 - i : i));
  const masked = mask !== null;
  const m = mask ?? tf.ones([b, t]);
  const op = tf.customGrad(((xpIn: tf.Tensor3D, uIn: tf.Tensor2D, cIn: tf.Tensor1D, mIn: tf.Tensor2D, save: Saver) => {
    const xpT = tf.transpose(xpIn, [1, 0, 2]);
    const mT = tf.transpose(mIn);
    let state = tf.zeros([b, h]) as tf.Tensor2D;
    const outs = new Array<tf.Tensor2D>(t);
    const keep: tf.Tensor[] = [state];
    for (const i of order) {
      const hp = tf.fused.matMul({ a: state, b: uIn, bias: cIn });
      const [next, cache] = tf.engine().runKernel(GRU_STEP, { xp: xpT, hp, h: state, mask: mT }, { t: i, masked }) as tf.Tensor[];
      keep.push(next!, cache!);
      outs[i] = next as tf.Tensor2D;
      state = next as tf.Tensor2D;
    }
    // The backward pass may only touch saved tensors: the op's inputs (the mask made inside
    // FusedBiGRU's tidy, even the recurrent kernel) may be disposed by the time it runs.
    keep.push(uIn, mIn);
    save(keep);
    const value = stackFrames(outs);
    const gradFunc = (dy: tf.Tensor3D, saved: tf.Tensor[]): tf.Tensor[] => {
      const dyT = tf.transpose(dy, [1, 0, 2]);
      const mT2 = masked ? tf.transpose(saved[2 * t + 2]!) : null;
      const uT = tf.transpose(saved[2 * t + 1]!);
      let dhRec = tf.zeros([b, h]) as tf.Tensor2D;
      let dhDir = dhRec;
      const dxp = new Array<tf.Tensor2D>(t);
      const dhps: tf.Tensor2D[] = [];
      const hPrevs: tf.Tensor2D[] = [];
      for (let s = t - 1; s >= 0; s--) {
        const i = order[s]!;
        const hPrev = saved[s === 0 ? 0 : 2 * s - 1]! as tf.Tensor2D;
        const cache = saved[2 * s + 2]!;
        const [dxpI, dhp, dhOut] = tf.engine().runKernel(GRU_STEP_GRAD, { dy: dyT, dhRec, dhDir, h: hPrev, cache, mask: mT2 ?? hPrev }, { t: i, masked }) as tf.Tensor2D[];
        dxp[i] = dxpI!;
        dhps.push(dhp!);
        hPrevs.push(hPrev);
        dhRec = tf.fused.matMul({ a: dhp!, b: uT }) as tf.Tensor2D;
        dhDir = dhOut!;
      }
      const dhpAll = tf.concat(dhps, 0);
      const du = tf.matMul(tf.concat(hPrevs, 0), dhpAll, true, false);
      const dc = tf.sum(dhpAll, 0);
      return [stackFrames(dxp), du, dc, tf.zeros([b, t])];
    };
    return { value, gradFunc };
  }) as unknown as (...args: (tf.Tensor | Saver)[]) => { value: tf.Tensor3D; gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => tf.Tensor[] });
  return op(xp, u, c, m) as tf.Tensor3D;
}

/** The recurrence from standard tfjs ops (any backend). */
function recurrenceWithOps(xp: tf.Tensor3D, u: tf.Tensor2D, c: tf.Tensor1D, mask: tf.Tensor2D | null, reverse: boolean): tf.Tensor3D {
  const [b, t] = xp.shape;
  const h = u.shape[0];
  const order = Array.from({ length: t }, (_, i) => (reverse ? t - 1 - i : i));
  const m = mask ?? tf.ones([b, t]);
  const op = tf.customGrad(((xpIn: tf.Tensor3D, uIn: tf.Tensor2D, cIn: tf.Tensor1D, mIn: tf.Tensor2D, save: Saver) => {
    const xs = framesOf(xpIn);
    const ms = mask === null ? null : framesOf(tf.reshape(mIn, [b, t, 1]) as tf.Tensor3D);
    let state = tf.zeros([b, h]) as tf.Tensor2D;
    const outs = new Array<tf.Tensor2D>(t);
    const keep: tf.Tensor[] = [];
    for (const i of order) {
      const hp = tf.fused.matMul({ a: state, b: uIn, bias: cIn });
      const hn = tf.slice(hp, [0, 2 * h], [b, h]);
      const xi = xs[i]!;
      const zr = tf.sigmoid(tf.add(tf.slice(xi, [0, 0], [b, 2 * h]), tf.slice(hp, [0, 0], [b, 2 * h])));
      const z = tf.slice(zr, [0, 0], [b, h]);
      const r = tf.slice(zr, [0, h], [b, h]);
      const n = tf.tanh(tf.add(tf.slice(xi, [0, 2 * h], [b, h]), tf.mul(r, hn)));
      let next = tf.add(n, tf.mul(z, tf.sub(state, n))) as tf.Tensor2D;
      if (ms !== null) next = tf.add(state, tf.mul(ms[i]!, tf.sub(next, state)));
      keep.push(state, zr, z, r, n, hn);
      outs[i] = next;
      state = next;
    }
    // As above: the backward pass reads the mask and kernel from `saved`, never the inputs.
    keep.push(uIn, mIn);
    save(keep);
    const value = stackFrames(outs);
    const gradFunc = (dy: tf.Tensor3D, saved: tf.Tensor[]): tf.Tensor[] => {
      const dys = framesOf(dy);
      const mBack = mask === null ? null : framesOf(tf.reshape(saved[6 * t + 1]!, [b, t, 1]) as tf.Tensor3D);
      const uT = tf.transpose(saved[6 * t]!);
      let dh = tf.zeros([b, h]) as tf.Tensor2D;
      const dxp = new Array<tf.Tensor2D>(t);
      const dhps: tf.Tensor2D[] = [];
      const hPrevs: tf.Tensor2D[] = [];
      for (let s = t - 1; s >= 0; s--) {
        const i = order[s]!;
        const [hPrev, zr, z, r, n, hn] = saved.slice(6 * s, 6 * s + 6) as tf.Tensor2D[];
        let g = tf.add(dys[i]!, dh) as tf.Tensor2D;
        let carry: tf.Tensor2D | null = null;
        if (mBack !== null) {
          carry = tf.mul(tf.sub(1, mBack[i]!), g) as tf.Tensor2D;
          g = tf.mul(mBack[i]!, g) as tf.Tensor2D;
        }
        const dn = tf.mul(g, tf.sub(1, z!));
        const dz = tf.mul(g, tf.sub(hPrev!, n!));
        const dan = tf.mul(dn, tf.sub(1, tf.square(n!)));
        const dazr = tf.mul(tf.concat([dz, tf.mul(dan, hn!)], 1), tf.mul(zr!, tf.sub(1, zr!)));
        const dhp = tf.concat([dazr, tf.mul(dan, r!)], 1) as tf.Tensor2D;
        dh = tf.add(tf.mul(g, z!), tf.matMul(dhp, uT)) as tf.Tensor2D;
        if (carry !== null) dh = tf.add(dh, carry);
        dxp[i] = tf.concat([dazr, dan], 1) as tf.Tensor2D;
        dhps.push(dhp);
        hPrevs.push(hPrev!);
      }
      const dhpAll = tf.concat(dhps, 0);
      const du = tf.matMul(tf.concat(hPrevs, 0), dhpAll, true, false);
      const dc = tf.sum(dhpAll, 0);
      return [stackFrames(dxp), du, dc, tf.zeros([b, t])];
    };
    return { value, gradFunc };
  }) as unknown as (...args: (tf.Tensor | Saver)[]) => { value: tf.Tensor3D; gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => tf.Tensor[] });
  return op(xp, u, c, m) as tf.Tensor3D;
}
