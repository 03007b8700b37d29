/** On-the-fly CMVN applied to feature rows as they are streamed. */
import { HibikiError } from '../../errors.js';
import type { CmvnStats, FeatureRows } from './types.js';

/** Precomputed per-dimension shift and scale: `y = (x - shift) * scale`. */
export interface CmvnTransform {
  dim: number;
  shift: Float32Array;
  scale: Float32Array;
}

/**
 * Turns stored statistics into a transform, validating dimensions once.
 * @param stats mean `[dim]` and optional variance `[dim]` (floored at 1e-10)
 */
export function cmvnTransform(stats: CmvnStats): CmvnTransform {
  const dim = stats.mean.length;
  const shift = Float32Array.from(stats.mean);
  const scale = new Float32Array(dim).fill(1);
  if (stats.variance !== undefined) {
    if (stats.variance.length !== dim) {
      throw new HibikiError('CMVN_DIM_MISMATCH', 'CMVN mean and variance differ in length', {
        expected: `${dim} variances`,
        found: String(stats.variance.length),
      });
    }
    for (let d = 0; d < dim; d++) scale[d] = 1 / Math.sqrt(Math.max(stats.variance[d]!, 1e-10));
  }
  return { dim, shift, scale };
}

/**
 * Normalised copy of `m` (or `m.data` itself when `t` is undefined: callers never write to it).
 * @returns `[frames, dim]` row-major
 */
export function applyCmvn(m: FeatureRows, t: CmvnTransform | undefined, utt: string): Float32Array {
  if (t === undefined) return m.data;
  if (t.dim !== m.dim) {
    throw new HibikiError('CMVN_DIM_MISMATCH', 'CMVN statistics do not match the feature dimension', {
      utterance: utt,
      expected: `dim ${t.dim}`,
      found: `dim ${m.dim}`,
    });
  }
  const out = new Float32Array(m.frames * m.dim);
  for (let f = 0; f < m.frames; f++) {
    const o = f * m.dim;
    for (let d = 0; d < m.dim; d++) out[o + d] = (m.data[o + d]! - t.shift[d]!) * t.scale[d]!;
  }
  return out;
}

/** Checks that a source's features have the advertised frame count (the index could be stale). */
export function checkRows(m: FeatureRows, expectedFrames: number, utt: string): void {
  if (m.frames !== expectedFrames || m.data.length !== m.frames * m.dim) {
    throw new HibikiError('FEATURE_FRAMES_MISMATCH', 'features do not have the indexed number of frames', {
      utterance: utt,
      expected: `${expectedFrames} frames`,
      found: `${m.frames} frames (${m.data.length} values, dim ${m.dim})`,
    });
  }
}
