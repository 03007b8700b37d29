/**
 * Computes one shard of a feature archive: the features of a slice of utterances, written as one
 * `[rows, dim]` float32 .npy file (atomically), plus its index entries and CMVN sums. Runs in a
 * worker thread (worker.ts) or in-process. Dither noise is seeded per utterance from the config
 * seed and the utterance id, so results do not depend on how shards are spread over jobs.
 */
import { readAudio, resample } from '../../audio/index.js';
import { HibikiError } from '../../errors.js';
import {
  accumulateCmvnSums,
  computeFeatures,
  createCmvnSums,
  featureDim,
  type FeatureConfig,
  type FeatureMatrix,
} from '../../features/index.js';
import { writeChunksAtomic } from '../../util/atomic.js';
import { hashString, Rng } from '../../util/rng.js';
import { npyHeader } from './npy.js';
import type { ArchiveItem } from './types.js';

/** Work order for one shard. */
export interface ShardJob {
  index: number;
  /** Absolute path of the .npy file to write. */
  outPath: string;
  items: ArchiveItem[];
  config: FeatureConfig;
}

/** Result of one shard (structured-clone friendly). */
export interface ShardResult {
  index: number;
  entries: { utt: string; offset: number; frames: number; dim: number }[];
  tooShort: string[];
  dim: number;
  frames: number;
  audioSeconds: number;
  sums: { count: number; sum: Float64Array; sumSq: Float64Array };
}

/** Per-utterance callback: frames computed and audio seconds consumed. */
export type UtteranceDone = (utt: string, frames: number, seconds: number) => void;

function loadItem(item: ArchiveItem, config: FeatureConfig, cache: { path: string; samples: Float32Array; rate: number } | null) {
  const audio = cache !== null && cache.path === item.path ? cache : { path: item.path, ...readAudioAsTuple(item.path) };
  let samples = audio.samples;
  const start = item.start ?? 0;
  const end = item.end ?? -1;
  if (start > 0 || end > 0) {
    const first = Math.max(0, Math.round(start * audio.rate));
    const last = end > 0 ? Math.min(samples.length, Math.round(end * audio.rate)) : samples.length;
    if (first >= samples.length || (end > 0 && end <= start)) {
      throw new HibikiError('SEGMENT_OUT_OF_RANGE', 'segment lies outside its recording', {
        file: item.path,
        utterance: item.utt,
        expected: `0 <= start < end <= ${(samples.length / audio.rate).toFixed(3)} s`,
        found: `start ${start}, end ${end}`,
      });
    }
    samples = samples.subarray(first, last);
  }
  let rate = audio.rate;
  if (config.sampleRate > 0 && rate !== config.sampleRate) {
    samples = resample(samples, rate, config.sampleRate);
    rate = config.sampleRate;
  }
  return { cache: audio, samples, rate };
}

function readAudioAsTuple(path: string): { samples: Float32Array; rate: number } {
  const a = readAudio(path);
  return { samples: a.samples, rate: a.sampleRate };
}

/**
 * Computes and writes one shard.
 * @throws HibikiError from audio reading, or `FEATURE_DIM_MISMATCH` when utterances disagree in dimension
 */
export function computeShard(job: ShardJob, onUtterance?: UtteranceDone): ShardResult {
  const { config } = job;
  const mats: FeatureMatrix[] = [];
  const entries: ShardResult['entries'] = [];
  const tooShort: string[] = [];
  let dim = -1;
  let rows = 0;
  let audioSeconds = 0;
  let cache: { path: string; samples: Float32Array; rate: number } | null = null;
  for (const item of job.items) {
    const loaded = loadItem(item, config, cache);
    cache = loaded.cache;
    const seconds = loaded.samples.length / loaded.rate;
    audioSeconds += seconds;
    const rng = new Rng((config.seed ^ hashString(item.utt)) >>> 0);
    let m: FeatureMatrix;
    try {
      m = computeFeatures(loaded.samples, loaded.rate, config, rng);
    } catch (e) {
      if (e instanceof HibikiError) {
        throw new HibikiError(e.code, `cannot compute features: ${e.message}`, { file: item.path, utterance: item.utt });
      }
      throw e;
    }
    if (dim >= 0 && m.dim !== dim) {
      throw new HibikiError('FEATURE_DIM_MISMATCH', 'utterances of one archive must share the feature dimension', {
        file: item.path,
        utterance: item.utt,
        expected: `dim ${dim}`,
        found: `dim ${m.dim} (sample rate ${loaded.rate} Hz; set sampleRate in the feature config)`,
      });
    }
    dim = m.dim;
    if (m.frames === 0) {
      tooShort.push(item.utt);
    } else {
      entries.push({ utt: item.utt, offset: rows, frames: m.frames, dim: m.dim });
      mats.push(m);
      rows += m.frames;
    }
    onUtterance?.(item.utt, m.frames, seconds);
  }
  if (dim < 0) dim = featureDim(config, config.sampleRate > 0 ? config.sampleRate : 16000);
  const sums = createCmvnSums(dim);
  for (const m of mats) accumulateCmvnSums(sums, m);
  // .npy stores little-endian floats; Float32Array bytes are little-endian on every platform Node supports.
  const chunks: Uint8Array[] = [npyHeader(rows, dim)];
  for (const m of mats) chunks.push(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength));
  writeChunksAtomic(job.outPath, chunks);
  return { index: job.index, entries, tooShort, dim, frames: rows, audioSeconds, sums: { count: sums.count, sum: sums.sum, sumSq: sums.sumSq } };
}
