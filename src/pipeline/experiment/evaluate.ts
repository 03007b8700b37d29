/**
 * `evaluateExperiment` and `decodeExperiment`: the exported model of an experiment (its
 * `model/`, the same files `hibiki infer` uses) run over a data set whose features are extracted
 * (cached) into `<expDir>/feats/<set>`.
 * - frame: FER overall and per class, confusion, NLL, Brier, ECE and reliability
 *   (`eval/<set>/metrics.json`); decode writes per-frame labels and the predicted alignment.
 * - multilabel: per-class P/R/F1, ECE, sed_eval segment- and event-based metrics after
 *   post-processing, `detected.tsv`; decode writes the DCASE event list.
 * - ctc: greedy or beam decoding, `decode/<set>/hyp.trn` + `ref.trn`, token error rate scored
 *   from those files (equal to sclite's), CTC NLL of the references.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Vocabulary, type DataDir } from '../../data/index.js';
import {
  METRICS_SCHEMA,
  evaluateEventPosteriors,
  evaluateFramePosteriors,
  posteriorsToEvents,
  scoreTokenFiles,
  writeEventList,
  writeTrn,
  type EditCounts,
  type EventItem,
  type MetricsRecord,
  type TrnEntry,
} from '../../eval/index.js';
import { ctcLoss } from '../../nn/ctc/index.js';
import { selectBackend, type BackendName } from '../../nn/index.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { readExperimentConfig, type ExperimentConfig } from './config.js';
import { eventFileName, geometryOf, openDataset, utteranceEvents, type DatasetRef, type OpenDataset } from './datasets.js';
import { loadExperimentModel, type LoadedModel } from './frontend.js';
import { argmaxRows } from './predict.js';
import { ctcTranscripts, decodeCtc, framePosteriorsAndTargets, multiLabelPosteriors, posteriorsOf, type CtcDecodeOptions, type Network } from './scoring.js';

/** metrics.json of a CTC evaluation (schema `hibiki-metrics/1`, task `ctc`). */
export interface CtcMetricsRecord {
  schema: typeof METRICS_SCHEMA;
  task: 'ctc';
  set: string;
  createdAt: string;
  labels: string[];
  tokens: EditCounts & { mode: string; errors: number; errorRate: number; sentences: number; sentenceErrors: number; beam: number; hyp: string; ref: string };
  /** CTC negative log-likelihood of the reference transcripts, nats. */
  ctc: { utterances: number; nllPerUtterance: number; nllPerToken: number; infinite: number };
}

/** What evaluateExperiment returns (and writes as metrics.json). */
export type ExperimentMetrics = MetricsRecord | CtcMetricsRecord;

export interface EvaluateExperimentOptions {
  expDir: string;
  data: DatasetRef;
  /** Feature extraction threads (0: in this thread). Default 1. */
  numJobs?: number;
  allowOutside?: boolean;
  /** ctc: beam width override (0/1 = greedy). */
  beam?: number;
  /** tfjs backend; default the experiment config's `backend`. */
  backend?: BackendName;
  /** Calibration bins and binning; default the config's `eval.bins` / `eval.binning`. */
  bins?: number;
  binning?: 'equal-width' | 'equal-mass';
}

interface Prepared {
  config: ExperimentConfig;
  loaded: LoadedModel;
  net: Network;
  vocab: Vocabulary;
  ds: OpenDataset;
}

async function prepare(expDir: string, data: DatasetRef, options: { numJobs?: number; allowOutside?: boolean; backend?: BackendName }): Promise<Prepared> {
  const config = readExperimentConfig(expDir);
  await selectBackend(options.backend ?? config.backend);
  const loaded = await loadExperimentModel(expDir);
  const vocab = Vocabulary.fromLabels(loaded.labels, { unk: config.labels.unk });
  const ds = await openDataset(data, loaded.features, expDir, {
    ...(options.numJobs === undefined ? {} : { numJobs: options.numJobs }),
    ...(options.allowOutside === true ? { allowOutside: true } : {}),
    labelFile: { file: config.labels.evalFile ?? config.labels.file, task: config.task },
  });
  const net: Network = { model: loaded.model, shape: loaded.shape, norm: loaded.norm, outputs: 'posteriors' };
  return { config, loaded, net, vocab, ds };
}

function release(p: Prepared): void {
  p.ds.archive.close();
  p.loaded.model.dispose();
}

function decodeOptions(config: ExperimentConfig, beam: number | undefined): CtcDecodeOptions {
  return { beam: beam ?? config.eval.beam, blankPenalty: config.eval.blankPenalty, insertionBonus: config.eval.insertionBonus };
}

/** Evaluation directory of a set. */
export function evalDir(expDir: string, set: string): string {
  return join(expDir, 'eval', set);
}

/** Decoding directory of a set. */
export function decodeDir(expDir: string, set: string): string {
  return join(expDir, 'decode', set);
}

/**
 * Evaluates the experiment's exported model on a data set; writes `eval/<set>/metrics.json`
 * (plus detected.tsv etc. for multilabel, decode/<set>/ trn files for ctc).
 * @throws HibikiError `EXPERIMENT_NOT_FOUND`, `MODEL_NOT_FOUND`, data and label errors
 */
export async function evaluateExperiment(options: EvaluateExperimentOptions): Promise<ExperimentMetrics> {
  const p = await prepare(options.expDir, options.data, options);
  try {
    const { config, net, vocab, ds } = p;
    const outDir = evalDir(options.expDir, options.data.name);
    const common = { labels: vocab.labels, bins: options.bins ?? config.eval.bins, binning: options.binning ?? config.eval.binning, set: options.data.name, outDir };
    if (config.task === 'frame') {
      const { posteriors, targets } = framePosteriorsAndTargets(net, ds, config, vocab);
      return evaluateFramePosteriors({ posteriors, targets, numClasses: vocab.size }, common);
    }
    if (config.task === 'multilabel') {
      const geo = geometryOf(config);
      const events = utteranceEvents(ds.data);
      const files = multiLabelPosteriors(net, ds, config, vocab).map((f) => ({
        file: eventFileName(ds.data, f.utt),
        posteriors: f.posteriors,
        targets: f.targets,
        reference: (events.get(f.utt) ?? []).map((e) => ({ onset: e.onset, offset: e.offset, label: e.label })),
        ...audioOf(ds.data, f.utt),
        duration: (f.targets.length / vocab.size) * geo.shiftSec + (geo.lengthSec - geo.shiftSec),
      }));
      const e = config.eval;
      return evaluateEventPosteriors(files, {
        ...common,
        postprocess: { shiftSec: geo.shiftSec, lengthSec: geo.lengthSec, threshold: e.threshold, medianFrames: e.medianFrames, mergeGapSec: e.mergeGapSec, minDurationSec: e.minDurationSec },
        scoring: { tCollar: e.collarSec, segmentLength: e.segmentSec },
      }).record;
    }
    return evaluateCtc(p, options, outDir);
  } finally {
    release(p);
  }
}

function audioOf(data: DataDir, utt: string): { audio?: string } {
  const path = data.segments === undefined ? data.wavScp.get(utt) : undefined;
  return path === undefined ? {} : { audio: path };
}

function writeCtcTrn(dir: string, hyps: TrnEntry[], refs: TrnEntry[]): { hyp: string; ref: string } {
  const hyp = join(dir, 'hyp.trn');
  const ref = join(dir, 'ref.trn');
  writeTrn(hyp, hyps);
  writeTrn(ref, refs);
  return { hyp, ref };
}

async function evaluateCtc(p: Prepared, options: EvaluateExperimentOptions, outDir: string): Promise<CtcMetricsRecord> {
  const { config, net, vocab, ds } = p;
  const dec = decodeOptions(config, options.beam);
  const { hyps, refs, outputs } = ctcTranscripts(net, ds, config, vocab, dec);
  const dir = decodeDir(options.expDir, options.data.name);
  const files = writeCtcTrn(dir, hyps, refs);
  // Scored from the files written, exactly what `hibiki score tokens` (and sclite) would read.
  const { score } = scoreTokenFiles({ ref: files.ref, hyp: files.hyp, mode: config.eval.scoreMode, outDir: dir });
  let nll = 0;
  let infinite = 0;
  let tokens = 0;
  for (const o of outputs) {
    const logp = o.scores.data.map((v) => Math.log(Math.max(v, 1e-30)));
    const value = tf.tidy(() => (ctcLoss(tf.tensor3d(logp, [1, o.scores.frames, o.scores.classes]), [o.labels], { reduction: 'sum' }).dataSync() as Float32Array)[0]!);
    if (Number.isFinite(value)) {
      nll += value;
      tokens += o.labels.length;
    } else infinite += 1;
  }
  const t = score.total;
  const errors = t.sub + t.del + t.ins;
  const finiteUtts = outputs.length - infinite;
  const record: CtcMetricsRecord = {
    schema: METRICS_SCHEMA,
    task: 'ctc',
    set: options.data.name,
    createdAt: new Date().toISOString(),
    labels: [...vocab.labels],
    tokens: {
      mode: score.mode,
      ...t,
      errors,
      errorRate: t.refLength === 0 ? (errors === 0 ? 0 : Infinity) : errors / t.refLength,
      sentences: score.utterances.length,
      sentenceErrors: score.sentenceErrors,
      beam: dec.beam,
      hyp: files.hyp,
      ref: files.ref,
    },
    ctc: { utterances: outputs.length, nllPerUtterance: finiteUtts === 0 ? NaN : nll / finiteUtts, nllPerToken: tokens === 0 ? NaN : nll / tokens, infinite },
  };
  writeFileAtomic(join(outDir, 'metrics.json'), JSON.stringify(record, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
  return record;
}

export interface DecodeExperimentOptions {
  expDir: string;
  data: DatasetRef;
  /** Output directory; default `<expDir>/decode/<set>`. */
  outDir?: string;
  /** ctc: beam width (0/1 = greedy); default the config's `eval.beam`. */
  beam?: number;
  numJobs?: number;
  allowOutside?: boolean;
  /** tfjs backend; default the experiment config's `backend`. */
  backend?: BackendName;
}

export interface DecodeSummary {
  outDir: string;
  /** Files written. */
  files: string[];
  utterances: number;
}

/**
 * Decodes a data set with the experiment's exported model.
 * ctc: `hyp.trn` (and `ref.trn` when the data has `text`); frame: `frame-labels.txt`
 * (`utt label label ...`, one label per frame) and `alignment` (`utt start end label`, seconds,
 * runs of equal labels); multilabel: `detected.tsv` (DCASE `filename onset offset event_label`).
 */
export async function decodeExperiment(options: DecodeExperimentOptions): Promise<DecodeSummary> {
  const p = await prepare(options.expDir, options.data, options);
  try {
    const { config, net, vocab, ds } = p;
    const outDir = options.outDir ?? decodeDir(options.expDir, options.data.name);
    const geo = geometryOf(config);
    if (config.task === 'ctc') {
      if (ds.data.text !== undefined) {
        const { hyps, refs } = ctcTranscripts(net, ds, config, vocab, decodeOptions(config, options.beam));
        const f = writeCtcTrn(outDir, hyps, refs);
        return { outDir, files: [f.hyp, f.ref], utterances: hyps.length };
      }
      const hyps: TrnEntry[] = [];
      for (const { utt, scores } of posteriorsOf(net, ds, 'softmax')) {
        hyps.push({ id: utt, tokens: decodeCtc(scores, 'posteriors', decodeOptions(config, options.beam)).tokens.map((k) => vocab.labels[k]!) });
      }
      const hyp = join(outDir, 'hyp.trn');
      writeTrn(hyp, hyps);
      return { outDir, files: [hyp], utterances: hyps.length };
    }
    if (config.task === 'frame') {
      const lines: string[] = [];
      const align: string[] = [];
      for (const { utt, scores } of posteriorsOf(net, ds, 'softmax')) {
        const best = argmaxRows(scores);
        lines.push(`${utt} ${Array.from(best, (k) => vocab.labels[k]!).join(' ')}`);
        for (const s of frameRuns(best, geo)) align.push(`${utt} ${fmt(s.start)} ${fmt(s.end)} ${vocab.labels[s.label]!}`);
      }
      const a = join(outDir, 'frame-labels.txt');
      const b = join(outDir, 'alignment');
      writeFileAtomic(a, lines.join('\n') + '\n');
      writeFileAtomic(b, align.join('\n') + '\n');
      return { outDir, files: [a, b], utterances: lines.length };
    }
    const e = config.eval;
    const events: EventItem[] = [];
    let n = 0;
    for (const { utt, scores } of posteriorsOf(net, ds, 'sigmoid')) {
      n += 1;
      events.push(...posteriorsToEvents(scores.data, { labels: vocab.labels, file: eventFileName(ds.data, utt), shiftSec: geo.shiftSec, lengthSec: geo.lengthSec, threshold: e.threshold, medianFrames: e.medianFrames, mergeGapSec: e.mergeGapSec, minDurationSec: e.minDurationSec }));
    }
    const path = join(outDir, 'detected.tsv');
    writeEventList(path, events);
    return { outDir, files: [path], utterances: n };
  } finally {
    release(p);
  }
}

function fmt(x: number): string {
  return Number(x.toFixed(4)).toString();
}

/**
 * Runs of equal frame labels as time segments, by the frame convention: frame i's centre is
 * `i*shift + length/2`, and a run a..b covers `[c_a - shift/2, c_b + shift/2)`, start clipped at 0.
 */
export function frameRuns(labels: ArrayLike<number>, geo: { shiftSec: number; lengthSec: number }): { start: number; end: number; label: number }[] {
  const out: { start: number; end: number; label: number }[] = [];
  const centre = (i: number): number => i * geo.shiftSec + geo.lengthSec / 2;
  let a = 0;
  for (let i = 1; i <= labels.length; i++) {
    if (i === labels.length || labels[i] !== labels[a]) {
      out.push({ start: Math.max(0, centre(a) - geo.shiftSec / 2), end: centre(i - 1) + geo.shiftSec / 2, label: labels[a]! });
      a = i;
    }
  }
  return out;
}
