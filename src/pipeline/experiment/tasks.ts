/**
 * Training tasks of the three experiment kinds: batches from src/data/batches, the network from
 * the model registry, and the loss (label-smoothing family or CTC) over real frames only. Every
 * task can run data-parallel (`train.jobs` > 1): its loss is built from plain data
 * (task-loss.ts), which the workers rebuild through replica.ts.
 */
import {
  chunkBatches,
  frameBatches,
  multiLabelChunkBatches,
  multiLabelFrameBatches,
  utteranceBatches,
  type BatchStream,
  type ChunkBatch,
  type CmvnStats,
  type FrameBatch,
  type FrameSource,
  type FrameTargets,
  type MultiLabelChunkBatch,
  type MultiLabelFrameBatch,
  type MultiLabelTargets,
  type SequenceTargets,
  type UtteranceBatch,
} from '../../data/index.js';
import { isSequenceModel, type LossConfig } from '../../nn/index.js';
import type { CtcSmoothing } from '../../nn/ctc/index.js';
import { batchParallelSupport, type TrainTask } from '../../train/index.js';
import type { ExperimentConfig } from './config.js';
import { experimentReplicaSpec } from './replica.js';
import { taskLossFn, type TaskBatch, type TaskLossSpec } from './task-loss.js';

export { subsampledLengths } from './task-loss.js';

/** A training task plus what the caller needs to build the model. */
export interface ExperimentTask<B> extends Omit<TrainTask<B>, 'model'> {
  /** Input width of the network: spliced width (mlp) or feature dimension. */
  inputDim: number;
}

function streamTask<B extends TaskBatch>(config: ExperimentConfig, stream: BatchStream<B>, spec: TaskLossSpec, inputDim: number, classes: number): ExperimentTask<B> {
  const replica = experimentReplicaSpec({ model: config.model, seed: config.seed, inputDim, classes, loss: spec });
  return {
    lossFn: taskLossFn(spec) as TrainTask<B>['lossFn'],
    inputDim,
    batchesPerEpoch: stream.batchesPerEpoch,
    batches: (epoch, start) => stream.batches(epoch, start),
    frames: (b) => stream.frames(b),
    parallel: batchParallelSupport<B>(replica),
  };
}

/**
 * Single-label frame task (alignment targets): spliced frames for `mlp`, chunks otherwise.
 * @param prior `[K]` unigram prior (unigram smoothing, boundary smoothing towards the prior)
 */
export function frameTask(config: ExperimentConfig, source: FrameSource<FrameTargets>, dim: number, classes: number, cmvn: CmvnStats | undefined, prior: Float32Array): ExperimentTask<FrameBatch> | ExperimentTask<ChunkBatch> {
  const b = config.batches;
  const common = { batchSize: b.batchSize, seed: config.seed, ...(cmvn === undefined ? {} : { cmvn }) };
  if (!isSequenceModel(config.model)) {
    const stream = frameBatches(source, { ...common, context: b.context, bufferFrames: b.bufferFrames });
    return streamTask<FrameBatch>(config, stream, { kind: 'frames', loss: config.loss, classes, prior }, (2 * b.context + 1) * dim, classes);
  }
  const stream = chunkBatches(source, { ...common, chunk: b.chunk, bufferChunks: b.bufferChunks });
  return streamTask<ChunkBatch>(config, stream, { kind: 'chunks', loss: config.loss, classes, prior }, dim, classes);
}

/** The loss config of a multi-label task: independent sigmoids (`binary`, epsilon 0 for `none`). */
export function multiLabelLossConfig(cfg: LossConfig): LossConfig {
  return cfg.smoothing === 'binary' ? cfg : { ...cfg, smoothing: 'binary', epsilon: 0 };
}

/** Multi-label (sound event) frame task: sigmoid outputs, binary CE with optional smoothing. */
export function multiLabelTask(config: ExperimentConfig, source: FrameSource<MultiLabelTargets>, dim: number, classes: number, cmvn: CmvnStats | undefined): ExperimentTask<MultiLabelFrameBatch> | ExperimentTask<MultiLabelChunkBatch> {
  const loss = multiLabelLossConfig(config.loss);
  const b = config.batches;
  const common = { batchSize: b.batchSize, seed: config.seed, ...(cmvn === undefined ? {} : { cmvn }) };
  if (!isSequenceModel(config.model)) {
    const stream = multiLabelFrameBatches(source, { ...common, context: b.context, bufferFrames: b.bufferFrames });
    return streamTask<MultiLabelFrameBatch>(config, stream, { kind: 'frames-multi', loss, classes }, (2 * b.context + 1) * dim, classes);
  }
  const stream = multiLabelChunkBatches(source, { ...common, chunk: b.chunk, bufferChunks: b.bufferChunks });
  return streamTask<MultiLabelChunkBatch>(config, stream, { kind: 'chunks-multi', loss, classes }, dim, classes);
}

/**
 * CTC task: whole utterances (length-bucketed), CTC loss per utterance divided by its label
 * length, plus `epsilon * mean_t KL(prior || p_t)` when smoothing is on.
 * @param smoothing the CTC prior term, or undefined
 */
export function ctcTask(config: ExperimentConfig, source: FrameSource<SequenceTargets>, dim: number, cmvn: CmvnStats | undefined, smoothing: CtcSmoothing | undefined, classes: number): ExperimentTask<UtteranceBatch> {
  const subsampling = config.model.type === 'mlp' ? 1 : config.model.subsampling;
  const stream = utteranceBatches(source, {
    batchSize: config.batches.batchSize,
    seed: config.seed,
    sortByLength: config.batches.sortByLength,
    ...(cmvn === undefined ? {} : { cmvn }),
  });
  return streamTask<UtteranceBatch>(config, stream, { kind: 'utterances', subsampling, ...(smoothing === undefined ? {} : { smoothing }) }, dim, classes);
}
