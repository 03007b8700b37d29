/**
 * Priors for CTC label smoothing (`L_ctc + eps * mean_t KL(prior || p_t)`, DESIGN.md). A CTC
 * model spends most frames on the blank, so a prior that spreads mass evenly over the labels
 * would pull hard against the blank; the unigram prior gives the blank a configurable share and
 * spreads the rest by token frequency in the training transcripts.
 */
import { HibikiError } from '../../errors.js';

/** Uniform prior over `classes` classes (blank included): 1 / classes each. */
export function ctcUniformPrior(classes: number): Float64Array {
  if (!Number.isInteger(classes) || classes < 1) {
    throw new HibikiError('CTC_BAD_PRIOR', 'a prior needs at least one class', { expected: 'integer >= 1', found: String(classes) });
  }
  return new Float64Array(classes).fill(1 / classes);
}

/** Options of {@link ctcPriorFromTranscripts}. */
export interface CtcPriorOptions {
  /** Blank class index; default 0. */
  blank?: number;
  /** Probability mass of the blank, in [0, 1); default 0.5. */
  blankShare?: number;
  /** Pseudo-count added to every non-blank class (add-one smoothing); default 1. */
  pseudoCount?: number;
}

/**
 * Unigram prior from training transcripts: the blank gets `blankShare`, every other class
 * `(1 - blankShare) * (count_k + pseudoCount) / sum_j (count_j + pseudoCount)`.
 * @param transcripts token-index sequences (no blanks), e.g. vocabulary indices of `text`
 * @param classes number of output classes, blank included
 * @returns Float64Array [classes], summing to 1
 */
export function ctcPriorFromTranscripts(
  transcripts: Iterable<ArrayLike<number>>,
  classes: number,
  options: CtcPriorOptions = {},
): Float64Array {
  const blank = options.blank ?? 0;
  const blankShare = options.blankShare ?? 0.5;
  const pseudo = options.pseudoCount ?? 1;
  if (!Number.isInteger(classes) || classes < 2) {
    throw new HibikiError('CTC_BAD_PRIOR', 'a CTC prior needs a blank and at least one label', { expected: 'classes >= 2', found: String(classes) });
  }
  if (!Number.isInteger(blank) || blank < 0 || blank >= classes) {
    throw new HibikiError('CTC_BAD_BLANK', 'blank index out of range', { expected: `0..${classes - 1}`, found: String(blank) });
  }
  if (!(blankShare >= 0 && blankShare < 1)) {
    throw new HibikiError('CTC_BAD_PRIOR', 'blankShare must be in [0, 1)', { expected: '0 <= blankShare < 1', found: String(blankShare) });
  }
  if (!(pseudo >= 0)) throw new HibikiError('CTC_BAD_PRIOR', 'pseudoCount must be >= 0', { expected: '>= 0', found: String(pseudo) });
  const counts = new Float64Array(classes);
  let n = 0;
  for (const tr of transcripts) {
    for (let i = 0; i < tr.length; i++) {
      const k = tr[i] as number;
      if (!Number.isInteger(k) || k < 0 || k >= classes || k === blank) {
        throw new HibikiError('CTC_BAD_LABELS', `transcript ${n} holds a token that is not a non-blank class`, {
          expected: `integer in 0..${classes - 1}, not the blank ${blank}`,
          found: String(k),
        });
      }
      counts[k] = (counts[k] as number) + 1;
    }
    n++;
  }
  let total = 0;
  for (let k = 0; k < classes; k++) if (k !== blank) total += (counts[k] as number) + pseudo;
  if (total === 0) {
    throw new HibikiError('CTC_BAD_PRIOR', 'no tokens in the transcripts and pseudoCount 0', { expected: 'at least one token', found: '0' });
  }
  const prior = new Float64Array(classes);
  for (let k = 0; k < classes; k++) prior[k] = k === blank ? blankShare : ((1 - blankShare) * ((counts[k] as number) + pseudo)) / total;
  return prior;
}
