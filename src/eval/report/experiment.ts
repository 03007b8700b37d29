/**
 * Reads what a report shows from an experiment directory: `train.jsonl` (step and epoch records,
 * format in the shared contract) and `eval/<set>/metrics.json` (+ optional `timelines.json`).
 */
import { existsSync, readdirSync, statSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { HibikiError } from '../../errors.js';
import { readJsonl } from '../../util/jsonl.js';
import { writeJsonAtomic } from '../../util/atomic.js';
import { readEvaluation, type MetricsRecord } from '../evaluate.js';
import type { EventItem } from '../sed/event-list.js';

export interface StepRecord {
  kind: 'step';
  step: number;
  epoch: number;
  loss: number;
  lr?: number;
  framesPerSecond?: number;
  time?: string;
}

export interface EpochRecord {
  kind: 'epoch';
  epoch: number;
  step: number;
  trainLoss: number;
  dev?: Record<string, number>;
  time?: string;
}

/** One file's reference and detected events, for the timeline figure. */
export interface TimelineEntry {
  file: string;
  /** Audio path (absolute, or relative to the experiment directory) for the spectrogram. */
  audio?: string;
  /** Seconds shown; default the last event offset. */
  duration?: number;
  reference: Array<Pick<EventItem, 'onset' | 'offset' | 'label'>>;
  detected: Array<Pick<EventItem, 'onset' | 'offset' | 'label'>>;
}

export interface EvalSetData {
  set: string;
  metrics: MetricsRecord;
  timelines: TimelineEntry[];
}

export interface ExperimentData {
  name: string;
  dir: string;
  steps: StepRecord[];
  epochs: EpochRecord[];
  evals: EvalSetData[];
}

/** Writes `<dir>/timelines.json` (events of a few files for the report's timeline figure). */
export function writeTimelines(dir: string, entries: readonly TimelineEntry[]): string {
  const path = join(dir, 'timelines.json');
  writeJsonAtomic(path, { files: entries });
  return path;
}

function readTimelines(path: string): TimelineEntry[] {
  if (!existsSync(path)) return [];
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new HibikiError('TIMELINES_PARSE', 'timelines file is not valid JSON', { file: path, cause });
  }
  const files = (v as { files?: unknown }).files;
  if (!Array.isArray(files)) throw new HibikiError('TIMELINES_PARSE', 'timelines file has no "files" array', { file: path, expected: '{"files": [...]}' });
  return files as TimelineEntry[];
}

/** Reads an experiment directory. Missing train.jsonl or eval/ are allowed (the report says so). */
export function readExperiment(dir: string): ExperimentData {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new HibikiError('EXP_NOT_FOUND', 'experiment directory does not exist', { file: dir, expected: 'a directory with train.jsonl and/or eval/<set>/metrics.json' });
  }
  const steps: StepRecord[] = [];
  const epochs: EpochRecord[] = [];
  const log = join(dir, 'train.jsonl');
  if (existsSync(log)) {
    for (const r of readJsonl<{ kind?: string }>(log, { tolerateTornTail: true })) {
      if (r.kind === 'step' && typeof (r as StepRecord).loss === 'number') steps.push(r as StepRecord);
      else if (r.kind === 'epoch') epochs.push(r as EpochRecord);
    }
  }
  const evals: EvalSetData[] = [];
  const evalDir = join(dir, 'eval');
  if (existsSync(evalDir)) {
    for (const set of readdirSync(evalDir).sort()) {
      const metricsPath = join(evalDir, set, 'metrics.json');
      if (!existsSync(metricsPath)) continue;
      const timelines = readTimelines(join(evalDir, set, 'timelines.json')).map((t) =>
        t.audio !== undefined && !isAbsolute(t.audio) ? { ...t, audio: resolve(dir, t.audio) } : t,
      );
      evals.push({ set, metrics: readEvaluation(metricsPath), timelines });
    }
  }
  return { name: basename(resolve(dir)), dir, steps, epochs, evals };
}
