/**
 * `writeReport`: one self-contained report.html for one or more experiments: training curves,
 * per evaluated set a summary, confusion heatmap, reliability diagram and per-class table, sound
 * event results and timelines over spectrograms, and a side-by-side comparison when several
 * experiments are given (e.g. the label-smoothing study). Figures are inline SVG rendered in
 * Node; spectrograms are inline PNG data URIs. The page loads nothing from the network.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HibikiError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { readAudio } from '../../audio/index.js';
import type { SedResults } from '../sed/results.js';
import { comparisonSpec, confusionSpec, devCurveSpec, escapeXml, lossCurveSpec, reliabilitySpec, renderSvg, timelineSpec } from './charts.js';
import { readExperiment, type EvalSetData, type ExperimentData, type TimelineEntry } from './experiment.js';
import { figure, fmt, idAllocator, page, pct, slug, table, uniqueNames } from './html.js';
import { pngDataUri } from './png.js';
import { spectrogramPng } from './spectrogram.js';

export interface WriteReportOptions {
  /** Experiment directories; the first is the main one, the others are compared with it. */
  expDirs: readonly string[];
  /** Output file; default `<first exp>/report.html`. */
  out?: string;
  /** Timelines shown per evaluated set; default 3. */
  maxTimelines?: number;
  /**
   * Display names, one per entry of `expDirs` (default each directory's base name, e.g. a
   * study's groups as "loss=hard, data.jitterMs=40" instead of every run's "eval"). Repeated
   * names get " (2)", " (3)", ...; element ids are slugs made unique over the page.
   */
  names?: readonly string[];
}

const num = (v: number | null | undefined): number | null => (v === null || v === undefined || Number.isNaN(v) ? null : v);

async function trainingSection(exps: readonly ExperimentData[]): Promise<string> {
  const loss = exps.flatMap((e) =>
    e.steps.length > 0 ? e.steps.map((s) => ({ exp: e.name, step: s.step, loss: s.loss })) : e.epochs.map((r) => ({ exp: e.name, step: r.step, loss: r.trainLoss })),
  );
  const dev = exps.flatMap((e) => e.epochs.flatMap((r) => Object.entries(r.dev ?? {}).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)).map(([metric, value]) => ({ exp: e.name, epoch: r.epoch, metric, value }))));
  if (loss.length === 0 && dev.length === 0) return `<section id="training"><h2>Training</h2><p class="note">No train.jsonl records found.</p></section>`;
  let html = `<section id="training"><h2>Training</h2>`;
  if (loss.length > 0) html += figure(await renderSvg(lossCurveSpec(loss), 'plot-training-loss', 'Training loss per step'), 'Training loss (train.jsonl step records).');
  if (dev.length > 0) html += figure(await renderSvg(devCurveSpec(dev), 'plot-dev-metrics', 'Validation metrics per epoch'), 'Validation metrics at each epoch end.');
  return html + '</section>';
}

function sedTable(r: SedResults, id: string): string {
  const o = r.overall;
  const rows: Array<Array<string | number>> = [['overall (micro)', o.counts.Nref, o.counts.Nsys, pct(num(o.fMeasure.fMeasure)), pct(num(o.fMeasure.precision)), pct(num(o.fMeasure.recall)), fmt(num(o.errorRate.errorRate), 2)]];
  const a = r.classWiseAverage;
  rows.push(['class-wise average (macro)', '', '', pct(num(a.fMeasure.fMeasure)), pct(num(a.fMeasure.precision)), pct(num(a.fMeasure.recall)), fmt(num(a.errorRate.errorRate), 2)]);
  for (const c of r.classWise) rows.push([c.label, c.counts.Nref, c.counts.Nsys, pct(num(c.fMeasure.fMeasure)), pct(num(c.fMeasure.precision)), pct(num(c.fMeasure.recall)), fmt(num(c.errorRate.errorRate), 2)]);
  const caption = r.kind === 'segment-based' ? `Segment-based (segment ${String(r.parameters.timeResolution)} s)` : `Event-based (collar ${String(r.parameters.tCollar)} s, ${String(r.parameters.matching)} matching)`;
  return table(['', 'Nref', 'Nsys', 'F1', 'precision', 'recall', 'ER'], rows, { id, caption });
}

async function timelineFigure(t: TimelineEntry, id: string): Promise<string> {
  let image: { uri: string; maxHz: number } | undefined;
  let duration = t.duration ?? Math.max(0, ...t.reference.map((e) => e.offset), ...t.detected.map((e) => e.offset));
  let note = '';
  if (t.audio !== undefined) {
    if (existsSync(t.audio)) {
      const audio = readAudio(t.audio);
      const s = spectrogramPng(audio.samples, audio.sampleRate, { maxHz: Math.min(8000, audio.sampleRate / 2) });
      image = { uri: pngDataUri(s.png), maxHz: s.maxHz };
      if (t.duration === undefined) duration = s.durationSec;
    } else {
      note = ` (audio ${t.audio} not found: no spectrogram)`;
    }
  }
  const spec = timelineSpec({ file: t.file, duration: Math.max(duration, 1e-3), reference: t.reference, detected: t.detected }, image);
  return figure(await renderSvg(spec, id, `Reference and detected events of ${t.file}`), `Reference (green) and detected (orange) events${image !== undefined ? ' over the log-power spectrogram' : ''}${note}.`);
}

/** `base`: this experiment's and set's unique id part, as in `table-summary-<base>`. */
async function evalSection(exp: ExperimentData, ev: EvalSetData, base: string, maxTimelines: number): Promise<string> {
  const m = ev.metrics;
  let html = `<h3>Evaluation: ${escapeXml(ev.set)}</h3>`;
  if (m.frame !== undefined) {
    const f = m.frame;
    html += table(['frames', 'FER', 'accuracy', 'NLL (nats)', 'Brier', `ECE (${f.eceBins} ${f.eceBinning})`, 'MCE'], [[f.frames, pct(num(f.fer), 2), pct(num(f.accuracy), 2), fmt(num(f.nll)), fmt(num(f.brier)), fmt(num(f.ece), 4), fmt(num(f.mce), 3)]], { id: `table-summary-${base}`, caption: 'Frame classification', numericFrom: 0 });
    html += figure(await renderSvg(confusionSpec(m.labels, f.confusion, `Confusion (${exp.name}, ${ev.set})`), `plot-confusion-${base}`, `Confusion matrix of ${exp.name} on ${ev.set}`), 'Rows: reference; columns: prediction; colour: share of the row.');
    html += figure(await renderSvg(reliabilitySpec([{ name: exp.name, bins: f.reliability }], `Reliability (${exp.name}, ${ev.set})`), `plot-reliability-${base}`, `Reliability diagram of ${exp.name} on ${ev.set}`), 'Accuracy against mean confidence per bin; the dashed diagonal is perfect calibration.');
    html += table(
      ['class', 'frames', 'errors', 'FER', 'precision', 'recall', 'F1'],
      f.perClass.map((c) => [c.label, c.count, c.errors, pct(num(c.fer)), pct(num(c.precision)), pct(num(c.recall)), pct(num(c.f1))]),
      { id: `table-classes-${base}`, caption: 'Per class' },
    );
  }
  if (m.multilabel !== undefined) {
    const ml = m.multilabel;
    html += table(['frames', 'micro P', 'micro R', 'micro F1', 'macro F1', 'mean ECE'], [[ml.frames, pct(num(ml.micro.precision)), pct(num(ml.micro.recall)), pct(num(ml.micro.f1)), pct(num(ml.macro.f1)), fmt(num(ml.meanEce), 4)]], { id: `table-summary-${base}`, caption: 'Frame-level multi-label', numericFrom: 0 });
    const shown = ml.perClass.slice(0, 8).map((c, i) => ({ name: c.label, bins: ml.reliability[i] ?? [] }));
    html += figure(await renderSvg(reliabilitySpec(shown, `Per-class reliability (${exp.name}, ${ev.set})`), `plot-reliability-${base}`, `Per-class reliability diagram of ${exp.name} on ${ev.set}`), `Fraction of active frames against mean predicted probability${ml.perClass.length > 8 ? ' (first 8 classes)' : ''}.`);
    html += table(
      ['class', 'support', 'predicted', 'threshold', 'precision', 'recall', 'F1', 'ECE'],
      ml.perClass.map((c) => [c.label, c.support, c.predicted, fmt(c.threshold, 2), pct(num(c.precision)), pct(num(c.recall)), pct(num(c.f1)), fmt(num(c.ece), 4)]),
      { id: `table-classes-${base}`, caption: 'Per class' },
    );
  }
  if (m.events?.segmentBased !== undefined) html += sedTable(m.events.segmentBased, `table-segment-${base}`);
  if (m.events?.eventBased !== undefined) html += sedTable(m.events.eventBased, `table-event-${base}`);
  for (const [i, t] of ev.timelines.slice(0, maxTimelines).entries()) html += await timelineFigure(t, `plot-timeline-${base}-${i}`);
  return html;
}

function summaryRow(exp: ExperimentData, ev: EvalSetData): Array<string | number> {
  const m = ev.metrics;
  return [
    exp.name,
    ev.set,
    pct(num(m.frame?.fer), 2),
    fmt(num(m.frame?.nll)),
    fmt(num(m.frame?.brier)),
    fmt(num(m.frame?.ece), 4),
    pct(num(m.multilabel?.micro.f1)),
    fmt(num(m.multilabel?.meanEce), 4),
    pct(num(m.events?.segmentBased?.overall.fMeasure.fMeasure)),
    fmt(num(m.events?.segmentBased?.overall.errorRate.errorRate), 2),
    pct(num(m.events?.eventBased?.overall.fMeasure.fMeasure)),
    fmt(num(m.events?.eventBased?.overall.errorRate.errorRate), 2),
  ];
}

async function comparisonSection(exps: readonly ExperimentData[]): Promise<string> {
  const rows = exps.flatMap((e) => e.evals.map((ev) => summaryRow(e, ev)));
  let html = `<section id="comparison"><h2>Comparison</h2>`;
  html += table(['experiment', 'set', 'FER', 'NLL', 'Brier', 'ECE', 'frame F1 (micro)', 'mean ECE', 'segment F1', 'segment ER', 'event F1', 'event ER'], rows, { id: 'table-comparison', numericFrom: 2 });
  const sets = [...new Set(exps.flatMap((e) => e.evals.map((v) => v.set)))];
  for (const set of sets) {
    const bars: Array<{ exp: string; metric: string; value: number }> = [];
    const rel: Array<{ name: string; bins: NonNullable<EvalSetData['metrics']['frame']>['reliability'] }> = [];
    for (const e of exps) {
      const ev = e.evals.find((v) => v.set === set);
      if (ev === undefined) continue;
      const m = ev.metrics;
      const add = (metric: string, v: number | null | undefined): void => {
        const x = num(v);
        if (x !== null) bars.push({ exp: e.name, metric, value: x });
      };
      add('FER', m.frame?.fer);
      add('NLL', m.frame?.nll);
      add('Brier', m.frame?.brier);
      add('ECE', m.frame?.ece);
      add('frame F1 (micro)', m.multilabel?.micro.f1);
      add('mean ECE', m.multilabel?.meanEce);
      add('segment F1', m.events?.segmentBased?.overall.fMeasure.fMeasure);
      add('event F1', m.events?.eventBased?.overall.fMeasure.fMeasure);
      if (m.frame !== undefined) rel.push({ name: e.name, bins: m.frame.reliability });
    }
    if (bars.length > 0) html += figure(await renderSvg(comparisonSpec(bars), `plot-comparison-${slug(set)}`, `Metrics of the experiments on ${set}`), `Metrics on ${set}, one bar per experiment.`);
    if (rel.length > 1) html += figure(await renderSvg(reliabilitySpec(rel, `Reliability on ${set}`), `plot-reliability-comparison-${slug(set)}`, `Reliability diagrams of the experiments on ${set}`), 'Calibration of each experiment (label smoothing moves these curves).');
  }
  return html + '</section>';
}

/**
 * Writes the report and returns its path.
 * @throws HibikiError EXP_NOT_FOUND when a directory is missing; REPORT_EMPTY with no experiment
 */
export async function writeReport(options: WriteReportOptions): Promise<string> {
  if (options.expDirs.length === 0) throw new HibikiError('REPORT_EMPTY', 'no experiment directory given', { expected: 'at least one --exp' });
  if (options.names !== undefined && options.names.length !== options.expDirs.length) {
    throw new HibikiError('REPORT_BAD_NAMES', 'one name per experiment directory', { expected: `${options.expDirs.length} names`, found: `${options.names.length}: ${options.names.join(', ')}` });
  }
  const read = options.expDirs.map(readExperiment);
  const names = uniqueNames(options.names ?? read.map((e) => e.name));
  const exps = read.map((e, i) => ({ ...e, name: names[i]! }));
  // One allocator for every per-experiment id part: an experiment "comparison" must not take the
  // comparison section's plot ids, and "a b" + set "c" must not meet "a" + set "b-c".
  const sets = [...new Set(exps.flatMap((e) => e.evals.map((v) => v.set)))];
  const evalId = idAllocator(sets.map((set) => `comparison-${slug(set)}`));
  const expId = idAllocator();
  const out = options.out ?? join(options.expDirs[0]!, 'report.html');
  const maxTimelines = options.maxTimelines ?? 3;
  let body = '';
  if (exps.length > 1) body += await comparisonSection(exps);
  body += await trainingSection(exps);
  for (const exp of exps) {
    let sec = `<section id="exp-${expId(exp.name)}"><h2>${escapeXml(exp.name)}</h2>`;
    if (exp.evals.length === 0) sec += '<p class="note">No eval/&lt;set&gt;/metrics.json found.</p>';
    for (const ev of exp.evals) sec += await evalSection(exp, ev, evalId(`${exp.name}-${ev.set}`), maxTimelines);
    body += sec + '</section>';
  }
  const title = exps.length === 1 ? `hibiki report: ${exps[0]!.name}` : `hibiki report: ${exps.map((e) => e.name).join(' vs ')}`;
  const subtitle = `${exps.length} experiment(s) · generated ${new Date().toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  writeFileAtomic(out, page(title, subtitle, body));
  return out;
}
