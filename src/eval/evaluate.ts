/**
 * Evaluation entry points the `hibiki eval` command calls: frame posteriors + targets in,
 * a metrics record out, written as `exp/<name>/eval/<set>/metrics.json` (schema in
 * docs/evaluation.md). Undefined values (NaN, e.g. the precision of a never-predicted class) are
 * written as JSON `null`.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { HibikiError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { topLabelCalibration, type Binning, type ReliabilityBin } from './calibration.js';
import {
  brierScore,
  checkFramePosteriors,
  confusionMatrix,
  frameErrorRates,
  negativeLogLikelihood,
  type ClassFrameMetrics,
  type FramePosteriors,
} from './frame-metrics.js';
import { multiLabelMetrics, type MultiLabelClassMetrics, type MultiLabelInput, type PrfAverage } from './multilabel.js';
import type { SedResults } from './sed/results.js';

/** Version tag of the metrics.json layout. */
export const METRICS_SCHEMA = 'hibiki-metrics/1';

/** Options shared by the evaluators. */
export interface EvaluateOptions {
  /** Class names, index = class id; default "0", "1", ... */
  labels?: readonly string[];
  /** Calibration bins, default 15. */
  bins?: number;
  /** Calibration binning, default equal-width. */
  binning?: Binning;
  /** Name of the evaluated set (recorded in the file). */
  set?: string;
  /** When given, metrics.json is written into this directory. */
  outDir?: string;
}

export interface FrameEvaluation {
  frames: number;
  errors: number;
  fer: number;
  accuracy: number;
  /** Mean NLL of the reference class, nats. */
  nll: number;
  brier: number;
  ece: number;
  mce: number;
  eceBins: number;
  eceBinning: Binning;
  reliability: ReliabilityBin[];
  /** `[reference][predicted]` counts. */
  confusion: number[][];
  perClass: Array<ClassFrameMetrics & { label: string }>;
}

export interface MultiLabelEvaluation {
  frames: number;
  eceBins: number;
  eceBinning: Binning;
  perClass: Array<MultiLabelClassMetrics & { label: string }>;
  micro: PrfAverage;
  macro: PrfAverage;
  /** Mean per-class ECE (over classes with a defined ECE). */
  meanEce: number;
  /** Reliability bins of each class, same order as `perClass`. */
  reliability: ReliabilityBin[][];
}

/** Sound-event (sed_eval-equivalent) results. */
export interface EventEvaluation {
  segmentBased?: SedResults;
  eventBased?: SedResults;
}

/** The whole metrics.json record. */
export interface MetricsRecord {
  schema: typeof METRICS_SCHEMA;
  task: 'frame' | 'multilabel' | 'events';
  set?: string;
  createdAt: string;
  labels: string[];
  frame?: FrameEvaluation;
  multilabel?: MultiLabelEvaluation;
  events?: EventEvaluation;
}

function labelsFor(k: number, labels: readonly string[] | undefined): string[] {
  if (labels === undefined) return Array.from({ length: k }, (_, i) => String(i));
  if (labels.length !== k) {
    throw new HibikiError('EVAL_SHAPE', 'one label per class expected', { expected: String(k), found: String(labels.length) });
  }
  return [...labels];
}

/**
 * Evaluates a single-label frame classifier: FER (overall and per class), confusion matrix, NLL,
 * Brier score, top-label ECE and reliability bins. Writes `<outDir>/metrics.json` when asked.
 * @param input posteriors `[frames, classes]`, targets `[frames]`, optional mask `[frames]`
 */
export function evaluateFramePosteriors(input: FramePosteriors, options: EvaluateOptions = {}): MetricsRecord {
  checkFramePosteriors(input);
  const labels = labelsFor(input.numClasses, options.labels);
  const bins = options.bins ?? 15;
  const binning = options.binning ?? 'equal-width';
  const confusion = confusionMatrix(input);
  const rates = frameErrorRates(confusion);
  const cal = topLabelCalibration(input, bins, binning);
  const frame: FrameEvaluation = {
    frames: rates.frames,
    errors: rates.errors,
    fer: rates.fer,
    accuracy: 1 - rates.fer,
    nll: negativeLogLikelihood(input),
    brier: brierScore(input),
    ece: cal.ece,
    mce: cal.mce,
    eceBins: bins,
    eceBinning: binning,
    reliability: cal.bins,
    confusion,
    perClass: rates.perClass.map((m, i) => ({ label: labels[i]!, ...m })),
  };
  const record: MetricsRecord = { schema: METRICS_SCHEMA, task: 'frame', createdAt: new Date().toISOString(), labels, frame };
  if (options.set !== undefined) record.set = options.set;
  if (options.outDir !== undefined) writeEvaluation(options.outDir, record);
  return record;
}

/**
 * Evaluates a multi-label (sigmoid) frame model: per-class P/R/F1 at the threshold, micro and
 * macro averages, per-class ECE. Writes `<outDir>/metrics.json` when asked.
 * @param threshold p >= threshold counts as active; one value or one per class; default 0.5
 */
export function evaluateMultiLabel(
  input: MultiLabelInput,
  options: EvaluateOptions & { threshold?: number | readonly number[]; events?: EventEvaluation } = {},
): MetricsRecord {
  const labels = labelsFor(input.numClasses, options.labels);
  const bins = options.bins ?? 15;
  const binning = options.binning ?? 'equal-width';
  const m = multiLabelMetrics(input, options.threshold ?? 0.5, bins, binning);
  const eces = m.perClass.map((c) => c.ece).filter((e) => !Number.isNaN(e));
  const multilabel: MultiLabelEvaluation = {
    frames: m.frames,
    eceBins: bins,
    eceBinning: binning,
    perClass: m.perClass.map((c, i) => ({ label: labels[i]!, ...c })),
    micro: m.micro,
    macro: m.macro,
    meanEce: eces.length === 0 ? NaN : eces.reduce((a, b) => a + b, 0) / eces.length,
    reliability: m.calibration.map((c) => c.bins),
  };
  const record: MetricsRecord = { schema: METRICS_SCHEMA, task: 'multilabel', createdAt: new Date().toISOString(), labels, multilabel };
  if (options.events !== undefined) record.events = options.events;
  if (options.set !== undefined) record.set = options.set;
  if (options.outDir !== undefined) writeEvaluation(options.outDir, record);
  return record;
}

/** JSON text of a record; non-finite numbers become null. */
export function metricsToJson(record: MetricsRecord): string {
  return JSON.stringify(record, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n';
}

/**
 * Writes `<dir>/metrics.json` atomically.
 * @returns the path written
 */
export function writeEvaluation(dir: string, record: MetricsRecord): string {
  const path = join(dir, 'metrics.json');
  writeFileAtomic(path, metricsToJson(record));
  return path;
}

/** Reads a metrics.json (nulls stay null: callers treat them as "undefined value"). */
export function readEvaluation(path: string): MetricsRecord {
  if (!existsSync(path)) throw new HibikiError('FILE_NOT_FOUND', 'no such metrics file', { file: path });
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new HibikiError('METRICS_PARSE', 'metrics file is not valid JSON', { file: path, cause });
  }
  const v = value as Partial<MetricsRecord> | null;
  if (v === null || typeof v !== 'object' || v.schema !== METRICS_SCHEMA) {
    throw new HibikiError('METRICS_SCHEMA', 'not a hibiki metrics file', { file: path, expected: METRICS_SCHEMA, found: String(v?.schema) });
  }
  return v as MetricsRecord;
}
