/**
 * Kaldi's add-deltas (feature-functions.cc DeltaFeatures). The order-i filter is the order-(i-1)
 * filter convolved with [-w..w] / sum(j^2, j=-w..w); frames beyond the edges repeat the first or
 * last frame. Order 1 with window 2 is torchaudio's compute_deltas(win_length=5).
 */
import type { FeatureMatrix } from './types.js';

/** Options of `addDeltas` (Kaldi `delta-order` 2, `delta-window` 2). */
export interface DeltaOptions {
  order?: number;
  window?: number;
}

/** Kaldi's delta filters: scales[i] has length 2*i*window+1, centred. */
export function deltaScales(order: number, window: number): Float64Array[] {
  const scales: Float64Array[] = [Float64Array.of(1)];
  let normalizer = 0;
  for (let j = -window; j <= window; j++) normalizer += j * j;
  for (let i = 1; i <= order; i++) {
    const prev = scales[i - 1]!;
    const prevOffset = (prev.length - 1) / 2;
    const cur = new Float64Array(prev.length + 2 * window);
    const curOffset = prevOffset + window;
    for (let j = -window; j <= window; j++) {
      for (let k = -prevOffset; k <= prevOffset; k++) cur[j + k + curOffset] = cur[j + k + curOffset]! + (j * prev[k + prevOffset]!) / normalizer;
    }
    scales.push(cur);
  }
  return scales;
}

/**
 * Appends delta features.
 * @param m `[frames, dim]`
 * @returns `[frames, dim * (order + 1)]`: static, delta, delta-delta, ...
 */
export function addDeltas(m: FeatureMatrix, options: DeltaOptions = {}): FeatureMatrix {
  const order = options.order ?? 2;
  const window = options.window ?? 2;
  if (!Number.isInteger(order) || order < 0 || !Number.isInteger(window) || window < 1) {
    throw new RangeError(`addDeltas: order must be >= 0 and window >= 1, got ${order}, ${window}`);
  }
  const { frames, dim } = m;
  const outDim = dim * (order + 1);
  const out = new Float32Array(frames * outDim);
  const scales = deltaScales(order, window);
  const acc = new Float64Array(dim);
  for (let t = 0; t < frames; t++) {
    for (let i = 0; i <= order; i++) {
      const s = scales[i]!;
      const off = (s.length - 1) / 2;
      acc.fill(0);
      for (let j = -off; j <= off; j++) {
        const w = s[j + off]!;
        if (w === 0) continue;
        const src = Math.min(Math.max(t + j, 0), frames - 1) * dim;
        for (let d = 0; d < dim; d++) acc[d] = acc[d]! + w * m.data[src + d]!;
      }
      const dst = t * outDim + i * dim;
      for (let d = 0; d < dim; d++) out[dst + d] = acc[d]!;
    }
  }
  return { data: out, frames, dim: outDim };
}
