/**
 * Running a trained network on the features of one utterance: normalisation (CMVN as in
 * training), splicing for frame classifiers, the forward pass, and the output activation.
 * Training-time validation (logits models), evaluation, decoding and `hibiki infer` (exported
 * posterior models) all go through here, so they see the same numbers for the same features.
 *
 * Frame classifiers (mlp) run in row blocks, which cannot change any row's output. Sequence
 * models run one utterance at a time, except recurrent models without subsampling (`padSafe`):
 * their masking layer keeps zero-padded frames out of the recurrence in both directions, so
 * several utterances are padded into one batch (tested: equal to one at a time). A TDNN, a CNN or
 * a strided conv front would see the padding near the end of the shorter utterances.
 */
import * as tf from '@tensorflow/tfjs';
import { applyCmvn, cmvnTransform, type CmvnStats } from '../../data/index.js';
import { perUtteranceCmvn, spliceFrames, type FeatureMatrix } from '../../features/index.js';

/** Frame posteriors (or logits) of one utterance: `data` is `[frames, classes]` row-major. */
export interface FrameScores {
  data: Float32Array;
  frames: number;
  classes: number;
}

/** How features are normalised before the network (the experiment's `cmvn` section). */
export interface Normalisation {
  type: 'global' | 'utterance' | 'none';
  normVars: boolean;
  /** Global statistics (`type: global`), `[dim]` each. */
  stats?: CmvnStats;
}

/** What the forward pass needs to know about the network's input and output framing. */
export interface NetworkShape {
  /** True for [batch, frames, dim] models; false for spliced-frame classifiers. */
  sequence: boolean;
  /** Frames of context spliced on each side (frame classifiers). */
  context: number;
  /** Output frames = ceil(frames / subsampling) (sequence models). */
  subsampling: number;
  /** Zero padding cannot change real frames' outputs (masked recurrent models): batch utterances. */
  padSafe?: boolean;
}

/** Utterances per forward pass of a pad-safe sequence model. */
export const UTTERANCE_BATCH = 16;

/** Rows per forward pass of a frame classifier. */
const ROW_BLOCK = 4096;

/** Applies the experiment's CMVN to `[frames, dim]` features (a new matrix). */
export function normaliseFeatures(m: FeatureMatrix, norm: Normalisation, utt = ''): FeatureMatrix {
  if (norm.type === 'utterance') return perUtteranceCmvn(m, { normVars: norm.normVars });
  if (norm.type === 'none' || norm.stats === undefined) return m;
  return { data: applyCmvn(m, cmvnTransform(norm.stats), utt), frames: m.frames, dim: m.dim };
}

/**
 * Row-wise softmax or sigmoid of `[rows, classes]` scores, in place (float64 arithmetic).
 * @returns the same array
 */
export function activateInPlace(data: Float32Array, classes: number, activation: 'softmax' | 'sigmoid'): Float32Array {
  if (activation === 'sigmoid') {
    for (let i = 0; i < data.length; i++) data[i] = 1 / (1 + Math.exp(-data[i]!));
    return data;
  }
  for (let r = 0; r < data.length; r += classes) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, data[r + k]!);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(data[r + k]! - max);
    for (let k = 0; k < classes; k++) data[r + k] = Math.exp(data[r + k]! - max) / sum;
  }
  return data;
}

/**
 * Network outputs for one utterance's (already normalised) features.
 * @param feats `[frames, dim]`
 * @returns `[frames, K]` (frame classifiers and subsampling 1) or `[ceil(frames / s), K]`
 */
export function forwardUtterance(model: tf.LayersModel, feats: FeatureMatrix, shape: NetworkShape): FrameScores {
  if (!shape.sequence) {
    const x = shape.context > 0 ? spliceFrames(feats, shape.context) : feats;
    const blocks: Float32Array[] = [];
    let classes = 0;
    for (let r = 0; r < x.frames; r += ROW_BLOCK) {
      const n = Math.min(ROW_BLOCK, x.frames - r);
      const out = tf.tidy(() => model.predict(tf.tensor2d(x.data.subarray(r * x.dim, (r + n) * x.dim), [n, x.dim])) as tf.Tensor);
      classes = out.shape[out.shape.length - 1]!;
      blocks.push(out.dataSync() as Float32Array);
      out.dispose();
    }
    const data = new Float32Array(x.frames * classes);
    let at = 0;
    for (const b of blocks) {
      data.set(b, at);
      at += b.length;
    }
    return { data, frames: x.frames, classes };
  }
  const out = tf.tidy(() => model.predict(tf.tensor3d(feats.data, [1, feats.frames, feats.dim])) as tf.Tensor);
  const [, frames, classes] = out.shape as [number, number, number];
  const data = Float32Array.from(out.dataSync() as Float32Array);
  out.dispose();
  return { data, frames, classes };
}

/**
 * Network outputs for several utterances: one padded forward pass when `shape.padSafe`, else
 * one pass per utterance (same results either way).
 * @param feats normalised `[frames, dim]` matrices of equal dim
 */
export function forwardUtterances(model: tf.LayersModel, feats: readonly FeatureMatrix[], shape: NetworkShape): FrameScores[] {
  if (shape.padSafe !== true || !shape.sequence || shape.subsampling !== 1 || feats.length <= 1) return feats.map((f) => forwardUtterance(model, f, shape));
  const dim = feats[0]!.dim;
  const maxT = Math.max(...feats.map((f) => f.frames));
  const x = new Float32Array(feats.length * maxT * dim);
  feats.forEach((f, b) => x.set(f.data, b * maxT * dim));
  const out = tf.tidy(() => model.predict(tf.tensor3d(x, [feats.length, maxT, dim])) as tf.Tensor);
  const classes = out.shape[2]!;
  const all = out.dataSync() as Float32Array;
  out.dispose();
  return feats.map((f, b) => ({ data: all.slice(b * maxT * classes, (b * maxT + f.frames) * classes), frames: f.frames, classes }));
}

/** Per-frame argmax of `[frames, classes]` scores. */
export function argmaxRows(scores: FrameScores): Int32Array {
  const out = new Int32Array(scores.frames);
  for (let t = 0; t < scores.frames; t++) {
    let best = 0;
    for (let k = 1; k < scores.classes; k++) if (scores.data[t * scores.classes + k]! > scores.data[t * scores.classes + best]!) best = k;
    out[t] = best;
  }
  return out;
}
