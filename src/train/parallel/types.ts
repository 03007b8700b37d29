/** What a task provides so that the trainer can run it data-parallel (`train.jobs` > 1). */
import type * as tf from '@tensorflow/tfjs';

/**
 * Where a worker thread finds the code that rebuilds a task's model and loss. The trainer never
 * imports the module itself: the task names it (dependency injection, like `validate`), so the
 * train layer stays free of the layers that build tasks.
 */
export interface ReplicaSpec {
  /** `file:` URL of an ES module (a `.ts` URL works when the parent runs under tsx). */
  module: string;
  /** Name of the module's export, a {@link ReplicaFactory}. */
  factory: string;
  /** Plain, structured-clonable data passed to the factory (configs, priors, sizes). */
  args: unknown;
}

/** A model and loss equal to the task's: same architecture and weight order, same loss. */
export interface Replica<B> {
  model: tf.LayersModel;
  /** As `TrainTask.lossFn`: the mean loss of a shard, synchronous, no tensors kept. */
  lossFn(model: tf.LayersModel, batch: B, training: boolean): tf.Scalar;
}

/** Builds a replica from `ReplicaSpec.args`; runs once per worker, after the backend is set. */
export type ReplicaFactory<B = unknown> = (args: unknown) => Replica<B> | Promise<Replica<B>>;

/** The data-parallel part of a `TrainTask`. */
export interface ParallelSupport<B> {
  replica: ReplicaSpec;
  /** `n` contiguous shards of a batch in a fixed order (see `splitBatch`); shards may be empty. */
  split(batch: B, n: number): B[];
  /**
   * A shard's weight in the loss normaliser (real labelled frames for masked means, utterances
   * for CTC's mean): the full-batch loss must equal `sum_i w_i * loss_i / sum_i w_i`.
   */
  lossShare(batch: B): number;
  /** Items in a shard (0 = nothing to compute). */
  size(batch: B): number;
}
