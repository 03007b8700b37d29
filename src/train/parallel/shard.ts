/**
 * Splitting a batch into data-parallel shards, and each shard's share of the loss normaliser.
 * The split is contiguous and fixed (a pure function of the batch size and the shard count), so
 * a run is reproducible for a given `train.jobs`. Shards are copies (`slice`), not views: a view
 * posted to a worker would clone its whole underlying buffer.
 */
import type { ChunkBatch, FrameBatch, MultiLabelChunkBatch, MultiLabelFrameBatch, UtteranceBatch } from '../../data/index.js';
import { HibikiError } from '../../errors.js';
import type { ParallelSupport, ReplicaSpec } from './types.js';

/** The batch kinds of src/data/batches, which the trainer can shard. */
export type ShardableBatch = FrameBatch | MultiLabelFrameBatch | ChunkBatch | MultiLabelChunkBatch | UtteranceBatch;

/**
 * Contiguous item ranges of `n` shards over `size` items: the first `size % n` shards get one
 * item more than the others; shards beyond `size` are empty.
 * @returns `n` half-open ranges `[start, end)` covering `0..size` in order
 */
export function shardRanges(size: number, n: number): [number, number][] {
  const base = Math.floor(size / n);
  const extra = size % n;
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const len = base + (i < extra ? 1 : 0);
    out.push([start, start + len]);
    start += len;
  }
  return out;
}

function rows<T extends Float32Array | Int32Array>(a: T, start: number, end: number, width: number): T {
  return a.slice(start * width, end * width) as T;
}

/** Items `[start, end)` of a batch, as a batch of the same kind (padding lengths unchanged). */
export function sliceBatch<B extends ShardableBatch>(batch: B, start: number, end: number): B {
  const size = end - start;
  const b = batch as ShardableBatch;
  switch (b.kind) {
    case 'frames':
      return {
        ...b,
        size,
        x: rows(b.x, start, end, b.inputDim),
        y: rows(b.y, start, end, 1),
        boundaryDistance: rows(b.boundaryDistance, start, end, 1),
        neighbourLabel: rows(b.neighbourLabel, start, end, 1),
      } as B;
    case 'frames-multi':
      return {
        ...b,
        size,
        x: rows(b.x, start, end, b.inputDim),
        y: rows(b.y, start, end, b.classes),
        boundaryDistance: rows(b.boundaryDistance, start, end, b.classes),
      } as B;
    case 'chunks':
      return {
        ...b,
        size,
        x: rows(b.x, start, end, b.chunk * b.dim),
        mask: rows(b.mask, start, end, b.chunk),
        y: rows(b.y, start, end, b.chunk),
        boundaryDistance: rows(b.boundaryDistance, start, end, b.chunk),
        neighbourLabel: rows(b.neighbourLabel, start, end, b.chunk),
      } as B;
    case 'chunks-multi':
      return {
        ...b,
        size,
        x: rows(b.x, start, end, b.chunk * b.dim),
        mask: rows(b.mask, start, end, b.chunk),
        y: rows(b.y, start, end, b.chunk * b.classes),
        boundaryDistance: rows(b.boundaryDistance, start, end, b.chunk * b.classes),
      } as B;
    case 'utterances':
      // Every shard keeps the batch's padded length, so each utterance sees exactly the input it
      // would see in the full batch (sequence models are then per-utterance identical).
      return {
        ...b,
        size,
        utterances: b.utterances.slice(start, end),
        x: rows(b.x, start, end, b.maxFrames * b.dim),
        mask: rows(b.mask, start, end, b.maxFrames),
        inputLengths: rows(b.inputLengths, start, end, 1),
        labels: rows(b.labels, start, end, b.maxLabelLength),
        labelLengths: rows(b.labelLengths, start, end, 1),
      } as B;
    default:
      throw new HibikiError('TRAIN_JOBS_UNSUPPORTED', 'this batch kind cannot be split into data-parallel shards', {
        expected: 'frames | frames-multi | chunks | chunks-multi | utterances',
        found: String((b as { kind?: unknown }).kind),
      }, 1);
  }
}

/** The `n` contiguous shards of `batch` (see {@link shardRanges}); empty shards have size 0. */
export function splitBatch<B extends ShardableBatch>(batch: B, n: number): B[] {
  return shardRanges(batch.size, n).map(([s, e]) => sliceBatch(batch, s, e));
}

/**
 * The denominator of hibiki's mean losses for `batch`, so that the full-batch loss is
 * `sum_i (w_i / sum_j w_j) * loss(shard_i)`:
 * - `frames` / `chunks` (label-smoothing family, single label): real frames that carry a label
 *   (label >= 0, mask 1), the masked mean of src/nn/losses;
 * - `frames-multi` / `chunks-multi` (binary): real frames (the mean over classes is per frame);
 * - `utterances` (CTC, reduction `mean`): utterances.
 */
export function lossNormaliser(batch: ShardableBatch): number {
  let n = 0;
  switch (batch.kind) {
    case 'frames':
      for (let i = 0; i < batch.size; i++) if (batch.y[i]! >= 0) n++;
      return n;
    case 'chunks':
      for (let i = 0; i < batch.y.length; i++) if (batch.y[i]! >= 0 && batch.mask[i]! > 0) n++;
      return n;
    case 'frames-multi':
      return batch.size;
    case 'chunks-multi':
      for (let i = 0; i < batch.mask.length; i++) if (batch.mask[i]! > 0) n++;
      return n;
    case 'utterances':
      return batch.size;
  }
}

/**
 * Data-parallel support for a task over src/data batches: contiguous shards, hibiki's loss
 * normalisers (see {@link lossNormaliser}), and the replica the workers build.
 */
export function batchParallelSupport<B extends ShardableBatch>(replica: ReplicaSpec): ParallelSupport<B> {
  return { replica, split: splitBatch, lossShare: lossNormaliser, size: (b) => b.size };
}
