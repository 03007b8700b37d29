/** Entry point of the feature layer: samples in, feature matrix out. */
import type { Rng } from '../util/rng.js';
import type { FeatureConfig } from './config.js';
import { KaldiExtractor } from './kaldi.js';
import { computeMeydaMfcc } from './meyda.js';
import type { FeatureMatrix } from './types.js';

const cache = new Map<string, KaldiExtractor>();
const CACHE_SIZE = 8;

/**
 * A (cached) Kaldi extractor for a config and sample rate. Extractors own scratch buffers, so a
 * cached one must not be used re-entrantly; JS is single-threaded per worker, so this holds.
 */
export function kaldiExtractor(config: FeatureConfig, sampleRate: number): KaldiExtractor {
  const key = `${sampleRate}|${JSON.stringify(config)}`;
  let ex = cache.get(key);
  if (ex === undefined) {
    ex = new KaldiExtractor(config, sampleRate);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, ex);
  }
  return ex;
}

/**
 * Computes features of one signal.
 * @param samples [N] mono samples on the [-1, 1] scale (what readAudio returns)
 * @param sampleRate Hz
 * @param config resolved config (`resolveFeatureConfig`)
 * @param rng dither noise source (only used when `config.dither > 0`; default `new Rng(config.seed)`)
 * @returns `[frames, dim]` row-major; frames as `frameCount`
 */
export function computeFeatures(samples: Float32Array, sampleRate: number, config: FeatureConfig, rng?: Rng): FeatureMatrix {
  if (config.flavour === 'meyda') return computeMeydaMfcc(samples, sampleRate, config);
  return kaldiExtractor(config, sampleRate).compute(samples, rng);
}
