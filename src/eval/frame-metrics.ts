/**
 * Frame-level classification metrics on posteriors: frame error rate, confusion matrix,
 * negative log-likelihood and Brier score. Pure functions on typed arrays.
 *
 * Shapes: `posteriors` is `[frames, classes]` row-major (each row a probability distribution),
 * `targets` is `[frames]` class indices. A frame counts when its target is >= 0 and, if a mask is
 * given, `mask[t] !== 0`: padded frames never count (DESIGN.md).
 */
import { HibikiError } from '../errors.js';

/** Posteriors and targets of a single-label frame classifier. */
export interface FramePosteriors {
  /** `[frames, classes]` row-major probabilities. */
  posteriors: Float32Array | Float64Array;
  /** `[frames]` reference class index; negative values mark frames that do not count. */
  targets: Int32Array;
  /** Number of classes K (row length of `posteriors`). */
  numClasses: number;
  /** Optional `[frames]` mask; 0 = padded frame, ignored. */
  mask?: Uint8Array;
}

/** Probability floor used by the NLL so a zero posterior costs a finite -ln(1e-12) ≈ 27.6 nats. */
export const NLL_FLOOR = 1e-12;

/** Validates shapes once; returns the frame count N. */
export function checkFramePosteriors(input: FramePosteriors): number {
  const { posteriors, targets, numClasses, mask } = input;
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new HibikiError('EVAL_SHAPE', 'numClasses must be a positive integer', { expected: '>= 1', found: String(numClasses) });
  }
  const n = targets.length;
  if (posteriors.length !== n * numClasses) {
    throw new HibikiError('EVAL_SHAPE', 'posteriors length does not match targets x classes', {
      expected: `${n} x ${numClasses} = ${n * numClasses}`,
      found: String(posteriors.length),
    });
  }
  if (mask !== undefined && mask.length !== n) {
    throw new HibikiError('EVAL_SHAPE', 'mask length does not match the frame count', { expected: String(n), found: String(mask.length) });
  }
  for (let t = 0; t < n; t++) {
    if (targets[t]! >= numClasses) {
      throw new HibikiError('EVAL_TARGET_RANGE', `target of frame ${t} is out of range`, {
        expected: `< ${numClasses}`,
        found: String(targets[t]),
      });
    }
  }
  return n;
}

/** True when frame t counts (target >= 0 and not masked). */
export function frameCounts(input: FramePosteriors, t: number): boolean {
  return input.targets[t]! >= 0 && (input.mask === undefined || input.mask[t] !== 0);
}

/** Index of the largest posterior in row t (first one on ties). */
export function argmaxRow(p: Float32Array | Float64Array, t: number, k: number): number {
  let best = 0;
  let bestValue = p[t * k]!;
  for (let j = 1; j < k; j++) {
    const v = p[t * k + j]!;
    if (v > bestValue) {
      bestValue = v;
      best = j;
    }
  }
  return best;
}

/**
 * Confusion matrix of counted frames: `[reference][predicted]` counts, prediction = argmax.
 * @returns K x K matrix of integers
 */
export function confusionMatrix(input: FramePosteriors): number[][] {
  const n = checkFramePosteriors(input);
  const k = input.numClasses;
  const m: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let t = 0; t < n; t++) {
    if (!frameCounts(input, t)) continue;
    m[input.targets[t]!]![argmaxRow(input.posteriors, t, k)]! += 1;
  }
  return m;
}

/** Per-class row of the frame metrics. */
export interface ClassFrameMetrics {
  /** Reference frames of this class. */
  count: number;
  /** Reference frames of this class predicted as another class. */
  errors: number;
  /** errors / count (NaN when the class has no frames). */
  fer: number;
  /** Frames predicted as this class. */
  predicted: number;
  /** tp / predicted (NaN when nothing was predicted as this class). */
  precision: number;
  /** tp / count (NaN when the class has no frames). */
  recall: number;
  /** 2PR/(P+R); 0 when P = R = 0; NaN when either is undefined. */
  f1: number;
}

/** Frame error rate overall and per class, from a confusion matrix (rows = reference). */
export function frameErrorRates(confusion: number[][]): { fer: number; frames: number; errors: number; perClass: ClassFrameMetrics[] } {
  const k = confusion.length;
  let frames = 0;
  let correct = 0;
  const perClass: ClassFrameMetrics[] = [];
  for (let i = 0; i < k; i++) {
    const row = confusion[i]!;
    let count = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      count += row[j]!;
      predicted += confusion[j]![i]!;
    }
    const tp = row[i]!;
    frames += count;
    correct += tp;
    const precision = predicted === 0 ? NaN : tp / predicted;
    const recall = count === 0 ? NaN : tp / count;
    perClass.push({
      count,
      errors: count - tp,
      fer: count === 0 ? NaN : (count - tp) / count,
      predicted,
      precision,
      recall,
      f1: f1Score(precision, recall),
    });
  }
  return { fer: frames === 0 ? NaN : (frames - correct) / frames, frames, errors: frames - correct, perClass };
}

/** F1 from precision and recall: 0 when both are 0, NaN when either is undefined. */
export function f1Score(precision: number, recall: number): number {
  if (Number.isNaN(precision) || Number.isNaN(recall)) return NaN;
  if (precision === 0 && recall === 0) return 0;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * Mean negative log-likelihood of the reference class, in nats:
 * `-(1/N) Σ_t ln max(p_t[y_t], NLL_FLOOR)` over counted frames.
 */
export function negativeLogLikelihood(input: FramePosteriors): number {
  const n = checkFramePosteriors(input);
  const k = input.numClasses;
  let sum = 0;
  let count = 0;
  for (let t = 0; t < n; t++) {
    if (!frameCounts(input, t)) continue;
    sum -= Math.log(Math.max(input.posteriors[t * k + input.targets[t]!]!, NLL_FLOOR));
    count += 1;
  }
  return count === 0 ? NaN : sum / count;
}

/**
 * Multi-class Brier score (Brier 1950): `(1/N) Σ_t Σ_k (p_tk - y_tk)^2`, y one-hot; range [0, 2].
 */
export function brierScore(input: FramePosteriors): number {
  const n = checkFramePosteriors(input);
  const k = input.numClasses;
  let sum = 0;
  let count = 0;
  for (let t = 0; t < n; t++) {
    if (!frameCounts(input, t)) continue;
    const y = input.targets[t]!;
    for (let j = 0; j < k; j++) {
      const d = input.posteriors[t * k + j]! - (j === y ? 1 : 0);
      sum += d * d;
    }
    count += 1;
  }
  return count === 0 ? NaN : sum / count;
}
