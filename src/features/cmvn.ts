/**
 * Cepstral mean and variance normalisation from accumulated statistics (Kaldi compute-cmvn-stats
 * / apply-cmvn): stats are sums, so they can be accumulated per utterance, per speaker or over a
 * whole corpus, stored, merged, and applied on the fly.
 */
import { HibikiError } from '../errors.js';
import type { FeatureMatrix } from './types.js';

/** Sufficient statistics: per-dimension sum and sum of squares over `count` frames. */
export interface CmvnSums {
  dim: number;
  count: number;
  /** [dim] */
  sum: Float64Array;
  /** [dim] */
  sumSq: Float64Array;
}

/** JSON form (stats.json of a feature archive). */
export interface CmvnSumsJson {
  dim: number;
  count: number;
  sum: number[];
  sumSq: number[];
}

/** Kaldi's variance floor in apply-cmvn. */
export const CMVN_VARIANCE_FLOOR = 1e-20;

/** Empty statistics of dimension `dim`. */
export function createCmvnSums(dim: number): CmvnSums {
  return { dim, count: 0, sum: new Float64Array(dim), sumSq: new Float64Array(dim) };
}

/** Adds every frame of `m` to `stats` (in place); returns `stats`. */
export function accumulateCmvnSums(stats: CmvnSums, m: FeatureMatrix): CmvnSums {
  if (m.dim !== stats.dim) throw new RangeError(`accumulateCmvnSums: dim ${m.dim} != stats dim ${stats.dim}`);
  const { sum, sumSq } = stats;
  for (let t = 0; t < m.frames; t++) {
    const row = t * m.dim;
    for (let d = 0; d < m.dim; d++) {
      const v = m.data[row + d]!;
      sum[d] = sum[d]! + v;
      sumSq[d] = sumSq[d]! + v * v;
    }
  }
  stats.count += m.frames;
  return stats;
}

/** Sum of several statistics (e.g. utterances of a speaker, or job partials). */
export function mergeCmvnSums(parts: readonly CmvnSums[], dim: number): CmvnSums {
  const out = createCmvnSums(dim);
  for (const p of parts) {
    if (p.dim !== dim) throw new RangeError(`mergeCmvnSums: dim ${p.dim} != ${dim}`);
    out.count += p.count;
    for (let d = 0; d < dim; d++) {
      out.sum[d] = out.sum[d]! + p.sum[d]!;
      out.sumSq[d] = out.sumSq[d]! + p.sumSq[d]!;
    }
  }
  return out;
}

/** Statistics of one matrix. */
export function cmvnSumsOf(m: FeatureMatrix): CmvnSums {
  return accumulateCmvnSums(createCmvnSums(m.dim), m);
}

/** Mean and scale (1/stddev, or 1 without variance normalisation) per dimension. */
export function cmvnMeanScale(stats: CmvnSums, normVars: boolean): { mean: Float64Array; scale: Float64Array } {
  if (stats.count <= 0) {
    throw new HibikiError('CMVN_EMPTY_SUMS', 'CMVN statistics hold no frames', { expected: 'count > 0', found: String(stats.count) });
  }
  const mean = new Float64Array(stats.dim);
  const scale = new Float64Array(stats.dim).fill(1);
  for (let d = 0; d < stats.dim; d++) {
    mean[d] = stats.sum[d]! / stats.count;
    if (normVars) {
      const variance = Math.max(stats.sumSq[d]! / stats.count - mean[d]! * mean[d]!, CMVN_VARIANCE_FLOOR);
      scale[d] = 1 / Math.sqrt(variance);
    }
  }
  return { mean, scale };
}

/**
 * Normalises `m` with `stats`: (x - mean) (and / stddev when `normVars`). Returns a new matrix.
 * @param m `[frames, dim]`
 */
export function applyCmvnSums(m: FeatureMatrix, stats: CmvnSums, options: { normVars?: boolean } = {}): FeatureMatrix {
  if (m.dim !== stats.dim) throw new RangeError(`applyCmvnSums: dim ${m.dim} != stats dim ${stats.dim}`);
  const { mean, scale } = cmvnMeanScale(stats, options.normVars ?? false);
  const out = new Float32Array(m.data.length);
  for (let t = 0; t < m.frames; t++) {
    const row = t * m.dim;
    for (let d = 0; d < m.dim; d++) out[row + d] = (m.data[row + d]! - mean[d]!) * scale[d]!;
  }
  return { data: out, frames: m.frames, dim: m.dim };
}

/** Per-utterance CMVN: statistics of `m` itself applied to `m`. */
export function perUtteranceCmvn(m: FeatureMatrix, options: { normVars?: boolean } = {}): FeatureMatrix {
  return applyCmvnSums(m, cmvnSumsOf(m), options);
}

/**
 * Per-speaker statistics: sums over each speaker's utterances.
 * @param feats utterance id -> features
 * @param utt2spk utterance id -> speaker id (an utterance without a speaker is its own speaker)
 * @returns speaker id -> statistics
 */
export function speakerCmvnSums(feats: ReadonlyMap<string, FeatureMatrix>, utt2spk: ReadonlyMap<string, string>): Map<string, CmvnSums> {
  const out = new Map<string, CmvnSums>();
  for (const [utt, m] of feats) {
    const spk = utt2spk.get(utt) ?? utt;
    let s = out.get(spk);
    if (s === undefined) {
      s = createCmvnSums(m.dim);
      out.set(spk, s);
    }
    accumulateCmvnSums(s, m);
  }
  return out;
}

/** JSON form of statistics (numbers, for stats.json and frontend.json). */
export function cmvnSumsToJson(stats: CmvnSums): CmvnSumsJson {
  return { dim: stats.dim, count: stats.count, sum: Array.from(stats.sum), sumSq: Array.from(stats.sumSq) };
}

/** Parses the JSON form. @throws HibikiError `CMVN_STATS_INVALID` */
export function cmvnSumsFromJson(value: unknown, source?: string): CmvnSums {
  const v = value as Partial<CmvnSumsJson> | null;
  const ok =
    v !== null &&
    typeof v === 'object' &&
    Number.isInteger(v.dim) &&
    typeof v.count === 'number' &&
    Array.isArray(v.sum) &&
    Array.isArray(v.sumSq) &&
    v.sum.length === v.dim &&
    v.sumSq.length === v.dim;
  if (!ok) {
    throw new HibikiError('CMVN_SUMS_INVALID', 'not CMVN statistics', {
      ...(source !== undefined ? { file: source } : {}),
      expected: '{dim, count, sum[dim], sumSq[dim]}',
      found: JSON.stringify(value)?.slice(0, 120) ?? String(value),
    });
  }
  return { dim: v.dim!, count: v.count!, sum: Float64Array.from(v.sum!), sumSq: Float64Array.from(v.sumSq!) };
}

/**
 * Mean and variance (population, floored at Kaldi's 1e-20) from sums, in the `{mean, variance}`
 * form the data layer's streaming loaders take.
 */
export function cmvnSumsToMeanVariance(sums: CmvnSums): { mean: Float32Array; variance: Float32Array } {
  const { mean, scale } = cmvnMeanScale(sums, true);
  return { mean: Float32Array.from(mean), variance: Float32Array.from(scale, (s) => 1 / (s * s)) };
}
