/**
 * Types shared by the streaming batch loaders. Targets are declared structurally here, matching
 * the frame-target maker's `FrameTargets` / `MultiLabelTargets` (src/data/targets), so the loaders
 * do not depend on how targets are made: any object of the same shape works.
 */

/** Row-major feature matrix, `data` is `[frames, dim]` (same shape as features' `FeatureMatrix`). */
export interface FeatureRows {
  data: Float32Array;
  frames: number;
  dim: number;
}

/**
 * Where batches come from: utterance ids, their frame counts (known without reading features,
 * e.g. from an archive index), their features and their targets.
 */
export interface FrameSource<T> {
  /** Utterance ids, in a fixed canonical order (shuffling starts from this order). */
  readonly utterances: readonly string[];
  /** Number of feature frames of `utt`, without reading the features. */
  frames(utt: string): number;
  /** Features of `utt`, `[frames, dim]`. */
  features(utt: string): FeatureRows;
  /** Targets of `utt` (per-frame targets must have `frames(utt)` rows). */
  targets(utt: string): T;
}

/** Single-label frame targets (structurally the same as data's `FrameTargets`). */
export interface SingleLabelTargets {
  /** `[frames]` class index per frame. */
  labels: Int32Array;
  /** `[frames]` distance in frames to the nearest label boundary. */
  boundaryDistance: Float32Array;
  /** `[frames]` label on the other side of that boundary (own label when none). */
  neighbourLabel: Int32Array;
}

/** Multi-label frame targets (structurally the same as data's `MultiLabelTargets`). */
export interface MultiLabelFrameTargets {
  /** `[frames, classes]` 1 where the class is active. */
  active: Uint8Array;
  /** `[frames, classes]` distance in frames to the nearest boundary of that class. */
  boundaryDistance: Float32Array;
}

/** Token sequence for CTC: `labels` are class indices, `[length]`. */
export interface SequenceTargets {
  labels: Int32Array;
}

/**
 * Cepstral mean and variance normalisation from stored statistics: `(x - mean) / sqrt(variance)`
 * per dimension. Without `variance` only the mean is subtracted.
 */
export interface CmvnStats {
  /** `[dim]` per-dimension mean. */
  mean: Float32Array | readonly number[];
  /** `[dim]` per-dimension variance (floored at 1e-10 before the square root). */
  variance?: Float32Array | readonly number[];
}

/** Options every loader shares. */
export interface ShuffleOptions {
  /** Seed of the epoch orders; the same seed gives the same batches. Default 0. */
  seed?: number;
  /** Shuffle (utterance order per epoch, plus the buffer for frame/chunk loaders). Default true. */
  shuffle?: boolean;
  /** Drop a last incomplete batch. Default false. */
  dropLast?: boolean;
}

/** A batch of spliced single-label frames for frame classifiers. */
export interface FrameBatch {
  kind: 'frames';
  /** Number of frames in this batch (the last batch may be short). */
  size: number;
  /** Width of one spliced input row: `(2*context+1)*dim`. */
  inputDim: number;
  /** `[size, inputDim]` spliced, normalised features. */
  x: Float32Array;
  /** `[size]` class index. */
  y: Int32Array;
  /** `[size]` frames to the nearest label boundary. */
  boundaryDistance: Float32Array;
  /** `[size]` label across that boundary. */
  neighbourLabel: Int32Array;
}

/** A batch of spliced multi-label frames (sound events). */
export interface MultiLabelFrameBatch {
  kind: 'frames-multi';
  size: number;
  inputDim: number;
  classes: number;
  /** `[size, inputDim]`. */
  x: Float32Array;
  /** `[size, classes]` 0/1 activity. */
  y: Float32Array;
  /** `[size, classes]` frames to the nearest boundary of each class. */
  boundaryDistance: Float32Array;
}

/** A batch of fixed-length chunks for sequence models; padded frames have mask 0. */
export interface ChunkBatch {
  kind: 'chunks';
  size: number;
  /** Chunk length in frames. */
  chunk: number;
  dim: number;
  /** `[size, chunk, dim]` normalised features, 0 on padded frames. */
  x: Float32Array;
  /** `[size, chunk]` 1 on real frames, 0 on padding. */
  mask: Float32Array;
  /** `[size, chunk]` class index (0 on padding). */
  y: Int32Array;
  /** `[size, chunk]` (padding: 0). */
  boundaryDistance: Float32Array;
  /** `[size, chunk]` (padding: 0). */
  neighbourLabel: Int32Array;
}

/** A batch of fixed-length multi-label chunks. */
export interface MultiLabelChunkBatch {
  kind: 'chunks-multi';
  size: number;
  chunk: number;
  dim: number;
  classes: number;
  /** `[size, chunk, dim]`. */
  x: Float32Array;
  /** `[size, chunk]`. */
  mask: Float32Array;
  /** `[size, chunk, classes]` 0/1 activity (0 on padding). */
  y: Float32Array;
  /** `[size, chunk, classes]`. */
  boundaryDistance: Float32Array;
}

/** Whole utterances padded to the longest one, with token labels for CTC. */
export interface UtteranceBatch {
  kind: 'utterances';
  size: number;
  /** Utterance ids in batch order. */
  utterances: string[];
  /** Longest utterance in frames. */
  maxFrames: number;
  dim: number;
  /** `[size, maxFrames, dim]` normalised features, 0 after each utterance's end. */
  x: Float32Array;
  /** `[size, maxFrames]` 1 on real frames. */
  mask: Float32Array;
  /** `[size]` frames per utterance. */
  inputLengths: Int32Array;
  /** Longest label sequence. */
  maxLabelLength: number;
  /** `[size, maxLabelLength]` token indices, padded with `labelPad`. */
  labels: Int32Array;
  /** `[size]` tokens per utterance. */
  labelLengths: Int32Array;
}

/** What a loader is: an epoch-indexed, resumable source of batches with a stable count. */
export interface BatchStream<B> {
  /** Number of batches in every epoch (does not depend on the epoch). */
  readonly batchesPerEpoch: number;
  /**
   * The batches of `epoch` (0-based) starting at `startBatch`. The order is a pure function of
   * (seed, epoch), so a resumed run can start mid-epoch and get exactly the batches it would have
   * got, without training on the ones before.
   */
  batches(epoch: number, startBatch?: number): Iterable<B>;
  /** Frames in a batch that count for throughput and loss normalisation. */
  frames(batch: B): number;
}
