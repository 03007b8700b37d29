/** Gradient clipping by global norm (Pascanu et al. 2013), as `torch.nn.utils.clip_grad_norm_`. */
import * as tf from '@tensorflow/tfjs';

/**
 * Scales all gradients by `min(1, maxNorm / (norm + 1e-6))` where `norm` is the L2 norm of all of
 * them together. Call inside `tf.tidy`.
 * @param grads gradients of any shapes
 * @param maxNorm threshold; `Infinity` disables clipping (the norm is still returned)
 * @returns the (possibly) scaled gradients and the global norm before clipping
 */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: tf.Scalar } {
  const sq = grads.map((g) => tf.sum(tf.square(g)));
  const norm = tf.sqrt(sq.length === 0 ? tf.scalar(0) : tf.addN(sq)) as tf.Scalar;
  if (!Number.isFinite(maxNorm)) return { grads, norm };
  const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(maxNorm), tf.add(norm, 1e-6)));
  return { grads: grads.map((g) => tf.mul(g, scale)), norm };
}
