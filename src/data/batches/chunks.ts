/**
 * Fixed-length chunk batches for sequence models (TDNN, BiGRU, CRNN): each utterance is cut into
 * chunks of `chunk` frames every `hop` frames; the last chunk is zero-padded and masked. Chunks are
 * shuffled through a bounded buffer over an utterance order shuffled per epoch.
 */
import { cmvnTransform } from './cmvn.js';
import { checkDim, checkTargetLength, frameCounts, loadFeatures, nonNegativeInt, positiveInt } from './common.js';
import { batchCount, streamItems, type SlotStore, type StreamStats } from './item-stream.js';
import { epochRng, utteranceOrder } from './order.js';
import type {
  BatchStream,
  ChunkBatch,
  CmvnStats,
  FrameSource,
  MultiLabelChunkBatch,
  MultiLabelFrameTargets,
  ShuffleOptions,
  SingleLabelTargets,
} from './types.js';

export interface ChunkBatchOptions extends ShuffleOptions {
  /** Chunks per batch. */
  batchSize: number;
  /** Chunk length in frames. */
  chunk: number;
  /** Frames between chunk starts. Default `chunk` (no overlap). */
  hop?: number;
  /** Shuffle-buffer capacity in chunks (the memory bound is `bufferChunks * chunk` frames). Default 256. */
  bufferChunks?: number;
  cmvn?: CmvnStats;
}

export interface ChunkBatchStream<B> extends BatchStream<B> {
  readonly stats: StreamStats;
}

/** Chunks an utterance of `frames` frames yields: 0 when empty, else `1 + ceil(max(0, frames-chunk)/hop)`. */
export function chunksOf(frames: number, chunk: number, hop: number): number {
  if (frames === 0) return 0;
  return 1 + Math.ceil(Math.max(0, frames - chunk) / hop);
}

interface Loaded<T> {
  x: Float32Array;
  frames: number;
  dim: number;
  t: T;
}

/** Per-slot layout the two variants share: features, mask, and `perFrame` target values per frame. */
interface Geometry {
  chunk: number;
  hop: number;
  capacity: number;
}

function build<T, B>(
  source: FrameSource<T>,
  options: ChunkBatchOptions,
  makeStore: (g: Geometry, load: (u: number) => Loaded<T>) => SlotStore<Loaded<T>, B>,
  frames: (b: B) => number,
): ChunkBatchStream<B> {
  const chunk = positiveInt('chunk', options.chunk);
  const hop = positiveInt('hop', options.hop ?? chunk);
  const batchSize = positiveInt('batchSize', options.batchSize);
  const shuffle = options.shuffle ?? true;
  const capacity = shuffle ? positiveInt('bufferChunks', options.bufferChunks ?? 256) : 1;
  const seed = options.seed ?? 0;
  const dropLast = options.dropLast ?? false;
  const cmvn = options.cmvn === undefined ? undefined : cmvnTransform(options.cmvn);
  const counts = frameCounts(source).map((n) => chunksOf(n, chunk, hop));
  let total = 0;
  for (const n of counts) total += n;
  const stats: StreamStats = { maxBufferedItems: 0, utterancesRead: 0 };
  const load = (u: number): Loaded<T> => {
    const utt = source.utterances[u]!;
    return { ...loadFeatures(source, utt, cmvn), t: source.targets(utt) };
  };
  return {
    batchesPerEpoch: batchCount(total, batchSize, dropLast),
    stats,
    frames,
    batches(epoch: number, startBatch = 0): Iterable<B> {
      return {
        [Symbol.iterator]: () =>
          streamItems({
            order: utteranceOrder(counts.length, seed, epoch, shuffle),
            itemCounts: counts,
            capacity,
            rng: shuffle ? epochRng(seed, epoch, 'buffer') : undefined,
            batchSize,
            dropLast,
            startBatch: nonNegativeInt('startBatch', startBatch),
            store: makeStore({ chunk, hop, capacity }, load),
            stats,
          }),
      };
    },
  };
}

function maskSum(mask: Float32Array): number {
  let n = 0;
  for (const m of mask) n += m;
  return n;
}

/**
 * Chunk batches with single-label frame targets.
 * @returns batches with `x [size, chunk, dim]`, `mask [size, chunk]`, `y`, `boundaryDistance`,
 *   `neighbourLabel` `[size, chunk]`; `frames(batch)` counts real (unmasked) frames
 */
export function chunkBatches<T extends SingleLabelTargets>(
  source: FrameSource<T>,
  options: ChunkBatchOptions,
): ChunkBatchStream<ChunkBatch> {
  return build<T, ChunkBatch>(
    source,
    options,
    ({ chunk, hop, capacity }, load) => {
      let dim = -1;
      let sx = new Float32Array(0);
      const sm = new Float32Array(capacity * chunk);
      const sy = new Int32Array(capacity * chunk);
      const sd = new Float32Array(capacity * chunk);
      const sn = new Int32Array(capacity * chunk);
      return {
        load(u) {
          const l = load(u);
          const utt = source.utterances[u]!;
          checkTargetLength(utt, 'frame labels', l.t.labels.length, l.frames);
          checkTargetLength(utt, 'boundary distances', l.t.boundaryDistance.length, l.frames);
          checkTargetLength(utt, 'neighbour labels', l.t.neighbourLabel.length, l.frames);
          if (dim < 0) {
            dim = l.dim;
            sx = new Float32Array(capacity * chunk * dim);
          } else checkDim(utt, dim, l.dim);
          return l;
        },
        put(l, item, slot) {
          const start = item * hop;
          const n = Math.min(chunk, l.frames - start);
          const o = slot * chunk;
          sx.fill(0, o * dim, (o + chunk) * dim);
          sx.set(l.x.subarray(start * dim, (start + n) * dim), o * dim);
          sm.fill(0, o, o + chunk).fill(1, o, o + n);
          sy.fill(0, o, o + chunk).set(l.t.labels.subarray(start, start + n), o);
          sd.fill(0, o, o + chunk).set(l.t.boundaryDistance.subarray(start, start + n), o);
          sn.fill(0, o, o + chunk).set(l.t.neighbourLabel.subarray(start, start + n), o);
        },
        newBatch(size) {
          return {
            kind: 'chunks',
            size,
            chunk,
            dim,
            x: new Float32Array(size * chunk * dim),
            mask: new Float32Array(size * chunk),
            y: new Int32Array(size * chunk),
            boundaryDistance: new Float32Array(size * chunk),
            neighbourLabel: new Int32Array(size * chunk),
          };
        },
        emit(slot, b, row) {
          const o = slot * chunk;
          b.x.set(sx.subarray(o * dim, (o + chunk) * dim), row * chunk * dim);
          b.mask.set(sm.subarray(o, o + chunk), row * chunk);
          b.y.set(sy.subarray(o, o + chunk), row * chunk);
          b.boundaryDistance.set(sd.subarray(o, o + chunk), row * chunk);
          b.neighbourLabel.set(sn.subarray(o, o + chunk), row * chunk);
        },
      };
    },
    (b) => maskSum(b.mask),
  );
}

/**
 * Chunk batches with multi-label (event) targets.
 * @returns batches with `x [size, chunk, dim]`, `mask [size, chunk]`, `y` and `boundaryDistance`
 *   `[size, chunk, classes]`
 */
export function multiLabelChunkBatches<T extends MultiLabelFrameTargets>(
  source: FrameSource<T>,
  options: ChunkBatchOptions,
): ChunkBatchStream<MultiLabelChunkBatch> {
  return build<T, MultiLabelChunkBatch>(
    source,
    options,
    ({ chunk, hop, capacity }, load) => {
      let dim = -1;
      let classes = 0;
      let sx = new Float32Array(0);
      let sy = new Float32Array(0);
      let sd = new Float32Array(0);
      const sm = new Float32Array(capacity * chunk);
      return {
        load(u) {
          const l = load(u);
          const utt = source.utterances[u]!;
          if (dim < 0) {
            dim = l.dim;
            classes = l.frames > 0 ? l.t.active.length / l.frames : 0;
            sx = new Float32Array(capacity * chunk * dim);
            sy = new Float32Array(capacity * chunk * classes);
            sd = new Float32Array(capacity * chunk * classes);
          } else checkDim(utt, dim, l.dim);
          checkTargetLength(utt, 'event activity rows', l.t.active.length, l.frames * classes);
          checkTargetLength(utt, 'event boundary distances', l.t.boundaryDistance.length, l.frames * classes);
          return l;
        },
        put(l, item, slot) {
          const start = item * hop;
          const n = Math.min(chunk, l.frames - start);
          const o = slot * chunk;
          sx.fill(0, o * dim, (o + chunk) * dim);
          sx.set(l.x.subarray(start * dim, (start + n) * dim), o * dim);
          sm.fill(0, o, o + chunk).fill(1, o, o + n);
          sy.fill(0, o * classes, (o + chunk) * classes);
          sd.fill(0, o * classes, (o + chunk) * classes);
          for (let i = 0; i < n * classes; i++) {
            sy[o * classes + i] = l.t.active[start * classes + i]!;
            sd[o * classes + i] = l.t.boundaryDistance[start * classes + i]!;
          }
        },
        newBatch(size) {
          return {
            kind: 'chunks-multi',
            size,
            chunk,
            dim,
            classes,
            x: new Float32Array(size * chunk * dim),
            mask: new Float32Array(size * chunk),
            y: new Float32Array(size * chunk * classes),
            boundaryDistance: new Float32Array(size * chunk * classes),
          };
        },
        emit(slot, b, row) {
          const o = slot * chunk;
          b.x.set(sx.subarray(o * dim, (o + chunk) * dim), row * chunk * dim);
          b.mask.set(sm.subarray(o, o + chunk), row * chunk);
          b.y.set(sy.subarray(o * classes, (o + chunk) * classes), row * chunk * classes);
          b.boundaryDistance.set(sd.subarray(o * classes, (o + chunk) * classes), row * chunk * classes);
        },
      };
    },
    (b) => maskSum(b.mask),
  );
}
