/**
 * Running a network over a data set and turning its outputs into what the evaluators take:
 * frame posteriors with targets (frame task), per-file posteriors with reference events
 * (multilabel), CTC hypotheses and references (ctc). Used for dev validation during training
 * (the training model outputs logits) and by evaluate/decode (the exported model outputs
 * posteriors).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Vocabulary } from '../../data/index.js';
import { evaluateFramePosteriors, evaluateMultiLabel, errorRate, scoreTranscripts, type TrnEntry } from '../../eval/index.js';
import { ctcBeamDecode, ctcGreedyDecode, type CtcHypothesis } from '../../nn/ctc/index.js';
import type { ExperimentConfig } from './config.js';
import { alignmentSource, eventSource, textSource, type OpenDataset } from './datasets.js';
import { activateInPlace, forwardUtterances, normaliseFeatures, UTTERANCE_BATCH, type FrameScores, type NetworkShape, type Normalisation } from './predict.js';

/** Whether the network's outputs are logits (training model) or posteriors (exported model). */
export type OutputKind = 'logits' | 'posteriors';

/** One utterance's network output. */
export interface UtteranceScores {
  utt: string;
  /** Posteriors `[frames, K]` (frame / multilabel), or log-probabilities-compatible scores (ctc). */
  scores: FrameScores;
}

/** A network plus what it needs around it. */
export interface Network {
  model: tf.LayersModel;
  shape: NetworkShape;
  norm: Normalisation;
  outputs: OutputKind;
}

/** Raw network outputs of every utterance of the archive, in index order (a batch in memory at a time). */
export function* scoresOf(net: Network, ds: OpenDataset): Generator<UtteranceScores> {
  const entries = ds.archive.entries;
  const step = net.shape.padSafe === true ? UTTERANCE_BATCH : 1;
  for (let i = 0; i < entries.length; i += step) {
    const group = entries.slice(i, i + step);
    const feats = group.map((e) => normaliseFeatures(ds.archive.readEntry(e), net.norm, e.utt));
    const scores = forwardUtterances(net.model, feats, net.shape);
    for (let j = 0; j < group.length; j++) yield { utt: group[j]!.utt, scores: scores[j]! };
  }
}

/**
 * Posteriors of every utterance of the archive, in index order.
 * @param activation applied when the network outputs logits
 */
export function* posteriorsOf(net: Network, ds: OpenDataset, activation: 'softmax' | 'sigmoid'): Generator<UtteranceScores> {
  for (const { utt, scores } of scoresOf(net, ds)) {
    if (net.outputs === 'logits') activateInPlace(scores.data, scores.classes, activation);
    yield { utt, scores };
  }
}

/** Concatenated frame posteriors `[N, K]` and targets `[N]` (-1: not scored) of a data set. */
export function framePosteriorsAndTargets(net: Network, ds: OpenDataset, config: ExperimentConfig, vocab: Vocabulary): { posteriors: Float32Array; targets: Int32Array; perUtterance: { utt: string; posteriors: Float32Array; targets: Int32Array }[] } {
  const src = alignmentSource(ds, config, vocab);
  const parts: { utt: string; posteriors: Float32Array; targets: Int32Array }[] = [];
  let n = 0;
  for (const { utt, scores } of posteriorsOf(net, ds, 'softmax')) {
    const targets = src.targets(utt).labels;
    parts.push({ utt, posteriors: scores.data, targets });
    n += targets.length;
  }
  const k = vocab.size;
  const posteriors = new Float32Array(n * k);
  const targets = new Int32Array(n);
  let at = 0;
  for (const p of parts) {
    posteriors.set(p.posteriors, at * k);
    targets.set(p.targets, at);
    at += p.targets.length;
  }
  return { posteriors, targets, perUtterance: parts };
}

/** Per-utterance sigmoid posteriors and 0/1 targets `[frames, K]` of a multi-label data set. */
export function multiLabelPosteriors(net: Network, ds: OpenDataset, config: ExperimentConfig, vocab: Vocabulary): { utt: string; posteriors: Float32Array; targets: Uint8Array }[] {
  const src = eventSource(ds, config, vocab);
  const out: { utt: string; posteriors: Float32Array; targets: Uint8Array }[] = [];
  for (const { utt, scores } of posteriorsOf(net, ds, 'sigmoid')) out.push({ utt, posteriors: scores.data, targets: src.targets(utt).active });
  return out;
}

/** CTC decoding options (the experiment's `eval` section, `beam` overridable). */
export interface CtcDecodeOptions {
  beam: number;
  blankPenalty: number;
  insertionBonus: number;
}

/** Log-domain scores for the CTC decoders: logits as they are, posteriors through a floored log. */
function ctcScores(scores: FrameScores, outputs: OutputKind): Float32Array {
  if (outputs === 'logits') return scores.data;
  return scores.data.map((p) => Math.log(Math.max(p, 1e-30)));
}

/** Decodes one utterance's scores (greedy for beam <= 1, else prefix beam search). */
export function decodeCtc(scores: FrameScores, outputs: OutputKind, options: CtcDecodeOptions): CtcHypothesis {
  const input = { data: ctcScores(scores, outputs), batch: 1, frames: scores.frames, classes: scores.classes };
  const hyp =
    options.beam <= 1
      ? ctcGreedyDecode(input, { blankPenalty: options.blankPenalty })
      : ctcBeamDecode(input, { beamWidth: options.beam, blankPenalty: options.blankPenalty, insertionBonus: options.insertionBonus });
  return hyp[0]!;
}

/** Hypotheses and references (trn entries, archive order) of a CTC data set, plus the raw scores. */
export function ctcTranscripts(net: Network, ds: OpenDataset, config: ExperimentConfig, vocab: Vocabulary, options: CtcDecodeOptions): { hyps: TrnEntry[]; refs: TrnEntry[]; outputs: { utt: string; scores: FrameScores; labels: Int32Array }[] } {
  const src = textSource(ds, config, vocab);
  const hyps: TrnEntry[] = [];
  const refs: TrnEntry[] = [];
  const outputs: { utt: string; scores: FrameScores; labels: Int32Array }[] = [];
  for (const { utt, scores } of scoresOf(net, ds)) {
    const hyp = decodeCtc(scores, net.outputs, options);
    const labels = src.targets(utt).labels;
    hyps.push({ id: utt, tokens: hyp.tokens.map((k) => vocab.labels[k]!) });
    // The reference is the transcript as written (an unknown token mapped to <unk> would score as itself).
    refs.push({ id: utt, tokens: [...(ds.data.text?.get(utt) ?? Array.from(labels, (k) => vocab.labels[k]!))] });
    outputs.push({ utt, scores, labels });
  }
  return { hyps, refs, outputs };
}

function finite(x: number, fallback: number): number {
  return Number.isFinite(x) ? x : fallback;
}

/**
 * The dev-set validation function the training loop calls at each epoch end (train never imports
 * eval: this closure carries it in). Metrics: frame `fer`, `nll`, `ece`; multilabel `f1`
 * (micro), `precision`, `recall`; ctc `ter` (token error rate, greedy decoding).
 */
export function devValidator(config: ExperimentConfig, dev: OpenDataset, vocab: Vocabulary, shape: NetworkShape, norm: Normalisation): (model: tf.LayersModel) => Promise<Record<string, number>> {
  return (model) => {
    const net: Network = { model, shape, norm, outputs: 'logits' };
    if (config.task === 'frame') {
      const { posteriors, targets } = framePosteriorsAndTargets(net, dev, config, vocab);
      const f = evaluateFramePosteriors({ posteriors, targets, numClasses: vocab.size }, { bins: config.eval.bins }).frame!;
      return Promise.resolve({ fer: f.fer, nll: f.nll, ece: finite(f.ece, 0) });
    }
    if (config.task === 'multilabel') {
      const files = multiLabelPosteriors(net, dev, config, vocab);
      const total = files.reduce((a, f) => a + f.posteriors.length, 0);
      const posteriors = new Float32Array(total);
      const targets = new Uint8Array(total);
      let at = 0;
      for (const f of files) {
        posteriors.set(f.posteriors, at);
        targets.set(f.targets, at);
        at += f.posteriors.length;
      }
      const m = evaluateMultiLabel({ posteriors, targets, numClasses: vocab.size }, { threshold: config.eval.threshold, bins: config.eval.bins }).multilabel!;
      return Promise.resolve({ f1: finite(m.micro.f1, 0), precision: finite(m.micro.precision, 0), recall: finite(m.micro.recall, 0) });
    }
    const { hyps, refs } = ctcTranscripts(net, dev, config, vocab, { beam: 0, blankPenalty: 0, insertionBonus: 0 });
    const score = scoreTranscripts(refs, hyps, { mode: config.eval.scoreMode });
    return Promise.resolve({ ter: finite(errorRate(score.total), 1) });
  };
}
