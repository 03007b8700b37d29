/**
 * `inferFiles` (`hibiki infer`): audio files in, per-frame labels out, using only an exported
 * model directory (model.json + weights + frontend.json): features are computed as the archive
 * computed them for training (same config, resampling and dither seed), normalised with the
 * stored CMVN, and run through the network. No training data is needed.
 */
import { basename, extname } from 'node:path';
import { readAudio, resample } from '../../audio/index.js';
import { posteriorsToEvents } from '../../eval/index.js';
import { selectBackend, type BackendName } from '../../nn/index.js';
import { computeFeatures, type FeatureConfig, type FeatureMatrix } from '../../features/index.js';
import { hashString, Rng } from '../../util/rng.js';
import { frameGeometryOf } from '../../data/index.js';
import { frameRuns } from './evaluate.js';
import { loadExperimentModel, type LoadedModel } from './frontend.js';
import { argmaxRows, forwardUtterance, normaliseFeatures, type FrameScores } from './predict.js';
import { decodeCtc } from './scoring.js';

export interface InferOptions {
  /** An experiment directory (its `model/`) or an exported model directory. */
  modelDir: string;
  /** Audio files (WAV or NIST SPHERE). */
  wavs: readonly string[];
  /** Include per-frame posteriors. */
  posteriors?: boolean;
  /** Include segments (frame: runs of equal labels; multilabel: post-processed events; ctc: tokens with times). */
  segments?: boolean;
  /** tfjs backend to select first; default: keep the active one. */
  backend?: BackendName;
}

/** A labelled time span, seconds. */
export interface InferSegment {
  start: number;
  end: number;
  label: string;
}

export interface InferResult {
  file: string;
  /** Utterance id: the file name without extension. */
  utt: string;
  /** Output frame shift, seconds (feature shift times the model's subsampling). */
  shiftSec: number;
  /**
   * One label per output frame: the argmax class (frame; ctc, blank included), or the active
   * classes joined with `+` (multilabel; `-` when none is active).
   */
  labels: string[];
  /** ctc: the decoded tokens. */
  tokens?: string[];
  /** `[frames][classes]` posteriors, when asked for. */
  posteriors?: number[][];
  segments?: InferSegment[];
}

/** Features of an audio file exactly as the feature archive computes them. */
export function featuresOfFile(path: string, utt: string, config: FeatureConfig): FeatureMatrix {
  const audio = readAudio(path);
  let samples = audio.samples;
  let rate = audio.sampleRate;
  if (config.sampleRate > 0 && rate !== config.sampleRate) {
    samples = resample(samples, rate, config.sampleRate);
    rate = config.sampleRate;
  }
  return computeFeatures(samples, rate, config, new Rng((config.seed ^ hashString(utt)) >>> 0));
}

function rows(scores: FrameScores): number[][] {
  return Array.from({ length: scores.frames }, (_, t) => Array.from(scores.data.subarray(t * scores.classes, (t + 1) * scores.classes)));
}

function thresholdOf(threshold: number | number[], k: number): number {
  return typeof threshold === 'number' ? threshold : threshold[k] ?? 0.5;
}

function inferOne(m: LoadedModel, path: string, options: InferOptions): InferResult {
  const utt = basename(path, extname(path));
  const feats = normaliseFeatures(featuresOfFile(path, utt, m.features), m.norm, utt);
  const scores = forwardUtterance(m.model, feats, m.shape);
  const geo = frameGeometryOf(m.features);
  const shiftSec = geo.shiftSec * m.shape.subsampling;
  const result: InferResult = { file: path, utt, shiftSec, labels: [] };
  const task = m.experiment.task;
  if (task === 'multilabel') {
    const k = scores.classes;
    for (let t = 0; t < scores.frames; t++) {
      const on = m.labels.filter((_, c) => scores.data[t * k + c]! >= thresholdOf(m.experiment.postprocess.threshold, c));
      result.labels.push(on.length === 0 ? '-' : on.join('+'));
    }
    if (options.segments === true) {
      const pp = m.experiment.postprocess;
      result.segments = posteriorsToEvents(scores.data, { labels: m.labels, file: utt, shiftSec: geo.shiftSec, lengthSec: geo.lengthSec, threshold: pp.threshold, medianFrames: pp.medianFrames, mergeGapSec: pp.mergeGapSec, minDurationSec: pp.minDurationSec }).map((e) => ({ start: e.onset, end: e.offset, label: e.label }));
    }
  } else {
    const best = argmaxRows(scores);
    result.labels = Array.from(best, (c) => m.labels[c]!);
    if (task === 'ctc') {
      const hyp = decodeCtc(scores, 'posteriors', m.experiment.decode);
      result.tokens = hyp.tokens.map((c) => m.labels[c]!);
      if (options.segments === true) {
        // A token spans from its first frame to the next token's first frame (or the end).
        result.segments = hyp.tokens.map((c, i) => ({ start: hyp.frames[i]! * shiftSec, end: (hyp.frames[i + 1] ?? scores.frames) * shiftSec, label: m.labels[c]! }));
      }
    } else if (options.segments === true) {
      result.segments = frameRuns(best, geo).map((s) => ({ start: s.start, end: s.end, label: m.labels[s.label]! }));
    }
  }
  if (options.posteriors === true) result.posteriors = rows(scores);
  return result;
}

/**
 * Runs the exported model on audio files.
 * @throws HibikiError `MODEL_NOT_FOUND`, audio read errors
 */
export async function inferFiles(options: InferOptions): Promise<InferResult[]> {
  if (options.backend !== undefined) await selectBackend(options.backend);
  const m = await loadExperimentModel(options.modelDir);
  try {
    return options.wavs.map((w) => inferOne(m, w, options));
  } finally {
    m.model.dispose();
  }
}
