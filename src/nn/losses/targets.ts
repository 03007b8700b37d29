/**
 * Smoothed target distributions q [N, K] for the softmax losses. Pure tensor functions; the
 * caller owns the returned tensors (wrap calls in `tf.tidy`).
 */
import * as tf from '@tensorflow/tfjs';

/** `(1-eps) * onehot + eps/K` (spread `all`) or `+ eps/(K-1)` on the wrong classes (spread `others`). */
export function uniformTargets(oneHot: tf.Tensor2D, epsilon: number, spread: 'all' | 'others'): tf.Tensor2D {
  const k = oneHot.shape[1];
  if (spread === 'all' || k < 2) return tf.add(tf.mul(oneHot, 1 - epsilon), epsilon / k);
  // others: the true class keeps exactly 1-eps; each wrong class gets eps/(K-1).
  const off = epsilon / (k - 1);
  return tf.add(tf.mul(oneHot, 1 - epsilon - off), off);
}

/** `(1-eps) * onehot + eps * prior`, prior [K] summing to 1. */
export function priorTargets(oneHot: tf.Tensor2D, epsilon: number, prior: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.mul(oneHot, 1 - epsilon), tf.mul(prior, epsilon));
}

/**
 * Boundary-aware smoothing: `eps_t = eps * max(0, 1 - d_t / width)`, and
 * `q = (1-eps_t) * onehot + eps_t * other`, where `other` [N, K] is the neighbour label's one-hot
 * (or the prior broadcast to [N, K]).
 * @param distance [N] frames to the nearest label boundary (0.5 for a frame right at it is typical).
 */
export function boundaryTargets(
  oneHot: tf.Tensor2D,
  epsilon: number,
  width: number,
  distance: tf.Tensor1D,
  other: tf.Tensor2D | tf.Tensor1D,
): tf.Tensor2D {
  const epsT = tf.mul(tf.relu(tf.sub(1, tf.div(distance, width))), epsilon).expandDims(1) as tf.Tensor2D;
  return tf.add(tf.mul(oneHot, tf.sub(1, epsT)), tf.mul(other, epsT));
}

/** Multi-label: `y * (1-eps) + eps/2` per class. */
export function binaryTargets(active: tf.Tensor2D, epsilon: number): tf.Tensor2D {
  return tf.add(tf.mul(active, 1 - epsilon), epsilon / 2);
}
