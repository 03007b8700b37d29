/**
 * In-memory form of a Kaldi/ESPnet-style data directory (DESIGN.md "Formats"). Times are in
 * seconds throughout. Every map is keyed by utterance id, except `wavScp`, which is keyed by
 * recording id when `segments` exists (and by utterance id, which is then the same thing, when not).
 */

/** One labelled interval of an alignment (`alignment` file), in seconds, `start < end`. */
export interface AlignedSegment {
  /** Start time in seconds (inclusive). */
  start: number;
  /** End time in seconds (exclusive). */
  end: number;
  label: string;
}

/** One sound event (`events.tsv`), in seconds, `onset < offset`. */
export interface EventSpan {
  /** Onset in seconds (inclusive). */
  onset: number;
  /** Offset in seconds (exclusive). */
  offset: number;
  label: string;
}

/** One line of `segments`: utterance `utt` is the part [start, end) of recording `recording`. */
export interface Segment {
  recording: string;
  /** Start in seconds. */
  start: number;
  /** End in seconds; -1 (Kaldi's convention for any value <= 0) means the end of the recording. */
  end: number;
}

/** A data directory. Optional parts are absent when their file does not exist. */
export interface DataDir {
  /** Recording (or utterance) id -> audio path, resolved against the data directory. */
  wavScp: Map<string, string>;
  /** Utterance id -> part of a recording. */
  segments?: Map<string, Segment>;
  /** Utterance id -> speaker id. */
  utt2spk?: Map<string, string>;
  /** Utterance id -> token transcript (for CTC); an empty array is an empty transcript. */
  text?: Map<string, string[]>;
  /** Utterance id -> time-ordered labelled segments (seconds). */
  alignment?: Map<string, AlignedSegment[]>;
  /** Utterance id (or recording id when there are segments) -> events (seconds). Ids listed without events map to []. */
  events?: Map<string, EventSpan[]>;
}

/** Severity of a data-directory finding: errors make `validate-data` exit with code 2. */
export type Severity = 'error' | 'warning';

/** One problem found in a data directory, with its place. */
export interface Finding {
  severity: Severity;
  /** Stable UPPER_SNAKE code, e.g. `DUPLICATE_ID`. */
  code: string;
  /** File name inside the data directory (e.g. `wav.scp`), or the audio path. */
  file: string;
  /** 1-based line, when the finding concerns one line. */
  line?: number;
  utterance?: string;
  message: string;
}

/** The ids of the utterances of a data directory, in sorted order. */
export function utteranceIds(data: DataDir): string[] {
  const ids = data.segments !== undefined ? [...data.segments.keys()] : [...data.wavScp.keys()];
  return ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
