/**
 * One data-parallel optimisation step: the batch is split into `jobs` contiguous shards, shard 0
 * is computed here while workers compute the others on replicas holding the same weights. Each
 * shard differentiates its loss times its share of the loss normaliser, so the gradients summed
 * in shard order are the full-batch mean gradient up to float rounding; they are clipped and
 * applied here.
 */
import * as tf from '@tensorflow/tfjs';
import { HibikiError } from '../../errors.js';
import { clipByGlobalNorm } from '../clip.js';
import type { Optimizer } from '../optimizers.js';
import type { TrainTask } from '../task.js';
import { combineLosses, lossShares, shardGradients, sumGradients } from './gradients.js';
import { ReplicaGroup } from './group.js';
import type { ParallelSupport } from './types.js';

/**
 * Starts the `jobs - 1` replica workers of `task` on the current tfjs backend.
 * @throws HibikiError `TRAIN_JOBS_UNSUPPORTED` when the task has no data-parallel support,
 *   `TRAIN_WORKER_FAILED` / `TRAIN_REPLICA_INVALID` when a worker cannot start
 */
export async function startReplicas<B>(task: TrainTask<B>, jobs: number): Promise<ReplicaGroup> {
  if (task.parallel === undefined) {
    throw new HibikiError('TRAIN_JOBS_UNSUPPORTED', 'this training task cannot run data-parallel', {
      expected: 'train.jobs: 1, or a task with data-parallel support (the frame, multilabel and ctc experiment tasks)',
      found: `train.jobs: ${jobs}`,
    });
  }
  const shapes = (ws: tf.LayersModel['weights']): number[][] => ws.map((w) => w.shape.map((d) => d ?? 0));
  return ReplicaGroup.start(jobs - 1, tf.getBackend(), task.parallel.replica, shapes(task.model.weights), shapes(task.model.trainableWeights));
}

/**
 * One update with the batch split over this thread and `group`'s workers.
 * @returns the full-batch loss (shard losses weighted by their shares) and the global gradient
 *   norm before clipping
 * @throws HibikiError `TRAIN_LOSS_NOT_FINITE`, or a worker's failure
 */
export async function parallelTrainStep<B>(
  task: TrainTask<B> & { parallel: ParallelSupport<B> },
  group: ReplicaGroup,
  batch: B,
  vars: tf.Variable[],
  optimizer: Optimizer,
  lr: number,
  clipNorm: number | null,
  seed: number,
  step: number,
): Promise<{ loss: number; gradNorm: number }> {
  const par = task.parallel;
  const shards = par.split(batch, group.size + 1);
  const shares = lossShares(shards.map((s) => par.lossShare(s)));
  const weights = task.model.weights.map((w) => w.read().dataSync() as Float32Array);
  const pending = group.post(step, seed, weights, shards.slice(1).map((s) => (par.size(s) > 0 ? s : null)), shares.slice(1));
  // Rejections are handled below; without this a worker failing while shard 0 throws would be unhandled.
  pending.catch(() => undefined);
  const own = shardGradients(task.model, task.lossFn, shards[0]!, vars, seed, step, 0, shares[0]!);
  let results: Awaited<typeof pending>;
  try {
    results = await pending;
  } catch (e) {
    tf.dispose(own.grads);
    throw e;
  }
  const loss = combineLosses([own.loss, ...results.map((r) => r?.loss ?? 0)], shares);
  if (!Number.isFinite(loss)) {
    tf.dispose(own.grads);
    throw new HibikiError('TRAIN_LOSS_NOT_FINITE', `loss is ${loss} at step ${step + 1}`, {
      expected: 'a finite loss (try a lower learning rate or gradient clipping)',
      found: String(loss),
    });
  }
  const normT = tf.tidy(() => {
    const all = [own.grads, ...results.map((r) => (r === null ? null : r.grads.map((g, j) => tf.tensor(g, vars[j]!.shape, 'float32'))))];
    const clipped = clipByGlobalNorm(sumGradients(all), clipNorm ?? Infinity);
    optimizer.apply(clipped.grads, lr);
    return clipped.norm;
  });
  tf.dispose(own.grads);
  const gradNorm = normT.dataSync()[0]!;
  normT.dispose();
  return { loss, gradNorm };
}
