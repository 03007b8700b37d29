import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildSeeded, withStepRandomness } from '../../../src/train/index.js';
import { SeededDropout } from '../../../src/nn/layers/seeded-dropout.js';

await tf.setBackend('cpu');

function dropoutModel(layer: tf.layers.Layer): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.inputLayer({ inputShape: [64] }));
  m.add(layer);
  return m;
}

function mask(model: tf.LayersModel, seed: number, step: number): number[] {
  return withStepRandomness(model, seed, step, () =>
    tf.tidy(() => [...(model.apply(tf.ones([2, 64]), { training: true }) as tf.Tensor).dataSync()]),
  );
}

test('dropout masks are a function of (seed, step): unseeded tfjs Dropout, seeded tfjs Dropout, nn SeededDropout', () => {
  const variants = [
    () => tf.layers.dropout({ rate: 0.5 }),
    () => tf.layers.dropout({ rate: 0.5, seed: 42 }),
    () => new SeededDropout({ rate: 0.5, seed: 42 }),
  ];
  for (const [i, make] of variants.entries()) {
    const a = dropoutModel(make());
    const b = dropoutModel(make());
    const m5 = mask(a, 7, 5);
    assert.ok(m5.includes(0) && m5.includes(2), 'some units dropped, the rest scaled by 2');
    assert.deepEqual(mask(b, 7, 5), m5, 'same (seed, step) in another model instance: same mask');
    assert.deepEqual(mask(a, 7, 5), m5, 'repeating a step repeats its mask');
    assert.notDeepEqual(mask(a, 7, 6), m5, 'another step: another mask');
    // SeededDropout takes its seed from its own config (nn builds it from the run's seed).
    if (i < 2) assert.notDeepEqual(mask(a, 8, 5), m5, 'another seed: another mask');
  }
  // A seeded tfjs Dropout keeps its configured seed outside the step.
  const layer = tf.layers.dropout({ rate: 0.5, seed: 42 });
  mask(dropoutModel(layer), 7, 1);
  assert.equal((layer as unknown as { seed: number }).seed, 42);
  // Math.random is restored after the step.
  const original = Math.random;
  mask(dropoutModel(tf.layers.dropout({ rate: 0.5 })), 1, 1);
  assert.equal(Math.random, original);
});

test('buildSeeded: initial weights are a function of the seed', () => {
  const flat = (m: tf.LayersModel) => m.getWeights().flatMap((w) => [...w.dataSync()]);
  // GRU: glorot kernels and orthogonal recurrent kernels.
  const gru = (seed: number) =>
    buildSeeded(seed, () => {
      const m = tf.sequential();
      m.add(tf.layers.gru({ inputShape: [4, 5], units: 3 }));
      return m;
    });
  assert.deepEqual(flat(gru(1)), flat(gru(1)));
  assert.notDeepEqual(flat(gru(1)), flat(gru(2)));
  const dense = (seed: number) =>
    buildSeeded(seed, () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 4 })] }));
  assert.deepEqual(flat(dense(9)), flat(dense(9)));
  assert.notDeepEqual(flat(dense(9)), flat(dense(10)));
});
