/**
 * Frame geometry (DESIGN.md "Frame convention"). With snip-edges (Kaldi's default) frame i covers
 * [i*shift, i*shift + length) and there are 1 + floor((D - length) / shift) frames (0 when
 * D < length). Without snip-edges (Kaldi's `--snip-edges=false`) frame i is centred on
 * i*shift + shift/2 and there are round(D / shift) frames (Kaldi: (N + shift/2) / shift in
 * samples). A frame's target is the label at its centre.
 *
 * Centres are computed in seconds from the geometry; when the window is not a whole number of
 * samples (32 ms at 22050 Hz) Kaldi's centre differs by under one sample: give lengthSec as
 * samples / rate for exactness.
 *
 * Times are compared in integer nanoseconds: label times like 0.0925 and centres like
 * 9 * 0.01 + 0.0125 are then equal exactly, so the tie rule at a boundary does not depend on
 * floating-point rounding.
 */
import { HibikiError } from '../../errors.js';

/** Frame length and shift in seconds, and whether edges are snipped (Kaldi's snip-edges). */
export interface FrameGeometry {
  /** Window length in seconds (25 ms: 0.025). */
  lengthSec: number;
  /** Hop in seconds (10 ms: 0.01). */
  shiftSec: number;
  snipEdges: boolean;
}

/** Seconds to integer nanoseconds. */
export function toNs(t: number): number {
  return Math.round(t * 1e9);
}

/** Raises `BAD_FRAME_GEOMETRY` unless length and shift are positive and finite. */
export function checkGeometry(frame: FrameGeometry): void {
  if (!(frame.lengthSec > 0 && frame.shiftSec > 0 && Number.isFinite(frame.lengthSec) && Number.isFinite(frame.shiftSec))) {
    throw new HibikiError('BAD_FRAME_GEOMETRY', 'frame length and shift must be positive seconds', {
      expected: 'lengthSec > 0, shiftSec > 0',
      found: `lengthSec ${frame.lengthSec}, shiftSec ${frame.shiftSec}`,
    });
  }
}

/** Centre of frame `i` in integer nanoseconds. */
export function frameCentreNs(i: number, frame: FrameGeometry): number {
  const shift = toNs(frame.shiftSec);
  return frame.snipEdges ? i * shift + toNs(frame.lengthSec) / 2 : i * shift + shift / 2;
}

/** Centre of frame `i` in seconds. */
export function frameCentreSec(i: number, frame: FrameGeometry): number {
  return frameCentreNs(i, frame) / 1e9;
}

/**
 * Number of frames of `numSamples` samples at `sampleRate` Hz: Kaldi's NumFrames, with the window
 * length and shift truncated to whole samples as Kaldi (and src/features) do: 32 ms at 22050 Hz is
 * 705 samples, not 706. (The 1e-6 guards against 399.9999999 from binary fractions.) Checked
 * against torchaudio's Kaldi fbank in test/golden/data-frames.
 */
export function numFramesForSamples(numSamples: number, sampleRate: number, frame: FrameGeometry): number {
  checkGeometry(frame);
  const len = Math.floor(frame.lengthSec * sampleRate + 1e-6);
  const shift = Math.floor(frame.shiftSec * sampleRate + 1e-6);
  if (frame.snipEdges) return numSamples < len ? 0 : 1 + Math.floor((numSamples - len) / shift);
  return Math.floor((numSamples + Math.floor(shift / 2)) / shift);
}

/** Number of frames of `durationSec` seconds, computed in nanoseconds (for label-only data). */
export function numFramesForDuration(durationSec: number, frame: FrameGeometry): number {
  checkGeometry(frame);
  const d = toNs(durationSec);
  const len = toNs(frame.lengthSec);
  const shift = toNs(frame.shiftSec);
  if (frame.snipEdges) return d < len ? 0 : 1 + Math.floor((d - len) / shift);
  return Math.floor((d + Math.floor(shift / 2)) / shift);
}
