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
  layers?: unknown[];
}

function seededLayers(layers: unknown[], out: SeededLayer[]): SeededLayer[] {
  for (const l of layers) {
    const layer = l as SeededLayer & { getClassName?: () => string };
    if (typeof layer.seed === 'number') out.push(layer);
    if (Array.isArray(layer.layers)) seededLayers(layer.layers, out);
  }
  return out;
}

/**
 * Runs one training step's forward/backward pass with randomness derived from (seed, step).
 * @param model its layers with a numeric `seed` get `seed' = f(seed, step, layer)` for the step
 */
export function withStepRandomness<R>(model: tf.LayersModel, seed: number, step: number, fn: () => R): R {
  const layers = seededLayers(model.layers, []);
  const saved = layers.map((l) => l.seed!);
  const stepRng = new Rng(seed).fork(`step-seeds/${step}`);
  for (const l of layers) l.seed = (stepRng.nextUint32() | 1) >>> 0; // non-zero: tfjs treats seed 0 as "unseeded"
  try {
    return withSeededMathRandom(seed, `step/${step}`, fn);
  } finally {
    layers.forEach((l, i) => (l.seed = saved[i]!));
  }
}
