/**
 * Scores a reference and an estimated event list file by file with both sed_eval metrics, and
 * formats a sed_eval-style text report.
 */
import { writeFileAtomic } from '../../util/atomic.js';
import { eventsOfFile, readEventList, uniqueLabels, type EventList } from './event-list.js';
import { EventBasedMetrics, type EventBasedOptions } from './event-based.js';
import { SegmentBasedMetrics } from './segment-based.js';
import type { SedResults } from './results.js';

export interface ScoreEventsOptions extends EventBasedOptions {
  /** Segment length, seconds; default 1.0. */
  segmentLength?: number;
  /** Labels to evaluate; default the sorted union of reference and estimated labels. */
  labels?: readonly string[];
}

export interface ScoreEventsResult {
  /** Files evaluated, reference files first (in order), then files only the estimate names. */
  files: string[];
  labels: string[];
  segmentBased: SedResults;
  eventBased: SedResults;
}

/**
 * Evaluates every file named by the reference (files listed without events count as empty) and
 * every file only the estimate names (its events are insertions), accumulating over files as
 * sed_eval does.
 */
export function scoreEventLists(reference: EventList, estimated: EventList, options: ScoreEventsOptions = {}): ScoreEventsResult {
  const labels = options.labels !== undefined ? [...options.labels] : uniqueLabels([...reference.events, ...estimated.events]);
  const files = [...reference.files];
  const known = new Set(files);
  for (const f of estimated.files) if (!known.has(f)) files.push(f);
  const seg = new SegmentBasedMetrics(labels, {
    timeResolution: options.segmentLength ?? 1.0,
    ...(options.emptySystemOutput !== undefined ? { emptySystemOutput: options.emptySystemOutput } : {}),
  });
  const ev = new EventBasedMetrics(labels, options);
  for (const f of files) {
    const r = eventsOfFile(reference.events, f);
    const e = eventsOfFile(estimated.events, f);
    seg.evaluate(r, e);
    ev.evaluate(r, e);
  }
  return { files, labels, segmentBased: seg.results(), eventBased: ev.results() };
}

const pct = (x: number): string => (Number.isNaN(x) ? '  nan' : (x * 100).toFixed(1).padStart(5)) + ' %';
const rate = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? ' nan' : x.toFixed(2));

/** sed_eval-style text report of one metric object. */
export function formatSedReport(r: SedResults): string {
  const title =
    r.kind === 'segment-based'
      ? 'Segment based metrics'
      : `Event based metrics (${r.parameters.evaluateOnset === true && r.parameters.evaluateOffset === true ? 'onset-offset' : r.parameters.evaluateOnset === true ? 'onset only' : 'offset only'})`;
  const lines: string[] = [title, '='.repeat(70)];
  lines.push(`  Evaluated length  : ${r.evaluatedLength.toFixed(2)} sec`);
  lines.push(`  Evaluated files   : ${r.evaluatedFiles}`);
  if (r.kind === 'segment-based') lines.push(`  Segment length    : ${Number(r.parameters.timeResolution).toFixed(2)} sec`);
  else {
    lines.push(`  T collar          : ${(Number(r.parameters.tCollar) * 1000).toFixed(0)} ms`);
    lines.push(`  Offset (length)   : ${(Number(r.parameters.percentageOfLength) * 100).toFixed(0)} %`);
    lines.push(`  Event matching    : ${String(r.parameters.matching)}`);
  }
  const block = (name: string, f: SedResults['overall']['fMeasure'], e: SedResults['overall']['errorRate'], a: SedResults['overall']['accuracy']): void => {
    lines.push('', `  ${name}`, `  ${'-'.repeat(name.length)}`);
    lines.push(`  F-measure (F1)    : ${pct(f.fMeasure)}`, `  Precision         : ${pct(f.precision)}`, `  Recall            : ${pct(f.recall)}`);
    lines.push(`  Error rate (ER)   : ${rate(e.errorRate)}`);
    if (e.substitutionRate !== undefined) lines.push(`  Substitution rate : ${rate(e.substitutionRate)}`);
    lines.push(`  Deletion rate     : ${rate(e.deletionRate)}`, `  Insertion rate    : ${rate(e.insertionRate)}`);
    if (a !== undefined) {
      lines.push(`  Sensitivity       : ${pct(a.sensitivity)}`, `  Specificity       : ${pct(a.specificity)}`);
      lines.push(`  Balanced accuracy : ${pct(a.balancedAccuracy)}`, `  Accuracy          : ${pct(a.accuracy)}`);
    }
  };
  block('Overall metrics (micro-average)', r.overall.fMeasure, r.overall.errorRate, r.overall.accuracy);
  block('Class-wise average metrics (macro-average)', r.classWiseAverage.fMeasure, r.classWiseAverage.errorRate, r.classWiseAverage.accuracy);
  lines.push('', '  Class-wise metrics', '  ------------------');
  const w = Math.max(17, ...r.classWise.map((c) => c.label.length));
  lines.push(`  ${'Event label'.padEnd(w)} | Nref | Nsys |    F    |   Pre   |   Rec   |  ER  | Del  | Ins`);
  for (const c of r.classWise) {
    lines.push(
      `  ${c.label.padEnd(w)} | ${String(c.counts.Nref).padStart(4)} | ${String(c.counts.Nsys).padStart(4)} | ${pct(c.fMeasure.fMeasure)} | ${pct(c.fMeasure.precision)} | ${pct(c.fMeasure.recall)} | ${rate(c.errorRate.errorRate)} | ${rate(c.errorRate.deletionRate)} | ${rate(c.errorRate.insertionRate)}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Options of `scoreEventFiles` (the `hibiki score events` command). */
export interface ScoreEventFilesOptions extends ScoreEventsOptions {
  /** Reference event list path. */
  ref: string;
  /** Estimated (hypothesis) event list path. */
  hyp: string;
  /** When given, the results are also written there as JSON (NaN as null). */
  jsonPath?: string;
}

/** JSON text of scoring results; non-finite numbers become null. */
export function scoreEventsToJson(result: ScoreEventsResult): string {
  return JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

/**
 * Reads two event lists, scores them (segment- and event-based) and returns the results with a
 * sed_eval-style text report; writes JSON when `jsonPath` is set.
 */
export function scoreEventFiles(options: ScoreEventFilesOptions): { result: ScoreEventsResult; report: string } {
  const result = scoreEventLists(readEventList(options.ref), readEventList(options.hyp), options);
  const report = `reference: ${options.ref}\nestimated: ${options.hyp}\nfiles: ${result.files.length}, labels: ${result.labels.length}\n\n${formatSedReport(result.segmentBased)}\n${formatSedReport(result.eventBased)}`;
  if (options.jsonPath !== undefined) writeFileAtomic(options.jsonPath, scoreEventsToJson(result));
  return { result, report };
}
