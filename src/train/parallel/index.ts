/** Data-parallel training (`train.jobs` > 1): shards, replica workers, gradient combination. */
export { shardRanges, sliceBatch, splitBatch, lossNormaliser, batchParallelSupport, type ShardableBatch } from './shard.js';
export { shardGradients, sumGradients, combineLosses, lossShares } from './gradients.js';
export { startReplicas, parallelTrainStep } from './step.js';
export { ReplicaGroup, type ShardResult } from './group.js';
export { MAX_JOBS } from './limits.js';
export type { ReplicaSpec, Replica, ReplicaFactory, ParallelSupport } from './types.js';
