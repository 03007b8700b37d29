/**
 * Calibration: expected calibration error (ECE) and reliability-diagram bins.
 *
 * The generic form works on pairs (confidence c_i in [0, 1], outcome o_i in {0, 1}): for top-label
 * calibration c = max_k p and o = [argmax = reference]; for one class of a multi-label model c = p
 * and o = [class active]. With bins B_1..B_M, `ECE = Σ_m (|B_m| / n) |acc(B_m) - conf(B_m)|`
 * (Naeini et al. 2015; Guo et al. 2017).
 */
import { HibikiError } from '../errors.js';
import { argmaxRow, checkFramePosteriors, frameCounts, type FramePosteriors } from './frame-metrics.js';

/** How the confidence axis is cut into bins. */
export type Binning = 'equal-width' | 'equal-mass';

/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  /** Lower edge of the bin's confidence range (exclusive except for the first bin). */
  lo: number;
  /** Upper edge (inclusive). */
  hi: number;
  /** Items in the bin. */
  count: number;
  /** Mean confidence of the items (NaN when empty). */
  confidence: number;
  /** Fraction of items whose outcome is 1 (NaN when empty). */
  accuracy: number;
}

/** Reliability bins and the ECE they give. */
export interface Calibration {
  ece: number;
  /** Maximum calibration error over non-empty bins. */
  mce: number;
  bins: ReliabilityBin[];
  binning: Binning;
}

/**
 * Bins (confidence, outcome) pairs and computes the ECE.
 * Equal-width: M bins of width 1/M, item i goes to bin ceil(c_i M) - 1 (c = 0 goes to bin 0), so
 * each bin is (m/M, (m+1)/M]. Equal-mass: items sorted by confidence (stable), bin m holds sorted
 * items floor(m n / M) .. floor((m+1) n / M) - 1; edges are the bin's min and max confidence.
 * @param confidence `[n]` confidences in [0, 1]
 * @param outcome `[n]` 0/1 outcomes
 * @param numBins M, default 15
 */
export function calibrationFromPairs(
  confidence: ArrayLike<number>,
  outcome: ArrayLike<number>,
  numBins = 15,
  binning: Binning = 'equal-width',
): Calibration {
  if (!Number.isInteger(numBins) || numBins < 1) {
    throw new HibikiError('EVAL_BINS', 'number of calibration bins must be a positive integer', { expected: '>= 1', found: String(numBins) });
  }
  const n = confidence.length;
  const sumConf = new Float64Array(numBins);
  const sumOut = new Float64Array(numBins);
  const counts = new Float64Array(numBins);
  const lo = new Float64Array(numBins);
  const hi = new Float64Array(numBins);
  if (binning === 'equal-width') {
    for (let m = 0; m < numBins; m++) {
      lo[m] = m / numBins;
      hi[m] = (m + 1) / numBins;
    }
    for (let i = 0; i < n; i++) {
      const c = Math.min(1, Math.max(0, confidence[i]!));
      const m = Math.min(numBins - 1, Math.max(0, Math.ceil(c * numBins) - 1));
      sumConf[m] = sumConf[m]! + c;
      sumOut[m] = sumOut[m]! + outcome[i]!;
      counts[m] = counts[m]! + 1;
    }
  } else {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => confidence[a]! - confidence[b]! || a - b);
    for (let m = 0; m < numBins; m++) {
      const start = Math.floor((m * n) / numBins);
      const end = Math.floor(((m + 1) * n) / numBins);
      lo[m] = start < end ? confidence[order[start]!]! : NaN;
      hi[m] = start < end ? confidence[order[end - 1]!]! : NaN;
      for (let r = start; r < end; r++) {
        const i = order[r]!;
        sumConf[m] = sumConf[m]! + confidence[i]!;
        sumOut[m] = sumOut[m]! + outcome[i]!;
        counts[m] = counts[m]! + 1;
      }
    }
  }
  let ece = 0;
  let mce = 0;
  const bins: ReliabilityBin[] = [];
  for (let m = 0; m < numBins; m++) {
    const c = counts[m]!;
    const conf = c === 0 ? NaN : sumConf[m]! / c;
    const acc = c === 0 ? NaN : sumOut[m]! / c;
    if (c > 0) {
      const gap = Math.abs(acc - conf);
      ece += (c / n) * gap;
      mce = Math.max(mce, gap);
    }
    bins.push({ lo: lo[m]!, hi: hi[m]!, count: c, confidence: conf, accuracy: acc });
  }
  return { ece: n === 0 ? NaN : ece, mce: n === 0 ? NaN : mce, bins, binning };
}

/**
 * Top-label calibration of a single-label classifier: confidence = max_k p_tk, outcome =
 * [argmax = reference], over counted frames.
 */
export function topLabelCalibration(input: FramePosteriors, numBins = 15, binning: Binning = 'equal-width'): Calibration {
  const n = checkFramePosteriors(input);
  const k = input.numClasses;
  const conf: number[] = [];
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    if (!frameCounts(input, t)) continue;
    const j = argmaxRow(input.posteriors, t, k);
    conf.push(input.posteriors[t * k + j]!);
    out.push(j === input.targets[t] ? 1 : 0);
  }
  return calibrationFromPairs(conf, out, numBins, binning);
}
