/**
 * Reproducible randomness inside tfjs. tfjs random ops without an explicit seed (dropout, recurrent
 * dropout, Gaussian noise, every initialiser without `seed`) draw their seed from `Math.random`;
 * a `Dropout` layer with an explicit `seed` instead reuses one mask for every step. hibiki runs
 * model building and each training step with `Math.random` replaced by a generator derived from
 * (seed, purpose, step), and gives seeded dropout layers a per-step seed, so randomness is a pure
 * function of the step: a resumed run draws exactly the masks the uninterrupted run drew.
 */
import type * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/rng.js';

/**
 * Runs `fn` with `Math.random` drawing from `new Rng(seed).fork(label)`. Synchronous only: an
 * `await` inside would leak the replacement to unrelated code.
 */
export function withSeededMathRandom<R>(seed: number, label: string, fn: () => R): R {
  const rng = new Rng(seed).fork(label);
  const original = Math.random;
  Math.random = () => rng.uniform();
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}

/**
 * Builds a model with reproducible initial weights: every initialiser without its own seed draws
 * from `seed`. Use it around `tf.sequential(...)`/`tf.model(...)` (the layers must be built inside).
 */
export function buildSeeded<M>(seed: number, build: () => M): M {
  return withSeededMathRandom(seed, 'init', build);
}

interface SeededLayer {
  seed?: number;
  setStep?: (step: number) => void;
}

/** Layers of `model`, including those nested in sub-models and wrappers (Bidirectional, RNN cells). */
function allLayers(layers: readonly unknown[], out: SeededLayer[] = [], seen = new Set<unknown>()): SeededLayer[] {
  for (const l of layers) {
    if (l === null || typeof l !== 'object' || seen.has(l)) continue;
    seen.add(l);
    out.push(l as SeededLayer);
    const r = l as Record<string, unknown>;
    if (Array.isArray(r['layers'])) allLayers(r['layers'] as unknown[], out, seen);
    for (const key of ['layer', 'forwardLayer', 'backwardLayer', 'cell']) {
      if (r[key] !== undefined) allLayers([r[key]], out, seen);
    }
  }
  return out;
}

/**
 * Runs one training step's forward/backward pass with randomness derived from (seed, step).
 * Layers with a `setStep(step)` method (nn's `SeededDropout`) are told the step; other layers with
 * a numeric `seed` (tfjs `Dropout({seed})`) get `seed' = f(seed, step, layer)` for the step and
 * their own seed back afterwards; everything unseeded draws from `Math.random`, which is replaced.
 * @param shard data-parallel shard index (src/train/parallel): given, the randomness is a pure
 *   function of (seed, step, shard), so every shard of a step draws its own masks; omitted (a
 *   single-process step), the streams are exactly those of (seed, step).
 */
export function withStepRandomness<R>(model: tf.LayersModel, seed: number, step: number, fn: () => R, shard?: number): R {
  const suffix = shard === undefined ? '' : `/shard/${shard}`;
  const layers = allLayers(model.layers);
  const stepped = layers.filter((l) => typeof l.setStep === 'function');
  const seeded = layers.filter((l) => typeof l.setStep !== 'function' && typeof l.seed === 'number');
  // SeededDropout mixes its step number into the mask seed; a shard gets a step number of its own.
  const dropoutStep = shard === undefined ? step : new Rng(seed).fork(`dropout-step/${step}${suffix}`).nextUint32();
  for (const l of stepped) l.setStep!(dropoutStep);
  const saved = seeded.map((l) => l.seed!);
  const stepRng = new Rng(seed).fork(`step-seeds/${step}${suffix}`);
  for (const l of seeded) l.seed = (stepRng.nextUint32() | 1) >>> 0; // non-zero: tfjs treats 0 as "unseeded"
  try {
    return withSeededMathRandom(seed, `step/${step}${suffix}`, fn);
  } finally {
    seeded.forEach((l, i) => (l.seed = saved[i]!));
  }
}
