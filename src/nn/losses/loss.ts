/**
 * `buildLoss`: the label-smoothing family on logits, with masked means over real frames.
 * Losses take logits (not posteriors) because log-softmax / log-sigmoid of logits is numerically
 * stable where log(softmax(x)) underflows; models therefore output logits.
 */
import * as tf from '@tensorflow/tfjs';
import { HibikiError } from '../../errors.js';
import type { LossConfig } from './config.js';
import { binaryTargets, boundaryTargets, priorTargets, uniformTargets } from './targets.js';

/** Per-frame side inputs. All [N]; `mask` is float 0/1 (1 = real frame), default all ones. */
export interface LossExtras {
  mask?: tf.Tensor1D;
  /** `boundary` only: frames to the nearest label boundary. */
  boundaryDistance?: tf.Tensor1D;
  /** `boundary` only: integer label across that boundary (own label when none). */
  neighbourLabel?: tf.Tensor1D;
}

/**
 * A loss function: `logits` [N, K] (callers flatten [batch, frames, K]); `targets` integer class
 * indices [N] (int32) for softmax kinds, or multi-hot [N, K] (float 0/1) for `binary`.
 * Returns the mean over real frames (mask 1) of the per-frame loss (for `binary`: the mean over
 * classes too, as torch's BCEWithLogitsLoss(reduction='mean') on the real frames). Returns 0
 * when no frame is real.
 */
export type LossFn = (logits: tf.Tensor2D, targets: tf.Tensor, extras?: LossExtras) => tf.Scalar;

/** What the loss needs to know about the task. */
export interface LossContext {
  numClasses: number;
  /** Class prior [K] (e.g. add-one training frame frequencies), needed by `unigram` and boundaryTarget `prior`. */
  prior?: Float32Array | number[];
}

/** Builds the loss function for `cfg`. @throws HibikiError `LOSS_PRIOR_MISSING` / `LOSS_PRIOR_INVALID`. */
export function buildLoss(cfg: LossConfig, ctx: LossContext): LossFn {
  const k = ctx.numClasses;
  const needsPrior = cfg.smoothing === 'unigram' || (cfg.smoothing === 'boundary' && cfg.boundaryTarget === 'prior');
  const prior = needsPrior ? checkPrior(ctx.prior, k, cfg.smoothing) : null;

  return (logits, targets, extras = {}) =>
    tf.tidy(() => {
      checkShapes(logits, targets, k, cfg, extras);
      const n = logits.shape[0];
      const mask = extras.mask ?? tf.ones([n]);
      const real = tf.greater(mask, 0);
      // Padded frames may hold garbage (even NaN/Inf): replace their logits by zeros before any
      // arithmetic so that neither the loss nor the gradient can see them.
      const safeLogits = tf.where(real.expandDims(1).tile([1, k]), logits, tf.zerosLike(logits)) as tf.Tensor2D;
      const perFrame = cfg.smoothing === 'binary' ? binaryPerFrame(safeLogits, targets as tf.Tensor2D, cfg, real) : softmaxPerFrame(safeLogits, targets, cfg, extras, prior, real);
      const w = tf.cast(real, 'float32');
      return tf.div(tf.sum(tf.mul(perFrame, w)), tf.maximum(tf.sum(w), 1)) as tf.Scalar;
    });
}

function softmaxPerFrame(
  logits: tf.Tensor2D,
  targets: tf.Tensor,
  cfg: LossConfig,
  extras: LossExtras,
  prior: Float32Array | null,
  real: tf.Tensor,
): tf.Tensor1D {
  const k = logits.shape[1];
  // Padded frames may carry any label (e.g. -1); clamp so oneHot stays well-defined.
  const labels = tf.where(real, tf.cast(targets, 'int32'), tf.zerosLike(tf.cast(targets, 'int32'))) as tf.Tensor1D;
  const oneHot = tf.cast(tf.oneHot(labels, k), 'float32') as tf.Tensor2D;
  let q: tf.Tensor2D;
  switch (cfg.smoothing) {
    case 'none':
      q = oneHot;
      break;
    case 'uniform':
      q = uniformTargets(oneHot, cfg.epsilon, cfg.spread);
      break;
    case 'unigram':
      q = priorTargets(oneHot, cfg.epsilon, tf.tensor1d(prior!));
      break;
    case 'boundary': {
      const other =
        cfg.boundaryTarget === 'prior'
          ? tf.tensor1d(prior!)
          : (tf.cast(tf.oneHot(tf.where(real, tf.cast(extras.neighbourLabel!, 'int32'), labels) as tf.Tensor1D, k), 'float32') as tf.Tensor2D);
      q = boundaryTargets(oneHot, cfg.epsilon, cfg.boundaryWidth, extras.boundaryDistance!, other);
      break;
    }
    default:
      throw new HibikiError('LOSS_CONFIG_INVALID', `smoothing ${cfg.smoothing} is not a softmax loss`, {}, 1);
  }
  const logp = tf.logSoftmax(logits);
  let perFrame = tf.neg(tf.sum(tf.mul(q, logp), 1));
  if (cfg.confidencePenalty > 0) {
    const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1));
    perFrame = tf.sub(perFrame, tf.mul(entropy, cfg.confidencePenalty));
  }
  return perFrame as tf.Tensor1D;
}

function binaryPerFrame(logits: tf.Tensor2D, active: tf.Tensor2D, cfg: LossConfig, real: tf.Tensor): tf.Tensor1D {
  const k = logits.shape[1];
  const y = tf.where(real.expandDims(1).tile([1, k]), tf.cast(active, 'float32'), tf.zerosLike(logits));
  const q = binaryTargets(y as tf.Tensor2D, cfg.epsilon);
  // Stable BCE on logits: max(x,0) - x*q + log(1 + exp(-|x|)).
  const bce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, q)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
  return tf.mean(bce, 1) as tf.Tensor1D;
}

function checkPrior(prior: Float32Array | number[] | undefined, k: number, kind: string): Float32Array {
  if (prior === undefined) {
    throw new HibikiError('LOSS_PRIOR_MISSING', `smoothing "${kind}" needs a class prior`, {
      expected: `a prior vector of ${k} class frequencies`,
      found: 'none',
    });
  }
  let sum = 0;
  for (const v of prior) sum += v;
  if (prior.length !== k || !Array.from(prior).every((v) => Number.isFinite(v) && v >= 0) || !(sum > 0)) {
    throw new HibikiError('LOSS_PRIOR_INVALID', 'class prior must hold K non-negative finite values with a positive sum', {
      expected: `${k} values >= 0`,
      found: `${prior.length} values summing to ${sum}`,
    });
  }
  // Normalise so callers may pass counts.
  return Float32Array.from(prior, (v) => v / sum);
}

function checkShapes(logits: tf.Tensor2D, targets: tf.Tensor, k: number, cfg: LossConfig, extras: LossExtras): void {
  const n = logits.shape[0];
  const bad = (what: string, expected: string, found: string): never => {
    throw new HibikiError('LOSS_SHAPE_MISMATCH', `loss input ${what} has the wrong shape`, { expected, found }, 1);
  };
  if (logits.rank !== 2 || logits.shape[1] !== k) bad('logits', `[N, ${k}]`, `[${logits.shape.join(', ')}]`);
  const wantTargets = cfg.smoothing === 'binary' ? [n, k] : [n];
  if (targets.shape.length !== wantTargets.length || targets.shape.some((d, i) => d !== wantTargets[i])) {
    bad('targets', `[${wantTargets.join(', ')}]`, `[${targets.shape.join(', ')}]`);
  }
  if (extras.mask !== undefined && (extras.mask.rank !== 1 || extras.mask.shape[0] !== n)) bad('mask', `[${n}]`, `[${extras.mask.shape.join(', ')}]`);
  if (cfg.smoothing === 'boundary') {
    const need: (keyof LossExtras)[] = cfg.boundaryTarget === 'neighbour' ? ['boundaryDistance', 'neighbourLabel'] : ['boundaryDistance'];
    for (const key of need) {
      const t = extras[key];
      if (t === undefined) {
        throw new HibikiError('LOSS_MISSING_INPUT', `boundary smoothing needs per-frame ${key}`, { expected: `${key} [${n}]`, found: 'none' }, 1);
      }
      if (t.rank !== 1 || t.shape[0] !== n) bad(key, `[${n}]`, `[${t.shape.join(', ')}]`);
    }
  }
}
