/**
 * Per-shard randomness: with a shard index, every dropout flavour draws masks that are a pure
 * function of (seed, step, shard); shards of one step draw different masks; without a shard the
 * single-process streams of (seed, step) are unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { withStepRandomness } from '../../../../src/train/index.js';
import { SeededDropout } from '../../../../src/nn/layers/seeded-dropout.js';

await tf.setBackend('cpu');

function mask(layer: tf.layers.Layer, seed: number, step: number, shard?: number): number[] {
  const m = tf.sequential();
  m.add(tf.layers.inputLayer({ inputShape: [64] }));
  m.add(layer);
  return withStepRandomness(m, seed, step, () => tf.tidy(() => [...(m.apply(tf.ones([2, 64]), { training: true }) as tf.Tensor).dataSync()]), shard);
}

test('dropout masks are a function of (seed, step, shard) for every dropout flavour', () => {
  const variants = [() => tf.layers.dropout({ rate: 0.5 }), () => tf.layers.dropout({ rate: 0.5, seed: 42 }), () => new SeededDropout({ rate: 0.5, seed: 42 })];
  for (const make of variants) {
    const s0 = mask(make(), 7, 5, 0);
    assert.ok(s0.includes(0) && s0.includes(2));
    assert.deepEqual(mask(make(), 7, 5, 0), s0, 'same (seed, step, shard): same mask');
    assert.notDeepEqual(mask(make(), 7, 5, 1), s0, 'another shard of the step: another mask');
    assert.notDeepEqual(mask(make(), 7, 6, 0), s0, 'another step: another mask');
    assert.deepEqual(mask(make(), 7, 5), mask(make(), 7, 5), 'no shard: the single-process stream');
    assert.notDeepEqual(mask(make(), 7, 5), s0, 'shard 0 has a stream of its own');
  }
});
