/**
 * Label types of the synthetic corpora. Structurally identical to the data layer's
 * `AlignedSegment` and `EventSpan` (src/data/datadir), so values pass between them freely.
 */

/** One labelled interval of an alignment, seconds, `start < end`. */
export interface SynthSegment {
  start: number;
  end: number;
  label: string;
}

/** One sound event, seconds, `onset < offset`. */
export interface SynthEvent {
  onset: number;
  offset: number;
  label: string;
}

/** Which part of a corpus is generated: only `train` gets corrupted labels. */
export type SynthSplit = 'train' | 'dev' | 'test';

/** What a corpus generator wrote. */
export interface SynthCorpusSummary {
  /** The data directory. */
  dir: string;
  split: SynthSplit;
  /** Number of wav files (utterances). */
  files: number;
  /** Total audio, seconds. */
  seconds: number;
  /** Number of labelled segments or events in the exact labels. */
  labels: number;
  /** Label inventory, sorted. */
  classes: string[];
  /** True when the trainer's labels differ from the exact ones. */
  corrupted: boolean;
}
