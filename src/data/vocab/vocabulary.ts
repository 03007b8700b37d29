/**
 * Label vocabularies: a file with one label per line, the index of a label being its 0-based line
 * number (so the file is the model's output layout). Unknown labels follow an explicit policy:
 * 'error' (the default: a typo in a label file should stop the run, naming file, line and
 * utterance) or 'map' (to the `<unk>` entry, which must then be in the vocabulary).
 */
import { HibikiError, type HibikiErrorDetails } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { readTextFile } from '../datadir/text-file.js';

/** The conventional unknown-label entry. */
export const UNK = '<unk>';

/** What `Vocabulary.index` does with a label it does not hold. */
export type UnkPolicy = 'error' | 'map';

/** Where a label came from, for the error an unknown label raises. */
export type LabelOrigin = Pick<HibikiErrorDetails, 'file' | 'line' | 'utterance'>;

export interface VocabularyOptions {
  /** Unknown-label policy; default 'error'. */
  unk?: UnkPolicy;
}

export class Vocabulary {
  readonly labels: readonly string[];
  readonly unkPolicy: UnkPolicy;
  private readonly byLabel: Map<string, number>;

  private constructor(labels: string[], options: VocabularyOptions, source?: string) {
    this.labels = Object.freeze([...labels]);
    this.unkPolicy = options.unk ?? 'error';
    this.byLabel = new Map();
    labels.forEach((l, i) => {
      const where: HibikiErrorDetails = source === undefined ? {} : { file: source, line: i + 1 };
      if (l === '' || l !== l.trim() || /[\r\n]/.test(l)) {
        throw new HibikiError('VOCAB_BAD_LABEL', 'labels may not be empty or have leading/trailing whitespace', { ...where, found: JSON.stringify(l) });
      }
      if (this.byLabel.has(l)) {
        throw new HibikiError('VOCAB_DUPLICATE', `label '${l}' appears twice`, { ...where, expected: 'unique labels', found: `first at index ${this.byLabel.get(l) ?? -1}` });
      }
      this.byLabel.set(l, i);
    });
    if (this.unkPolicy === 'map' && !this.byLabel.has(UNK)) {
      throw new HibikiError('VOCAB_NO_UNK', `unknown-label policy 'map' needs a '${UNK}' entry`, { ...(source === undefined ? {} : { file: source }), expected: UNK, found: 'no such entry' });
    }
  }

  /** A vocabulary from labels in the given order (duplicates after the first are dropped). */
  static fromLabels(labels: Iterable<string>, options: VocabularyOptions = {}): Vocabulary {
    return new Vocabulary([...new Set(labels)], options);
  }

  /**
   * Reads a vocabulary file: one label per line; index = 0-based line number. Blank lines are
   * errors (they would shift every index after them), except a final line end. Raises
   * `VOCAB_BLANK_LINE`, `VOCAB_DUPLICATE`, `VOCAB_BAD_LABEL`, `VOCAB_NO_UNK`, `FILE_NOT_FOUND`.
   */
  static read(path: string, options: VocabularyOptions = {}): Vocabulary {
    const lines = readTextFile(path).split(/\r\n|\n|\r/);
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    lines.forEach((l, i) => {
      if (l.trim() === '') throw new HibikiError('VOCAB_BLANK_LINE', 'blank line in a vocabulary (index = line number)', { file: path, line: i + 1 });
    });
    return new Vocabulary(lines, options, path);
  }

  /** Number of labels. */
  get size(): number {
    return this.labels.length;
  }

  /** True when `label` is in the vocabulary. */
  has(label: string): boolean {
    return this.byLabel.has(label);
  }

  /**
   * Index of `label`. Unknown labels map to `<unk>` under policy 'map'; under 'error' they raise
   * `UNKNOWN_LABEL` with `origin` (file, line, utterance) in the error.
   */
  index(label: string, origin: LabelOrigin = {}): number {
    const i = this.byLabel.get(label);
    if (i !== undefined) return i;
    if (this.unkPolicy === 'map') return this.byLabel.get(UNK) as number;
    throw new HibikiError('UNKNOWN_LABEL', `label '${label}' is not in the vocabulary`, { ...origin, expected: `one of ${this.size} labels`, found: label });
  }

  /** Label of index `i`; raises `LABEL_INDEX_OUT_OF_RANGE` outside [0, size). */
  label(i: number): string {
    const l = this.labels[i];
    if (l === undefined) throw new HibikiError('LABEL_INDEX_OUT_OF_RANGE', 'label index out of range', { expected: `0..${this.size - 1}`, found: String(i) });
    return l;
  }

  /** Writes the vocabulary file (one label per line), atomically. */
  write(path: string): void {
    writeFileAtomic(path, this.labels.map((l) => l + '\n').join(''));
  }

  /** A copy with another unknown-label policy. */
  withUnkPolicy(unk: UnkPolicy): Vocabulary {
    return new Vocabulary([...this.labels], { unk });
  }
}
