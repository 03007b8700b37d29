/**
 * The loss of each experiment task kind as a function of a batch, built from plain data so that
 * data-parallel workers (src/train/parallel) can rebuild exactly the main thread's loss.
 */
import * as tf from '@tensorflow/tfjs';
import type { ChunkBatch, FrameBatch, MultiLabelChunkBatch, MultiLabelFrameBatch, UtteranceBatch } from '../../data/index.js';
import { buildLoss, type LossConfig, type LossFn } from '../../nn/index.js';
import { ctcLabelsFromPadded, ctcLoss, type CtcSmoothing } from '../../nn/ctc/index.js';

/** Which loss, over which batch kind; structured-clonable. */
export type TaskLossSpec =
  | { kind: 'frames' | 'chunks'; loss: LossConfig; classes: number; prior: Float32Array }
  | { kind: 'frames-multi' | 'chunks-multi'; loss: LossConfig; classes: number }
  | { kind: 'utterances'; subsampling: number; smoothing?: CtcSmoothing };

/** The batch type a spec's loss takes. */
export type TaskBatch = FrameBatch | ChunkBatch | MultiLabelFrameBatch | MultiLabelChunkBatch | UtteranceBatch;

type BatchLoss<B> = (model: tf.LayersModel, batch: B, training: boolean) => tf.Scalar;

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

function singleLabelLoss(loss: LossFn, logits: tf.Tensor2D, y: Int32Array, dist: Float32Array, neighbour: Int32Array, mask?: Float32Array): tf.Scalar {
  return loss(logits, tf.tensor1d(y, 'int32'), {
    mask: labelledMask(y, mask),
    boundaryDistance: tf.tensor1d(finiteDistance(dist)),
    neighbourLabel: tf.tensor1d(neighbour, 'int32'),
  });
}

/** Output frames of each utterance after the model's frame subsampling. */
export function subsampledLengths(lengths: Int32Array, subsampling: number): Int32Array {
  return lengths.map((n) => Math.ceil(n / subsampling));
}

/**
 * The mean loss of a batch of `spec.kind`: the label-smoothing family over labelled real frames,
 * binary CE for multi-label batches, CTC (per utterance over its label length, mean over the
 * batch, plus the smoothing prior term) for utterance batches.
 * @throws HibikiError from the loss (`LOSS_PRIOR_MISSING`, ...) when the spec is invalid
 */
export function taskLossFn(spec: TaskLossSpec): BatchLoss<TaskBatch> {
  switch (spec.kind) {
    case 'frames': {
      const loss = buildLoss(spec.loss, { numClasses: spec.classes, prior: spec.prior });
      return ((model, batch: FrameBatch, training) => {
        const logits = logits2d(model, tf.tensor2d(batch.x, [batch.size, batch.inputDim]), training, spec.classes);
        return singleLabelLoss(loss, logits, batch.y, batch.boundaryDistance, batch.neighbourLabel);
      }) as BatchLoss<TaskBatch>;
    }
    case 'chunks': {
      const loss = buildLoss(spec.loss, { numClasses: spec.classes, prior: spec.prior });
      return ((model, batch: ChunkBatch, training) => {
        const logits = logits2d(model, tf.tensor3d(batch.x, [batch.size, batch.chunk, batch.dim]), training, spec.classes);
        return singleLabelLoss(loss, logits, batch.y, batch.boundaryDistance, batch.neighbourLabel, batch.mask);
      }) as BatchLoss<TaskBatch>;
    }
    case 'frames-multi': {
      const loss = buildLoss(spec.loss, { numClasses: spec.classes });
      return ((model, batch: MultiLabelFrameBatch, training) => {
        const logits = logits2d(model, tf.tensor2d(batch.x, [batch.size, batch.inputDim]), training, spec.classes);
        return loss(logits, tf.tensor2d(batch.y, [batch.size, spec.classes]));
      }) as BatchLoss<TaskBatch>;
    }
    case 'chunks-multi': {
      const loss = buildLoss(spec.loss, { numClasses: spec.classes });
      return ((model, batch: MultiLabelChunkBatch, training) => {
        const logits = logits2d(model, tf.tensor3d(batch.x, [batch.size, batch.chunk, batch.dim]), training, spec.classes);
        return loss(logits, tf.tensor2d(batch.y, [batch.size * batch.chunk, spec.classes]), { mask: tf.tensor1d(batch.mask) });
      }) as BatchLoss<TaskBatch>;
    }
    case 'utterances':
      return ((model, batch: UtteranceBatch, training) => {
        const logits = model.apply(tf.tensor3d(batch.x, [batch.size, batch.maxFrames, batch.dim]), { training }) as tf.Tensor3D;
        const labels = ctcLabelsFromPadded(batch.labels, batch.labelLengths, batch.maxLabelLength);
        const inputLengths = subsampledLengths(batch.inputLengths, spec.subsampling).map((n) => Math.min(n, logits.shape[1]));
        return ctcLoss(logits, labels, {
          inputLengths,
          blank: 0,
          reduction: 'mean',
          zeroInfinity: true,
          ...(spec.smoothing === undefined ? {} : { smoothing: spec.smoothing }),
        }) as tf.Scalar;
      }) as BatchLoss<TaskBatch>;
  }
}
