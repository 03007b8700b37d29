/**
 * One shard's loss and gradients, and the fixed-order combination of all shards' gradients into
 * the full-batch mean gradient. Both the main thread (shard 0) and the workers run `shardGradients`.
 */
import * as tf from '@tensorflow/tfjs';
import { withStepRandomness } from '../seeded.js';

/**
 * Loss and gradients of `lossFn` on one shard, with dropout drawn from (seed, step, shard).
 * @param vars the model's trainable variables, in `model.trainableWeights` order
 * @param scale the gradients are those of `scale * loss` (the shard's share of the loss
 *   normaliser): scaling the loss costs one scalar op, where scaling the gradients afterwards
 *   would cost a pass over every weight. Default 1.
 * @returns the shard's (unscaled) mean loss and one gradient per variable (zeros where the loss
 *   does not depend on it); the caller owns (and disposes) the gradient tensors
 */
export function shardGradients<B>(
  model: tf.LayersModel,
  lossFn: (model: tf.LayersModel, batch: B, training: boolean) => tf.Scalar,
  batch: B,
  vars: tf.Variable[],
  seed: number,
  step: number,
  shard: number,
  scale = 1,
): { loss: number; grads: tf.Tensor[] } {
  const compute = (): tf.Tensor[] =>
    tf.tidy(() => {
      // The unscaled loss must outlive variableGrads' own tidy: kept here, disposed below.
      let unscaled: tf.Scalar | null = null;
      const r = tf.variableGrads(() => {
        const value = lossFn(model, batch, true);
        if (scale === 1) return value;
        unscaled = tf.keep(value);
        return tf.mul(value, scale);
      }, vars);
      return [unscaled ?? r.value, ...vars.map((v) => r.grads[v.name] ?? tf.zerosLike(v))];
    });
  const [value, ...grads] = withStepRandomness(model, seed, step, compute, shard);
  const loss = value!.dataSync()[0]!;
  value!.dispose();
  return { loss, grads };
}

/**
 * The sum of the shards' (share-scaled) gradients, accumulated in shard order (0, 1, 2, ...) so
 * that the result is a pure function of the shards. Call inside `tf.tidy`.
 * @param grads per shard, one tensor per variable (same shapes across shards), or `null` for a
 *   shard that computed nothing; shard 0 must have computed
 */
export function sumGradients(grads: (tf.Tensor[] | null)[]): tf.Tensor[] {
  const first = grads[0];
  if (first === null || first === undefined) throw new Error('sumGradients: shard 0 computed nothing');
  let acc: tf.Tensor[] = first;
  for (const g of grads.slice(1)) if (g !== null) acc = acc.map((a, j) => tf.add(a, g[j]!));
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
