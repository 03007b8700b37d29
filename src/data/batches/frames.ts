/**
 * Spliced-frame batches for frame classifiers: every frame with `context` neighbours on each side
 * (edge frames repeated, as features' `spliceFrames` does), frame-level shuffling through a bounded
 * buffer over an utterance order shuffled per epoch.
 */
import { cmvnTransform } from './cmvn.js';
import { checkDim, checkTargetLength, frameCounts, loadFeatures, nonNegativeInt, positiveInt } from './common.js';
import { batchCount, streamItems, type SlotStore, type StreamStats } from './item-stream.js';
import { epochRng, utteranceOrder } from './order.js';
import type {
  BatchStream,
  CmvnStats,
  FrameBatch,
  FrameSource,
  MultiLabelFrameBatch,
  MultiLabelFrameTargets,
  ShuffleOptions,
  SingleLabelTargets,
} from './types.js';

export interface FrameBatchOptions extends ShuffleOptions {
  /** Frames per batch. */
  batchSize: number;
  /** Context frames on each side; the input row is `(2*context+1)*dim`. Default 0. */
  context?: number;
  /** Shuffle-buffer capacity in frames (the memory bound). Default 10000. */
  bufferFrames?: number;
  /** CMVN applied to every frame before splicing. */
  cmvn?: CmvnStats;
}

/** A frame loader plus its memory counters. */
export interface FrameBatchStream<B> extends BatchStream<B> {
  readonly stats: StreamStats;
}

interface Resolved {
  batchSize: number;
  context: number;
  capacity: number;
  seed: number;
  shuffle: boolean;
  dropLast: boolean;
}

function resolve(o: FrameBatchOptions): Resolved {
  const shuffle = o.shuffle ?? true;
  return {
    batchSize: positiveInt('batchSize', o.batchSize),
    context: nonNegativeInt('context', o.context ?? 0),
    // Without shuffling the buffer only adds latency, so it holds a single frame.
    capacity: shuffle ? positiveInt('bufferFrames', o.bufferFrames ?? 10000) : 1,
    seed: o.seed ?? 0,
    shuffle,
    dropLast: o.dropLast ?? false,
  };
}

/** Writes frame `f` of `x` (`[frames, dim]`) spliced with `c` neighbours into `out` at `o`. */
function spliceInto(x: Float32Array, frames: number, dim: number, f: number, c: number, out: Float32Array, o: number): void {
  if (f >= c && f + c < frames) {
    // Interior frame: the 2c+1 rows are contiguous in x.
    out.set(x.subarray((f - c) * dim, (f + c + 1) * dim), o);
    return;
  }
  for (let k = -c; k <= c; k++) {
    const src = Math.min(frames - 1, Math.max(0, f + k)) * dim;
    const dst = o + (k + c) * dim;
    for (let d = 0; d < dim; d++) out[dst + d] = x[src + d]!;
  }
}

/** Copies `n` floats; a plain loop beats `set(subarray())` for rows this short. */
function copyRow(src: Float32Array, from: number, dst: Float32Array, to: number, n: number): void {
  for (let i = 0; i < n; i++) dst[to + i] = src[from + i]!;
}

function makeStream<T, L, B>(
  source: FrameSource<T>,
  r: Resolved,
  makeStore: () => SlotStore<L, B>,
  frames: (b: B) => number,
): FrameBatchStream<B> {
  const counts = frameCounts(source);
  let total = 0;
  for (const n of counts) total += n;
  const stats: StreamStats = { maxBufferedItems: 0, utterancesRead: 0 };
  return {
    batchesPerEpoch: batchCount(total, r.batchSize, r.dropLast),
    stats,
    frames,
    batches(epoch: number, startBatch = 0): Iterable<B> {
      return {
        [Symbol.iterator]: () =>
          streamItems({
            order: utteranceOrder(counts.length, r.seed, epoch, r.shuffle),
            itemCounts: counts,
            capacity: r.capacity,
            rng: r.shuffle ? epochRng(r.seed, epoch, 'buffer') : undefined,
            batchSize: r.batchSize,
            dropLast: r.dropLast,
            startBatch: nonNegativeInt('startBatch', startBatch),
            store: makeStore(),
            stats,
          }),
      };
    },
  };
}

interface LoadedSingle {
  x: Float32Array;
  frames: number;
  dim: number;
  t: SingleLabelTargets;
}

/**
 * Batches of spliced frames with single-label targets.
 * @returns a stream whose batches have `x [size, (2c+1)*dim]`, `y [size]`, `boundaryDistance [size]`,
 *   `neighbourLabel [size]`; `batchesPerEpoch = ceil(totalFrames / batchSize)` (floor with dropLast)
 */
export function frameBatches<T extends SingleLabelTargets>(
  source: FrameSource<T>,
  options: FrameBatchOptions,
): FrameBatchStream<FrameBatch> {
  const r = resolve(options);
  const cmvn = options.cmvn === undefined ? undefined : cmvnTransform(options.cmvn);
  // One store (slot arrays) per iteration, so two iterators never share a buffer.
  const makeStore = (): SlotStore<LoadedSingle, FrameBatch> => {
    let dim = -1;
    let inputDim = 0;
    let sx = new Float32Array(0);
    const sy = new Int32Array(r.capacity);
    const sd = new Float32Array(r.capacity);
    const sn = new Int32Array(r.capacity);
    return {
      load(u) {
        const utt = source.utterances[u]!;
        const f = loadFeatures(source, utt, cmvn);
        const t = source.targets(utt);
        checkTargetLength(utt, 'frame labels', t.labels.length, f.frames);
        checkTargetLength(utt, 'boundary distances', t.boundaryDistance.length, f.frames);
        checkTargetLength(utt, 'neighbour labels', t.neighbourLabel.length, f.frames);
        if (dim < 0) {
          dim = f.dim;
          inputDim = (2 * r.context + 1) * dim;
          sx = new Float32Array(r.capacity * inputDim);
        } else checkDim(utt, dim, f.dim);
        return { ...f, t };
      },
      put(l, f, slot) {
        spliceInto(l.x, l.frames, l.dim, f, r.context, sx, slot * inputDim);
        sy[slot] = l.t.labels[f]!;
        sd[slot] = l.t.boundaryDistance[f]!;
        sn[slot] = l.t.neighbourLabel[f]!;
      },
      newBatch(size) {
        return {
          kind: 'frames',
          size,
          inputDim,
          x: new Float32Array(size * inputDim),
          y: new Int32Array(size),
          boundaryDistance: new Float32Array(size),
          neighbourLabel: new Int32Array(size),
        };
      },
      emit(slot, b, row) {
        copyRow(sx, slot * inputDim, b.x, row * inputDim, inputDim);
        b.y[row] = sy[slot]!;
        b.boundaryDistance[row] = sd[slot]!;
        b.neighbourLabel[row] = sn[slot]!;
      },
    };
  };
  return makeStream(source, r, makeStore, (b) => b.size);
}

interface LoadedMulti {
  x: Float32Array;
  frames: number;
  dim: number;
  t: MultiLabelFrameTargets;
}

/**
 * Batches of spliced frames with multi-label (sound event) targets.
 * @returns batches with `x [size, (2c+1)*dim]`, `y [size, classes]` (0/1 float), `boundaryDistance [size, classes]`
 */
export function multiLabelFrameBatches<T extends MultiLabelFrameTargets>(
  source: FrameSource<T>,
  options: FrameBatchOptions,
): FrameBatchStream<MultiLabelFrameBatch> {
  const r = resolve(options);
  const cmvn = options.cmvn === undefined ? undefined : cmvnTransform(options.cmvn);
  const makeStore = (): SlotStore<LoadedMulti, MultiLabelFrameBatch> => {
    let dim = -1;
    let inputDim = 0;
    let classes = 0;
    let sx = new Float32Array(0);
    let sy = new Float32Array(0);
    let sd = new Float32Array(0);
    return {
      load(u) {
        const utt = source.utterances[u]!;
        const f = loadFeatures(source, utt, cmvn);
        const t = source.targets(utt);
        if (dim < 0) {
          dim = f.dim;
          inputDim = (2 * r.context + 1) * dim;
          classes = f.frames > 0 ? t.active.length / f.frames : 0;
          sx = new Float32Array(r.capacity * inputDim);
          sy = new Float32Array(r.capacity * classes);
          sd = new Float32Array(r.capacity * classes);
        } else checkDim(utt, dim, f.dim);
        checkTargetLength(utt, 'event activity rows', t.active.length, f.frames * classes);
        checkTargetLength(utt, 'event boundary distances', t.boundaryDistance.length, f.frames * classes);
        return { ...f, t };
      },
      put(l, f, slot) {
        spliceInto(l.x, l.frames, l.dim, f, r.context, sx, slot * inputDim);
        for (let k = 0; k < classes; k++) {
          sy[slot * classes + k] = l.t.active[f * classes + k]!;
          sd[slot * classes + k] = l.t.boundaryDistance[f * classes + k]!;
        }
      },
      newBatch(size) {
        return {
          kind: 'frames-multi',
          size,
          inputDim,
          classes,
          x: new Float32Array(size * inputDim),
          y: new Float32Array(size * classes),
          boundaryDistance: new Float32Array(size * classes),
        };
      },
      emit(slot, b, row) {
        copyRow(sx, slot * inputDim, b.x, row * inputDim, inputDim);
        b.y.set(sy.subarray(slot * classes, (slot + 1) * classes), row * classes);
        b.boundaryDistance.set(sd.subarray(slot * classes, (slot + 1) * classes), row * classes);
      },
    };
  };
  return makeStream(source, r, makeStore, (b) => b.size);
}
