/** What the training loop trains: a model, a loss, and resumable batches. */
import type * as tf from '@tensorflow/tfjs';
import type { BatchStream } from '../data/batches/index.js';
import type { ParallelSupport } from './parallel/types.js';

/**
 * A training task. The loop never looks inside a batch: the task turns batches into tensors in
 * `lossFn`, which must be synchronous and must not keep tensors (the loop wraps it in `tf.tidy`).
 */
export interface TrainTask<B> {
  model: tf.LayersModel;
  /**
   * Mean loss of `batch` (a scalar), with dropout active when `training`.
   * Padded frames must not count (the loss decides how: masks are part of the batch).
   */
  lossFn(model: tf.LayersModel, batch: B, training: boolean): tf.Scalar;
  /** Batches per epoch; must not change between epochs or runs (schedules and ETA use it). */
  batchesPerEpoch: number;
  /**
   * The batches of `epoch` from batch `startBatch` on; a pure function of (seed, epoch, startBatch)
   * so that a resumed run continues with exactly the batches the uninterrupted run saw.
   */
  batches(epoch: number, startBatch: number): Iterable<B>;
  /** Frames that a batch contributes (for frames/s and the frame-weighted epoch loss). */
  frames(batch: B): number;
  /** Extra task state (JSON) saved in checkpoints, e.g. an augmentation generator. */
  getState?(): unknown;
  setState?(state: unknown): void;
  /**
   * How to split batches and rebuild the model and loss in worker threads; required for
   * `train.jobs` > 1 (see src/train/parallel and docs/training.md).
   */
  parallel?: ParallelSupport<B>;
}

/**
 * A task over one of data's batch streams (`frameBatches`, `chunkBatches`, `utteranceBatches`),
 * which already has the resumable `batches(epoch, startBatch)` and `frames(batch)` the loop needs.
 */
export function streamTask<B>(
  model: tf.LayersModel,
  stream: BatchStream<B>,
  lossFn: (model: tf.LayersModel, batch: B, training: boolean) => tf.Scalar,
): TrainTask<B> {
  return {
    model,
    lossFn,
    batchesPerEpoch: stream.batchesPerEpoch,
    batches: (epoch, startBatch) => stream.batches(epoch, startBatch),
    frames: (batch) => stream.frames(batch),
  };
}
