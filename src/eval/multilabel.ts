/**
 * Multi-label (sound event) frame metrics: per-class precision, recall and F1 at a threshold,
 * micro and macro averages, and per-class calibration of the sigmoid outputs.
 *
 * Shapes: `posteriors` `[frames, classes]` row-major sigmoid outputs, `targets` `[frames, classes]`
 * 0/1, optional `mask` `[frames]` (0 = padded frame, ignored).
 */
import { HibikiError } from '../errors.js';
import { calibrationFromPairs, type Binning, type Calibration } from './calibration.js';
import { f1Score } from './frame-metrics.js';

export interface MultiLabelInput {
  /** `[frames, classes]` row-major probabilities in [0, 1]. */
  posteriors: Float32Array | Float64Array;
  /** `[frames, classes]` 0/1 activity. */
  targets: Uint8Array;
  numClasses: number;
  mask?: Uint8Array;
}

/** Counts and scores of one class. */
export interface MultiLabelClassMetrics {
  /** Active reference frames. */
  support: number;
  /** Frames predicted active (p >= threshold). */
  predicted: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** tp / (tp + fp); NaN when nothing is predicted. */
  precision: number;
  /** tp / (tp + fn); NaN when the class never occurs. */
  recall: number;
  f1: number;
  /** ECE of p against the 0/1 target over counted frames. */
  ece: number;
  /** The threshold used. */
  threshold: number;
}

export interface PrfAverage {
  precision: number;
  recall: number;
  f1: number;
}

export interface MultiLabelMetrics {
  frames: number;
  perClass: MultiLabelClassMetrics[];
  /** Pooled counts over all classes. */
  micro: PrfAverage;
  /** Mean over classes of the defined (non-NaN) per-class values. */
  macro: PrfAverage;
  /** Per-class calibration (reliability bins). */
  calibration: Calibration[];
}

/** Mean of the non-NaN values (NaN when there are none), like numpy.nanmean. */
export function nanMean(values: readonly number[]): number {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (!Number.isNaN(v)) {
      sum += v;
      n += 1;
    }
  }
  return n === 0 ? NaN : sum / n;
}

/**
 * Per-class P/R/F1 at a threshold (p >= threshold counts as active), micro/macro averages and
 * per-class ECE.
 * @param threshold one threshold for every class, or one per class; default 0.5
 * @param numBins calibration bins, default 15
 */
export function multiLabelMetrics(
  input: MultiLabelInput,
  threshold: number | readonly number[] = 0.5,
  numBins = 15,
  binning: Binning = 'equal-width',
): MultiLabelMetrics {
  const { posteriors, targets, numClasses: c, mask } = input;
  if (!Number.isInteger(c) || c < 1) throw new HibikiError('EVAL_SHAPE', 'numClasses must be a positive integer', { found: String(c) });
  if (targets.length !== posteriors.length || posteriors.length % c !== 0) {
    throw new HibikiError('EVAL_SHAPE', 'posteriors and targets must both be [frames, classes]', {
      expected: `equal lengths, multiple of ${c}`,
      found: `${posteriors.length} and ${targets.length}`,
    });
  }
  const n = posteriors.length / c;
  if (mask !== undefined && mask.length !== n) throw new HibikiError('EVAL_SHAPE', 'mask length does not match the frame count', { expected: String(n), found: String(mask.length) });
  const thresholds = typeof threshold === 'number' ? new Array<number>(c).fill(threshold) : [...threshold];
  if (thresholds.length !== c) throw new HibikiError('EVAL_SHAPE', 'one threshold per class expected', { expected: String(c), found: String(thresholds.length) });
  const perClass: MultiLabelClassMetrics[] = [];
  const calibration: Calibration[] = [];
  let tpAll = 0;
  let fpAll = 0;
  let fnAll = 0;
  let frames = 0;
  for (let t = 0; t < n; t++) if (mask === undefined || mask[t] !== 0) frames += 1;
  for (let j = 0; j < c; j++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let tn = 0;
    const conf: number[] = [];
    const out: number[] = [];
    for (let t = 0; t < n; t++) {
      if (mask !== undefined && mask[t] === 0) continue;
      const p = posteriors[t * c + j]!;
      const y = targets[t * c + j]! !== 0;
      const active = p >= thresholds[j]!;
      if (active && y) tp += 1;
      else if (active) fp += 1;
      else if (y) fn += 1;
      else tn += 1;
      conf.push(p);
      out.push(y ? 1 : 0);
    }
    tpAll += tp;
    fpAll += fp;
    fnAll += fn;
    const precision = tp + fp === 0 ? NaN : tp / (tp + fp);
    const recall = tp + fn === 0 ? NaN : tp / (tp + fn);
    const cal = calibrationFromPairs(conf, out, numBins, binning);
    calibration.push(cal);
    perClass.push({
      support: tp + fn,
      predicted: tp + fp,
      tp,
      fp,
      fn,
      tn,
      precision,
      recall,
      f1: f1Score(precision, recall),
      ece: cal.ece,
      threshold: thresholds[j]!,
    });
  }
  const microP = tpAll + fpAll === 0 ? NaN : tpAll / (tpAll + fpAll);
  const microR = tpAll + fnAll === 0 ? NaN : tpAll / (tpAll + fnAll);
  return {
    frames,
    perClass,
    micro: { precision: microP, recall: microR, f1: f1Score(microP, microR) },
    macro: {
      precision: nanMean(perClass.map((m) => m.precision)),
      recall: nanMean(perClass.map((m) => m.recall)),
      f1: nanMean(perClass.map((m) => m.f1)),
    },
    calibration,
  };
}
