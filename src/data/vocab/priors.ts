/**
 * Label priors: unigram label frequencies over a training set with add-one smoothing, the `u(k)`
 * of unigram label smoothing (DESIGN.md) and the prior of CTC's KL term. Counted over frames
 * (frame classifiers) or tokens (CTC); saved as JSON beside the model.
 */
import { z } from 'zod';
import { HibikiError } from '../../errors.js';
import { writeJsonAtomic } from '../../util/atomic.js';
import { readTextFile } from '../datadir/text-file.js';
import type { DataDir } from '../datadir/types.js';
import { alignmentToFrameTargets, type UncoveredPolicy } from '../targets/alignment.js';
import { numFramesForDuration, type FrameGeometry } from '../targets/geometry.js';
import type { Vocabulary } from './vocabulary.js';

/** Priors as saved: counts and add-one probabilities, index-aligned with `labels`. */
export interface LabelPriors {
  /** What was counted. */
  unit: 'frames' | 'tokens';
  smoothing: 'add-one';
  labels: string[];
  /** Raw counts per label. */
  counts: number[];
  /** Sum of raw counts. */
  total: number;
  /** (count + 1) / (total + K); sums to 1. */
  probabilities: number[];
}

/** Add-one probabilities from counts: (c_k + 1) / (sum c + K). */
export function priorsFromCounts(counts: ArrayLike<number>, vocab: Vocabulary, unit: LabelPriors['unit']): LabelPriors {
  if (counts.length !== vocab.size) throw new HibikiError('PRIOR_SIZE', 'counts and vocabulary differ in size', { expected: String(vocab.size), found: String(counts.length) }, 1);
  const c = Array.from(counts);
  const total = c.reduce((a, b) => a + b, 0);
  const denom = total + vocab.size;
  return { unit, smoothing: 'add-one', labels: [...vocab.labels], counts: c, total, probabilities: c.map((x) => (x + 1) / denom) };
}

/**
 * Counts frame labels over every aligned utterance of `data`. The number of frames of an
 * utterance is taken from the end of its last segment (label-only: no audio is read); frames the
 * alignment does not cover follow `uncovered` (default 'ignore': not counted).
 * @returns counts per label index, length vocab.size
 */
export function countAlignmentFrames(data: DataDir, vocab: Vocabulary, frame: FrameGeometry, uncovered: UncoveredPolicy = 'ignore'): Float64Array {
  const counts = new Float64Array(vocab.size);
  for (const [utt, segs] of data.alignment ?? []) {
    if (segs.length === 0) continue;
    const end = Math.max(...segs.map((s) => s.end));
    const t = alignmentToFrameTargets(segs, numFramesForDuration(end, frame), frame, vocab, { uncovered, utterance: utt });
    for (const l of t.labels) if (l >= 0) counts[l] = (counts[l] as number) + 1;
  }
  return counts;
}

/** Counts transcript tokens of `data.text` (CTC priors). Unknown tokens follow the vocabulary's policy. */
export function countTextTokens(data: DataDir, vocab: Vocabulary): Float64Array {
  const counts = new Float64Array(vocab.size);
  for (const [utt, toks] of data.text ?? []) {
    for (const t of toks) {
      const i = vocab.index(t, { utterance: utt });
      counts[i] = (counts[i] as number) + 1;
    }
  }
  return counts;
}

/** Writes priors as JSON, atomically. */
export function writePriors(path: string, priors: LabelPriors): void {
  writeJsonAtomic(path, priors);
}

const PriorsSchema = z.object({
  unit: z.enum(['frames', 'tokens']),
  smoothing: z.literal('add-one'),
  labels: z.array(z.string()),
  counts: z.array(z.number().nonnegative()),
  total: z.number().nonnegative(),
  probabilities: z.array(z.number().positive()),
});

/** Reads priors written by `writePriors`; raises `BAD_PRIORS` when the file does not have that shape. */
export function readPriors(path: string): LabelPriors {
  let value: unknown;
  try {
    value = JSON.parse(readTextFile(path));
  } catch (e) {
    if (e instanceof HibikiError) throw e;
    throw new HibikiError('BAD_PRIORS', 'priors file is not JSON', { file: path, cause: e });
  }
  const r = PriorsSchema.safeParse(value);
  if (!r.success) throw new HibikiError('BAD_PRIORS', 'priors file has the wrong shape', { file: path, found: r.error.issues[0]?.message ?? 'invalid' });
  const p = r.data;
  if (p.counts.length !== p.labels.length || p.probabilities.length !== p.labels.length) {
    throw new HibikiError('BAD_PRIORS', 'labels, counts and probabilities differ in length', { file: path });
  }
  return p;
}
