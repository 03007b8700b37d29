/**
 * One shard's loss and gradients, and the fixed-order combination of all shards' gradients into
 * the full-batch mean gradient. Both the main thread (shard 0) and the workers run `shardGradients`.
 */
import * as tf from '@tensorflow/tfjs';
import { withStepRandomness } from '../seeded.js';

/**
 * Loss and gradients of `lossFn` on one shard, with dropout drawn from (seed, step, shard).
 * @param vars the model's trainable variables, in `model.trainableWeights` order
 * @returns the shard's mean loss and one gradient per variable (zeros where the loss does not
 *   depend on it); the caller owns (and disposes) the gradient tensors
 */
export function shardGradients<B>(
  model: tf.LayersModel,
  lossFn: (model: tf.LayersModel, batch: B, training: boolean) => tf.Scalar,
  batch: B,
  vars: tf.Variable[],
  seed: number,
  step: number,
  shard: number,
): { loss: number; grads: tf.Tensor[] } {
  const compute = (): tf.Tensor[] =>
    tf.tidy(() => {
      const r = tf.variableGrads(() => lossFn(model, batch, true), vars);
      return [r.value, ...vars.map((v) => r.grads[v.name] ?? tf.zerosLike(v))];
    });
  const [value, ...grads] = withStepRandomness(model, seed, step, compute, shard);
  const loss = value!.dataSync()[0]!;
  value!.dispose();
  return { loss, grads };
}

/**
 * `sum_i shares[i] * grads[i]`, accumulated in shard order (0, 1, 2, ...) so that the result is
 * a pure function of the shards. Call inside `tf.tidy`.
 * @param grads per shard, one tensor per variable (same shapes across shards); `null` for a shard
 *   that computed nothing (share 0)
 * @param shares per shard, `w_i / sum_j w_j` (see `ParallelSupport.lossShare`)
 */
export function combineGradients(grads: (tf.Tensor[] | null)[], shares: number[]): tf.Tensor[] {
  let acc: tf.Tensor[] | null = null;
  grads.forEach((g, i) => {
    if (g === null) return;
    const scaled = g.map((t) => tf.mul(t, shares[i]!));
    acc = acc === null ? scaled : acc.map((a, j) => tf.add(a, scaled[j]!));
  });
  if (acc === null) throw new Error('combineGradients: no shard computed anything');
  return acc;
}

/** `sum_i shares[i] * losses[i]` in shard order (shards that computed nothing have share 0). */
export function combineLosses(losses: number[], shares: number[]): number {
  let sum = 0;
  losses.forEach((l, i) => {
    if (shares[i]! !== 0) sum += shares[i]! * l;
  });
  return sum;
}

/**
 * Shares `w_i / sum_j w_j` of the shards' loss normalisers; all 0 when no shard holds a counted
 * frame (the mean losses are then 0 with zero gradients).
 */
export function lossShares(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (total > 0 ? w / total : 0));
}
