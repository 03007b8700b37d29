import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/nn/backend.js';
import { ctcLoss } from '../../../src/nn/ctc/loss.js';
import { gruRecurrence } from '../../../src/nn/layers/gru-recurrence.js';
import { buildModel, resolveModelConfig } from '../../../src/nn/models/index.js';
import { Rng } from '../../../src/util/rng.js';

// Regression: the GRU recurrence's backward pass read its mask (and recurrent kernel) inputs
// directly, but FusedBiGRU makes the mask inside its own tidy, so by the time the gradient ran the
// mask was disposed. On wasm every BiGRU CTC training step died with tfjs's
// "Cannot read properties of undefined (reading 'backend')"; on cpu a bool->float cast shares the
// Masking layer's data, which hid it.

/** Adam steps of a tiny BiGRU + CTC on one padded batch; returns the losses. */
function trainBiGru(steps: number): number[] {
  const cfg = resolveModelConfig({ type: 'bigru', units: 4, layers: 1, subsampling: 1, dropout: 0 });
  const model = buildModel(cfg, { inputDim: 3, numClasses: 5, seed: 1 });
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const optimizer = tf.train.adam(0.01);
  const rng = new Rng(3);
  const [b, t, d] = [2, 8, 3];
  const x = Float32Array.from({ length: b * t * d }, () => rng.normal());
  // Utterance 2 has 6 real frames: all-zero frames are padding for the Masking layer.
  x.fill(0, (t + 6) * d);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.apply(tf.tensor3d(x, [b, t, d]), { training: true }) as tf.Tensor3D;
        return ctcLoss(logits, [[1, 2], [3]], { inputLengths: [8, 6], zeroInfinity: true }) as tf.Scalar;
      }, vars);
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      return value.dataSync()[0]!;
    });
    losses.push(loss);
  }
  optimizer.dispose();
  model.dispose();
  return losses;
}

test('BiGRU + CTC trains on wasm as on cpu (padded batch, several steps)', async () => {
  await selectBackend('wasm', {});
  const byBackend: Record<string, number[]> = {};
  for (const backend of ['cpu', 'wasm']) {
    assert.ok(await tf.setBackend(backend));
    const before = tf.memory().numTensors;
    byBackend[backend] = trainBiGru(4);
    assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
    const l = byBackend[backend]!;
    assert.ok(l.every(Number.isFinite), `${backend}: ${l.join(' ')}`);
    assert.ok(l[l.length - 1]! < l[0]!, `${backend}: loss did not decrease: ${l.join(' ')}`);
  }
  byBackend['wasm']!.forEach((v, i) => assert.ok(Math.abs(v - byBackend['cpu']![i]!) < 1e-4, `step ${i}: wasm ${v} vs cpu ${byBackend['cpu']![i]}`));
});

test('GRU recurrence gradients do not need the mask input to outlive the forward pass', async () => {
  await selectBackend('wasm', {});
  const rng = new Rng(5);
  const [b, t, h] = [2, 4, 3];
  const xp = tf.tensor3d(Array.from({ length: b * t * 3 * h }, () => rng.normal()), [b, t, 3 * h]);
  const u = tf.variable(tf.tensor2d(Array.from({ length: h * 3 * h }, () => rng.normal() * 0.5), [h, 3 * h]));
  const c = tf.variable(tf.tensor1d(Array.from({ length: 3 * h }, () => rng.normal() * 0.5)));
  for (const backend of ['cpu', 'wasm']) {
    assert.ok(await tf.setBackend(backend));
    const results: Float32Array[] = [];
    for (const impl of ['kernels', 'ops'] as const) {
      for (const masked of [true, false]) {
        // The tidy disposes the mask (and, unmasked, the ones made in its place) before backprop,
        // as FusedBiGRU.call does.
        const { grads } = tf.variableGrads(() =>
          tf.tidy(() => {
            const mask = masked ? tf.tensor2d([[1, 1, 1, 1], [1, 1, 0, 0]]) : null;
            return tf.sum(tf.square(gruRecurrence(xp, u, c, mask, true, impl))) as tf.Scalar;
          }),
          [u, c],
        );
        const g = grads[u.name]!.dataSync() as Float32Array;
        assert.ok(g.every(Number.isFinite) && g.some((v) => v !== 0), `${backend} ${impl} masked=${masked}`);
        results.push(g.slice());
        tf.dispose(grads);
      }
    }
    // kernels and ops agree (masked with masked, unmasked with unmasked).
    for (const k of [0, 1]) {
      const a = results[k]!;
      const o = results[k + 2]!;
      a.forEach((v, j) => assert.ok(Math.abs(v - o[j]!) < 1e-4, `${backend} case ${k} du[${j}] ${v} vs ${o[j]}`));
    }
  }
});
