/** Validation and small helpers shared by the loaders. */
import { HibikiError } from '../../errors.js';
import { applyCmvn, checkRows, type CmvnTransform } from './cmvn.js';
import type { FrameSource } from './types.js';

/** Checks a positive integer option. */
export function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new HibikiError('BATCH_OPTION_INVALID', `${name} must be a positive integer`, {
      expected: 'integer >= 1',
      found: String(value),
    });
  }
  return value;
}

/** Checks a non-negative integer option. */
export function nonNegativeInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new HibikiError('BATCH_OPTION_INVALID', `${name} must be a non-negative integer`, {
      expected: 'integer >= 0',
      found: String(value),
    });
  }
  return value;
}

/** Frame counts of every utterance, in source order. */
export function frameCounts<T>(source: FrameSource<T>): Int32Array {
  return Int32Array.from(source.utterances, (u) => nonNegativeInt(`frames of ${u}`, source.frames(u)));
}

/** Reads one utterance's normalised features `[frames, dim]` and checks its frame count. */
export function loadFeatures<T>(
  source: FrameSource<T>,
  utt: string,
  cmvn: CmvnTransform | undefined,
): { x: Float32Array; frames: number; dim: number } {
  const m = source.features(utt);
  checkRows(m, source.frames(utt), utt);
  return { x: applyCmvn(m, cmvn, utt), frames: m.frames, dim: m.dim };
}

/** Raises TARGETS_FRAMES_MISMATCH unless a per-frame target array has `expected` entries. */
export function checkTargetLength(utt: string, what: string, found: number, expected: number): void {
  if (found !== expected) {
    throw new HibikiError('TARGETS_FRAMES_MISMATCH', `${what} do not match the number of feature frames`, {
      utterance: utt,
      expected: String(expected),
      found: String(found),
    });
  }
}

/** Raises BATCH_DIM_MISMATCH when utterances disagree on the feature dimension. */
export function checkDim(utt: string, expected: number, found: number): void {
  if (expected !== found) {
    throw new HibikiError('BATCH_DIM_MISMATCH', 'feature dimension differs between utterances', {
      utterance: utt,
      expected: `dim ${expected}`,
      found: `dim ${found}`,
    });
  }
}
