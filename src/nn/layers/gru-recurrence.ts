/**
 * The GRU recurrence as one differentiable op with a hand-written backward pass (BPTT).
 * Autodiff through a per-step graph costs tfjs dearly: every slice's gradient is a full-size pad,
 * every saved tensor a clone, and the weight gradients are T separate matmuls. Here the forward
 * runs ~13 small kernels a step; the backward ~20, and the recurrent weight gradient is one
 * matmul over all steps at the end.
 *
 * Cell (reset after the recurrent product): with xp = x W + b precomputed for all frames,
 *   [hz hr hn] = h U + c,  z = σ(xz + hz),  r = σ(xr + hr),  n = tanh(xn + r ⊙ hn),
 *   h' = n + z ⊙ (h − n),  and with a mask m ∈ {0,1}: h' ← h + m ⊙ (h' − h).
 */
import * as tf from '@tensorflow/tfjs';

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
export function gruRecurrence(xp: tf.Tensor3D, u: tf.Tensor2D, c: tf.Tensor1D, mask: tf.Tensor2D | null, reverse: boolean): tf.Tensor3D {
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
    save(keep);
    const value = stackFrames(outs);
    const gradFunc = (dy: tf.Tensor3D, saved: tf.Tensor[]): tf.Tensor[] => {
      const dys = framesOf(dy);
      const mBack = mask === null ? null : framesOf(tf.reshape(mIn, [b, t, 1]) as tf.Tensor3D);
      const uT = tf.transpose(uIn);
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
      return [stackFrames(dxp), du, dc, tf.zerosLike(mIn)];
    };
    return { value, gradFunc };
  }) as unknown as (...args: (tf.Tensor | Saver)[]) => { value: tf.Tensor3D; gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => tf.Tensor[] });
  return op(xp, u, c, m) as tf.Tensor3D;
}
