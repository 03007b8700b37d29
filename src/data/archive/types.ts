/** Feature archive types (DESIGN.md "Feature archive"). */

/** One line of `index.jsonl`. */
export interface ArchiveEntry {
  utt: string;
  /** Shard file name inside the archive directory, e.g. `feats.0.npy`. */
  shard: string;
  /** First row of the utterance inside the shard's `[rows, dim]` array. */
  offset: number;
  frames: number;
  dim: number;
}

/** One utterance to extract: a whole file, or the segment [start, end) seconds of it. */
export interface ArchiveItem {
  utt: string;
  /** Audio file path (WAV or NIST SPHERE). */
  path: string;
  /** Segment start in seconds (default 0). */
  start?: number;
  /** Segment end in seconds (default, or any value <= 0: end of the file). */
  end?: number;
}

/** Progress of an extraction, reported after each utterance. */
export interface ArchiveProgress {
  doneUtterances: number;
  totalUtterances: number;
  frames: number;
  audioSeconds: number;
}

/** What an extraction did. */
export interface ArchiveSummary {
  /** True when the stamp matched and nothing was recomputed. */
  skipped: boolean;
  utterances: number;
  /** Utterances shorter than one frame: left out of the archive (Kaldi skips them too). */
  tooShort: string[];
  frames: number;
  dim: number;
  shards: number;
  audioSeconds: number;
  wallSeconds: number;
  /** audioSeconds / wallSeconds ("x real time"); 0 when skipped. */
  realTimeFactor: number;
}
