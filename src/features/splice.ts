/** Frame splicing (Kaldi splice-feats): each frame with its neighbours, edge frames repeated. */
import type { FeatureMatrix } from './types.js';

/**
 * Concatenates frames t-left .. t+right (indices clamped to [0, frames-1]).
 * @param m `[frames, dim]`
 * @param context frames on the left (and on the right unless `right` is given)
 * @param right frames on the right (default `context`)
 * @returns `[frames, dim * (left + 1 + right)]`
 */
export function spliceFrames(m: FeatureMatrix, context: number, right: number = context): FeatureMatrix {
  if (!Number.isInteger(context) || context < 0 || !Number.isInteger(right) || right < 0) {
    throw new RangeError(`spliceFrames: context must be a non-negative integer, got ${context}, ${right}`);
  }
  const { frames, dim } = m;
  const width = context + 1 + right;
  const outDim = dim * width;
  const out = new Float32Array(frames * outDim);
  for (let t = 0; t < frames; t++) {
    for (let j = -context; j <= right; j++) {
      const src = Math.min(Math.max(t + j, 0), frames - 1) * dim;
      out.set(m.data.subarray(src, src + dim), t * outDim + (j + context) * dim);
    }
  }
  return { data: out, frames, dim: outDim };
}
