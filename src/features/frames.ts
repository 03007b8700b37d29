/**
 * Kaldi framing (feature-window.cc). With snip-edges, frame i covers samples
 * [i*shift, i*shift + length) and only frames that fit are output. Without it, the number of
 * frames depends only on the shift, round((N) / shift), frame i starts at
 * i*shift + shift/2 - length/2 (integer halves), and samples outside the signal are mirrored
 * (index -1 reads sample 0, index N reads sample N-1).
 */
import type { FeatureConfig } from './config.js';
import { frameGeometry } from './config.js';

/**
 * Number of frames Kaldi outputs for `numSamples` samples.
 * snipEdges: `N < length ? 0 : 1 + floor((N - length) / shift)`; else `floor((N + shift/2) / shift)`.
 */
export function numFrames(numSamples: number, length: number, shift: number, snipEdges: boolean): number {
  if (snipEdges) return numSamples < length ? 0 : 1 + Math.floor((numSamples - length) / shift);
  return Math.floor((numSamples + Math.floor(shift / 2)) / shift);
}

/** Number of frames `computeFeatures` outputs for `numSamples` samples at `sampleRate` Hz. */
export function frameCount(numSamples: number, config: FeatureConfig, sampleRate: number): number {
  const g = frameGeometry(config, sampleRate);
  return numFrames(numSamples, g.length, g.shift, config.snipEdges);
}

/** Index of the first sample of frame `frame` (may be negative without snip-edges). */
export function firstSampleOfFrame(frame: number, length: number, shift: number, snipEdges: boolean): number {
  if (snipEdges) return frame * shift;
  return frame * shift + Math.floor(shift / 2) - Math.floor(length / 2);
}

/**
 * Copies frame samples times `scale` into `out[0..length)`, mirroring at the signal edges.
 * @param samples [N] signal
 * @param start first sample index (from `firstSampleOfFrame`)
 */
export function extractFrame(
  samples: Float32Array,
  start: number,
  length: number,
  scale: number,
  out: Float64Array | Float32Array,
): void {
  const n = samples.length;
  if (start >= 0 && start + length <= n) {
    for (let i = 0; i < length; i++) out[i] = samples[start + i]! * scale;
    return;
  }
  for (let i = 0; i < length; i++) {
    let s = start + i;
    // Mirror like Kaldi; loop because a very short signal may need several reflections.
    while (s < 0 || s >= n) s = s < 0 ? -s - 1 : 2 * n - 1 - s;
    out[i] = samples[s]! * scale;
  }
}
