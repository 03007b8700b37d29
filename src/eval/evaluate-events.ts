/**
 * Sound-event evaluation of a multi-label model, file by file: frame-level multi-label metrics
 * over all frames, post-processing of each file's posteriors into events, sed_eval segment- and
 * event-based metrics against the reference events, and the report's timelines. This is what
 * `hibiki eval` runs for sound-event experiments.
 */
import { join } from 'node:path';
import { HibikiError } from '../errors.js';
import { evaluateMultiLabel, writeEvaluation, type EvaluateOptions, type MetricsRecord } from './evaluate.js';
import { posteriorsToEvents, type PostprocessOptions } from './postprocess.js';
import { writeTimelines, type TimelineEntry } from './report/experiment.js';
import { writeEventList, type EventItem } from './sed/event-list.js';
import { scoreEventLists, type ScoreEventsOptions, type ScoreEventsResult } from './sed/score.js';

/** One evaluated recording. */
export interface EventFileInput {
  /** File name used in event lists (e.g. the wav basename, as DCASE lists name files). */
  file: string;
  /** `[frames, classes]` row-major sigmoid outputs. */
  posteriors: Float32Array | Float64Array;
  /** `[frames, classes]` 0/1 frame targets (for the frame-level metrics). */
  targets: Uint8Array;
  /** Reference events of this file, seconds. */
  reference: ReadonlyArray<Pick<EventItem, 'onset' | 'offset' | 'label'>>;
  /** Audio path for the report's spectrogram (optional). */
  audio?: string;
  /** Duration, seconds (optional; for the timeline). */
  duration?: number;
}

export interface EvaluateEventsOptions extends EvaluateOptions {
  labels: readonly string[];
  /** Post-processing (labels and file are filled in). */
  postprocess: Omit<PostprocessOptions, 'labels' | 'file'>;
  /** sed_eval options (collar, segment length, matching...). */
  scoring?: Omit<ScoreEventsOptions, 'labels'>;
  /** Timelines written for the report; default 3. */
  timelines?: number;
}

/**
 * Evaluates every file; with `outDir`, writes metrics.json, `detected.tsv` (DCASE list of the
 * post-processed events), `reference.tsv` and `timelines.json` there.
 */
export function evaluateEventPosteriors(files: readonly EventFileInput[], options: EvaluateEventsOptions): { record: MetricsRecord; detected: EventItem[]; scores: ScoreEventsResult } {
  const c = options.labels.length;
  let total = 0;
  for (const f of files) {
    if (f.posteriors.length !== f.targets.length || f.posteriors.length % c !== 0) {
      throw new HibikiError('EVAL_SHAPE', 'posteriors and targets must both be [frames, classes]', { utterance: f.file, expected: `equal lengths, multiple of ${c}`, found: `${f.posteriors.length} and ${f.targets.length}` });
    }
    total += f.posteriors.length;
  }
  const posteriors = new Float32Array(total);
  const targets = new Uint8Array(total);
  let at = 0;
  const reference: EventItem[] = [];
  const detected: EventItem[] = [];
  for (const f of files) {
    posteriors.set(f.posteriors, at);
    targets.set(f.targets, at);
    at += f.posteriors.length;
    for (const e of f.reference) reference.push({ file: f.file, onset: e.onset, offset: e.offset, label: e.label });
    detected.push(...posteriorsToEvents(f.posteriors, { ...options.postprocess, labels: options.labels, file: f.file }));
  }
  const names = files.map((f) => f.file);
  const scores = scoreEventLists({ events: reference, files: names }, { events: detected, files: names }, { ...options.scoring, labels: options.labels });
  const { outDir, ...rest } = options;
  const record = evaluateMultiLabel({ posteriors, targets, numClasses: c }, { ...rest, labels: options.labels, events: { segmentBased: scores.segmentBased, eventBased: scores.eventBased } });
  record.task = 'events';
  if (outDir !== undefined) {
    writeEvaluation(outDir, record);
    writeEventList(join(outDir, 'detected.tsv'), detected);
    writeEventList(join(outDir, 'reference.tsv'), reference);
    const shown: TimelineEntry[] = files.slice(0, options.timelines ?? 3).map((f) => ({
      file: f.file,
      ...(f.audio !== undefined ? { audio: f.audio } : {}),
      ...(f.duration !== undefined ? { duration: f.duration } : {}),
      reference: reference.filter((e) => e.file === f.file).map(({ onset, offset, label }) => ({ onset, offset, label })),
      detected: detected.filter((e) => e.file === f.file).map(({ onset, offset, label }) => ({ onset, offset, label })),
    }));
    writeTimelines(outDir, shown);
  }
  return { record, detected, scores };
}
