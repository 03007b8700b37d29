/**
 * Training tasks of the three experiment kinds: batches from src/data/batches, the network from
 * the model registry, and the loss (label-smoothing family or CTC) over real frames only.
 */
import * as tf from '@tensorflow/tfjs';
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
import { buildLoss, isSequenceModel, type LossConfig, type LossFn } from '../../nn/index.js';
import { ctcLabelsFromPadded, ctcLoss, type CtcSmoothing } from '../../nn/ctc/index.js';
import type { TrainTask } from '../../train/index.js';
import type { ExperimentConfig } from './config.js';

/** A training task plus what the caller needs to build the model. */
export interface ExperimentTask<B> extends Omit<TrainTask<B>, 'model'> {
  /** Input width of the network: spliced width (mlp) or feature dimension. */
  inputDim: number;
}

function streamTask<B>(stream: BatchStream<B>, lossFn: TrainTask<B>['lossFn'], inputDim: number): ExperimentTask<B> {
  return {
    lossFn,
    inputDim,
    batchesPerEpoch: stream.batchesPerEpoch,
    batches: (epoch, start) => stream.batches(epoch, start),
    frames: (b) => stream.frames(b),
  };
}

function logits2d(model: tf.LayersModel, x: tf.Tensor, training: boolean, classes: number): tf.Tensor2D {
  const y = model.apply(x, { training }) as tf.Tensor;
  return (y.rank === 2 ? y : tf.reshape(y, [-1, classes])) as tf.Tensor2D;
}

/** Real frames that carry a label (ignored alignment frames have label -1). */
function labelledMask(y: Int32Array, mask?: Float32Array): tf.Tensor1D {
  const m = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) m[i] = y[i]! >= 0 && (mask === undefined || mask[i]! > 0) ? 1 : 0;
  return tf.tensor1d(m);
}

function finiteDistance(d: Float32Array): Float32Array {
  // +Infinity (no boundary in the utterance) is fine for the loss, but keep tensors finite.
  return d.map((v) => (Number.isFinite(v) ? v : 1e9));
}

/**
 * Single-label frame task (alignment targets): spliced frames for `mlp`, chunks otherwise.
 * @param prior `[K]` unigram prior (unigram smoothing, boundary smoothing towards the prior)
 */
export function frameTask(config: ExperimentConfig, source: FrameSource<FrameTargets>, dim: number, classes: number, cmvn: CmvnStats | undefined, prior: Float32Array): ExperimentTask<FrameBatch> | ExperimentTask<ChunkBatch> {
  const loss = buildLoss(config.loss, { numClasses: classes, prior });
  const b = config.batches;
  const common = { batchSize: b.batchSize, seed: config.seed, ...(cmvn === undefined ? {} : { cmvn }) };
  if (!isSequenceModel(config.model)) {
    const stream = frameBatches(source, { ...common, context: b.context, bufferFrames: b.bufferFrames });
    return streamTask<FrameBatch>(stream, (model, batch, training) => {
      const logits = logits2d(model, tf.tensor2d(batch.x, [batch.size, batch.inputDim]), training, classes);
      return singleLabelLoss(loss, logits, batch.y, batch.boundaryDistance, batch.neighbourLabel);
    }, (2 * b.context + 1) * dim);
  }
  const stream = chunkBatches(source, { ...common, chunk: b.chunk, bufferChunks: b.bufferChunks });
  return streamTask<ChunkBatch>(stream, (model, batch, training) => {
    const logits = logits2d(model, tf.tensor3d(batch.x, [batch.size, batch.chunk, batch.dim]), training, classes);
    return singleLabelLoss(loss, logits, batch.y, batch.boundaryDistance, batch.neighbourLabel, batch.mask);
  }, dim);
}

function singleLabelLoss(loss: LossFn, logits: tf.Tensor2D, y: Int32Array, dist: Float32Array, neighbour: Int32Array, mask?: Float32Array): tf.Scalar {
  return loss(logits, tf.tensor1d(y, 'int32'), {
    mask: labelledMask(y, mask),
    boundaryDistance: tf.tensor1d(finiteDistance(dist)),
    neighbourLabel: tf.tensor1d(neighbour, 'int32'),
  });
}

/** The loss config of a multi-label task: independent sigmoids (`binary`, epsilon 0 for `none`). */
export function multiLabelLossConfig(cfg: LossConfig): LossConfig {
  return cfg.smoothing === 'binary' ? cfg : { ...cfg, smoothing: 'binary', epsilon: 0 };
}

/** Multi-label (sound event) frame task: sigmoid outputs, binary CE with optional smoothing. */
export function multiLabelTask(config: ExperimentConfig, source: FrameSource<MultiLabelTargets>, dim: number, classes: number, cmvn: CmvnStats | undefined): ExperimentTask<MultiLabelFrameBatch> | ExperimentTask<MultiLabelChunkBatch> {
  const loss = buildLoss(multiLabelLossConfig(config.loss), { numClasses: classes });
  const b = config.batches;
  const common = { batchSize: b.batchSize, seed: config.seed, ...(cmvn === undefined ? {} : { cmvn }) };
  if (!isSequenceModel(config.model)) {
    const stream = multiLabelFrameBatches(source, { ...common, context: b.context, bufferFrames: b.bufferFrames });
    return streamTask<MultiLabelFrameBatch>(stream, (model, batch, training) => {
      const logits = logits2d(model, tf.tensor2d(batch.x, [batch.size, batch.inputDim]), training, classes);
      return loss(logits, tf.tensor2d(batch.y, [batch.size, classes]));
    }, (2 * b.context + 1) * dim);
  }
  const stream = multiLabelChunkBatches(source, { ...common, chunk: b.chunk, bufferChunks: b.bufferChunks });
  return streamTask<MultiLabelChunkBatch>(stream, (model, batch, training) => {
    const logits = logits2d(model, tf.tensor3d(batch.x, [batch.size, batch.chunk, batch.dim]), training, classes);
    return loss(logits, tf.tensor2d(batch.y, [batch.size * batch.chunk, classes]), { mask: tf.tensor1d(batch.mask) });
  }, dim);
}

/** Output frames of each utterance after the model's frame subsampling. */
export function subsampledLengths(lengths: Int32Array, subsampling: number): Int32Array {
  return lengths.map((n) => Math.ceil(n / subsampling));
}

/**
 * CTC task: whole utterances (length-bucketed), CTC loss per utterance divided by its label
 * length, plus `epsilon * mean_t KL(prior || p_t)` when smoothing is on.
 * @param smoothing the CTC prior term, or undefined
 */
export function ctcTask(config: ExperimentConfig, source: FrameSource<SequenceTargets>, dim: number, cmvn: CmvnStats | undefined, smoothing: CtcSmoothing | undefined): ExperimentTask<UtteranceBatch> {
  const sub = config.model.type === 'mlp' ? 1 : config.model.subsampling;
  const stream = utteranceBatches(source, {
    batchSize: config.batches.batchSize,
    seed: config.seed,
    sortByLength: config.batches.sortByLength,
    ...(cmvn === undefined ? {} : { cmvn }),
  });
  return streamTask<UtteranceBatch>(stream, (model, batch, training) => {
    const logits = model.apply(tf.tensor3d(batch.x, [batch.size, batch.maxFrames, batch.dim]), { training }) as tf.Tensor3D;
    const labels = ctcLabelsFromPadded(batch.labels, batch.labelLengths, batch.maxLabelLength);
    const inputLengths = subsampledLengths(batch.inputLengths, sub).map((n) => Math.min(n, logits.shape[1]));
    return ctcLoss(logits, labels, {
      inputLengths,
      blank: 0,
      reduction: 'mean',
      zeroInfinity: true,
      ...(smoothing === undefined ? {} : { smoothing }),
    }) as tf.Scalar;
  }, dim);
}
