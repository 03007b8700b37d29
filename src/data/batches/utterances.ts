/**
 * Whole-utterance batches for CTC: features padded to the longest utterance of the batch, with
 * input lengths, and token labels padded to the longest label sequence, with label lengths.
 * Optional length bucketing keeps utterances of similar length together to waste less padding.
 * Only the utterances of the batch being built are in memory.
 */
import { HibikiError } from '../../errors.js';
import { cmvnTransform } from './cmvn.js';
import { checkDim, frameCounts, loadFeatures, nonNegativeInt, positiveInt } from './common.js';
import { batchCount } from './item-stream.js';
import { epochRng, utteranceOrder } from './order.js';
import type { BatchStream, CmvnStats, FrameSource, SequenceTargets, ShuffleOptions, UtteranceBatch } from './types.js';

export interface UtteranceBatchOptions extends ShuffleOptions {
  /** Utterances per batch. */
  batchSize: number;
  /**
   * Length sorting: `none` (epoch order), `bucket` (sort by frames within windows of
   * `bucketBatches` batches, then shuffle the batches of each window), `global` (sort everything by
   * frames, then shuffle whole batches). Default `none`.
   */
  sortByLength?: 'none' | 'bucket' | 'global';
  /** Window size in batches for `bucket`. Default 20. */
  bucketBatches?: number;
  /** Value padding the label matrix after each sequence. Default 0. */
  labelPad?: number;
  cmvn?: CmvnStats;
}

/** Stable sort of utterance indices by descending frame count (ties keep their order). */
function byLength(ids: number[], counts: Int32Array): number[] {
  return ids
    .map((u, i) => [u, i] as const)
    .sort((a, b) => counts[b[0]]! - counts[a[0]]! || a[1] - b[1])
    .map(([u]) => u);
}

function cut(ids: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/**
 * The utterance indices of every batch of `epoch`: a pure function of (seed, epoch, frame counts).
 * @returns one array of utterance indices per batch
 */
export function utteranceBatchPlan(counts: Int32Array, options: UtteranceBatchOptions, epoch: number): number[][] {
  const batchSize = positiveInt('batchSize', options.batchSize);
  const shuffle = options.shuffle ?? true;
  const seed = options.seed ?? 0;
  const mode = options.sortByLength ?? 'none';
  const order = utteranceOrder(counts.length, seed, epoch, shuffle);
  let batches: number[][];
  const rng = epochRng(seed, epoch, 'batches');
  if (mode === 'none') batches = cut(order, batchSize);
  else if (mode === 'global') {
    batches = cut(byLength(order, counts), batchSize);
    if (shuffle) rng.shuffle(batches);
  } else if (mode === 'bucket') {
    const window = batchSize * positiveInt('bucketBatches', options.bucketBatches ?? 20);
    batches = [];
    for (let i = 0; i < order.length; i += window) {
      const group = cut(byLength(order.slice(i, i + window), counts), batchSize);
      if (shuffle) rng.shuffle(group);
      batches.push(...group);
    }
  } else {
    throw new HibikiError('BATCH_OPTION_INVALID', 'unknown sortByLength', {
      expected: 'none | bucket | global',
      found: String(mode),
    });
  }
  if (options.dropLast === true) batches = batches.filter((b) => b.length === batchSize);
  return batches;
}

/**
 * Padded whole-utterance batches with token sequences (CTC).
 * @returns batches with `x [size, maxFrames, dim]`, `mask [size, maxFrames]`, `inputLengths [size]`,
 *   `labels [size, maxLabelLength]` (padded with `labelPad`), `labelLengths [size]`
 */
export function utteranceBatches<T extends SequenceTargets>(
  source: FrameSource<T>,
  options: UtteranceBatchOptions,
): BatchStream<UtteranceBatch> {
  const counts = frameCounts(source);
  const batchSize = positiveInt('batchSize', options.batchSize);
  const cmvn = options.cmvn === undefined ? undefined : cmvnTransform(options.cmvn);
  const labelPad = options.labelPad ?? 0;
  utteranceBatchPlan(counts, options, 0); // validates the options once, up front
  const assemble = (ids: number[]): UtteranceBatch => {
    const utts = ids.map((u) => source.utterances[u]!);
    const maxFrames = Math.max(0, ...ids.map((u) => counts[u]!));
    const targets = utts.map((utt) => source.targets(utt).labels);
    const maxLabelLength = Math.max(0, ...targets.map((t) => t.length));
    const size = ids.length;
    let dim = -1;
    let x = new Float32Array(0);
    const mask = new Float32Array(size * maxFrames);
    const labels = new Int32Array(size * maxLabelLength).fill(labelPad);
    for (let i = 0; i < size; i++) {
      const f = loadFeatures(source, utts[i]!, cmvn);
      if (dim < 0) {
        dim = f.dim;
        x = new Float32Array(size * maxFrames * dim);
      } else checkDim(utts[i]!, dim, f.dim);
      x.set(f.x, i * maxFrames * dim);
      mask.fill(1, i * maxFrames, i * maxFrames + f.frames);
      labels.set(targets[i]!, i * maxLabelLength);
    }
    return {
      kind: 'utterances',
      size,
      utterances: utts,
      maxFrames,
      dim: Math.max(dim, 0),
      x,
      mask,
      inputLengths: Int32Array.from(ids, (u) => counts[u]!),
      maxLabelLength,
      labels,
      labelLengths: Int32Array.from(targets, (t) => t.length),
    };
  };
  return {
    batchesPerEpoch: batchCount(counts.length, batchSize, options.dropLast ?? false),
    frames: (b) => b.inputLengths.reduce((s, n) => s + n, 0),
    batches(epoch: number, startBatch = 0): Iterable<UtteranceBatch> {
      const plan = utteranceBatchPlan(counts, options, epoch).slice(nonNegativeInt('startBatch', startBatch));
      return {
        *[Symbol.iterator]() {
          for (const ids of plan) yield assemble(ids);
        },
      };
    },
  };
}
