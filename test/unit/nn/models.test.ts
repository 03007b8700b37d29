import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildModel, outputFrames, resolveModelConfig, withOutputActivation, type ModelConfig } from '../../../src/nn/models/index.js';
import { SeededDropout, setDropoutStep } from '../../../src/nn/layers/index.js';
import { selectBackend } from '../../../src/nn/backend.js';
import { isHibikiError } from '../../../src/errors.js';
import { Rng } from '../../../src/util/rng.js';

await selectBackend('wasm', {});
await tf.setBackend('cpu');

const DIM = 6;
const K = 5;
const small: Record<string, unknown>[] = [
  { type: 'mlp', hidden: [8, 8], dropout: 0.1 },
  { type: 'tdnn', layers: [{ units: 8, kernel: 3 }, { units: 8, kernel: 3, dilation: 2 }] },
  { type: 'tdnn', layers: [{ units: 8, kernel: 3 }], subsampling: 3 },
  { type: 'bigru', units: 4, layers: 1 },
  { type: 'bigru', units: 4, layers: 1, implementation: 'tfjs' },
  { type: 'bigru', units: 4, layers: 2, subsampling: 2 },
  { type: 'bilstm', units: 4, layers: 1 },
  { type: 'crnn', conv: [{ filters: 4, pool: 2 }], units: 4 },
  { type: 'crnn', conv: [{ filters: 4, pool: 2 }], units: 4, subsampling: 2 },
];

function input(cfg: ModelConfig, batch: number, frames: number, seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const shape = cfg.type === 'mlp' ? [batch, DIM] : [batch, frames, DIM];
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

test('every model type builds, outputs logits of the documented shape, subsampling divides frames (ceil)', () => {
  for (const raw of small) {
    const cfg = resolveModelConfig(raw);
    const m = buildModel(cfg, { inputDim: DIM, numClasses: K, seed: 1 });
    const y = m.predict(input(cfg, 2, 7, 1)) as tf.Tensor;
    const want = cfg.type === 'mlp' ? [2, K] : [2, outputFrames(cfg, 7), K];
    assert.deepEqual(y.shape, want, JSON.stringify(raw));
    if (cfg.type !== 'mlp' && cfg.subsampling > 1) assert.equal(outputFrames(cfg, 7), Math.ceil(7 / cfg.subsampling));
  }
});

test('tdnn keeps frames aligned: changing input frame j changes exactly outputs j-3..j+3 for contexts ±1 then ±2', () => {
  const cfg = resolveModelConfig(small[1]);
  const m = buildModel(cfg, { inputDim: DIM, numClasses: K, seed: 2 });
  const x = input(cfg, 1, 20, 3);
  const bumped = tf.add(x, tf.oneHot([10], 20).reshape([1, 20, 1]).mul(5));
  const a = (m.predict(x) as tf.Tensor).arraySync() as number[][][];
  const b = (m.predict(bumped) as tf.Tensor).arraySync() as number[][][];
  const changed = a[0]!.map((row, t) => row.some((v, k) => Math.abs(v - b[0]![t]![k]!) > 1e-6)).flatMap((c, t) => (c ? [t] : []));
  assert.deepEqual(changed, [7, 8, 9, 10, 11, 12, 13]);
});

test('bigru and bilstm: zero-padded frames at the end do not change the real frames (masking)', () => {
  for (const raw of [small[3], small[4], small[6]]) {
    const cfg = resolveModelConfig(raw);
    const m = buildModel(cfg, { inputDim: DIM, numClasses: K, seed: 4 });
    const x = input(cfg, 1, 5, 5);
    const padded = tf.concat([x, tf.zeros([1, 3, DIM])], 1);
    const a = (m.predict(x) as tf.Tensor).arraySync() as number[][][];
    const b = (m.predict(padded) as tf.Tensor).arraySync() as number[][][];
    for (let t = 0; t < 5; t++) for (let k = 0; k < K; k++) assert.ok(Math.abs(a[0]![t]![k]! - b[0]![t]![k]!) < 1e-5, `${JSON.stringify(raw)} frame ${t}`);
  }
});

test('training gradients on wasm equal those on cpu for every model type', async () => {
  for (const raw of small) {
    const cfg = resolveModelConfig({ ...raw, dropout: 0 });
    await tf.setBackend('cpu');
    const m = buildModel(cfg, { inputDim: DIM, numClasses: K, seed: 6 });
    const xs = input(cfg, 2, 6, 7).dataSync().slice();
    const shape = cfg.type === 'mlp' ? [2, DIM] : [2, 6, DIM];
    const grads = async (backend: string): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const x = tf.tensor(xs, shape);
      const { grads: g } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(m.apply(x, { training: true }) as tf.Tensor, 0.3))) as tf.Scalar);
      return m.trainableWeights.map((w) => g[w.name]!.dataSync() as Float32Array);
    };
    const c = await grads('cpu');
    const w = await grads('wasm');
    c.forEach((g, i) => {
      let max = 0;
      let scale = 1e-3;
      g.forEach((v, j) => {
        max = Math.max(max, Math.abs(v - w[i]![j]!));
        scale = Math.max(scale, Math.abs(v));
      });
      assert.ok(max < 1e-4 * scale, `${JSON.stringify(raw)} weight ${i}: diff ${max} scale ${scale}`);
    });
  }
  await tf.setBackend('cpu');
});

test('one seed fixes the initial weights; seeded dropout varies by step and repeats for the same step', () => {
  const cfg = resolveModelConfig({ type: 'mlp', hidden: [16], dropout: 0.5 });
  const w = (seed: number): number[] => buildModel(cfg, { inputDim: DIM, numClasses: K, seed }).getWeights().flatMap((t) => Array.from(t.dataSync()));
  assert.deepEqual(w(3), w(3));
  assert.notDeepEqual(w(3), w(4));
  const m = buildModel(cfg, { inputDim: DIM, numClasses: K, seed: 3 });
  assert.ok(m.layers.some((l) => l instanceof SeededDropout));
  const x = input(cfg, 4, 1, 8);
  const run = (step: number): number[] => {
    setDropoutStep(m, step);
    return Array.from((m.apply(x, { training: true }) as tf.Tensor).dataSync());
  };
  assert.deepEqual(run(5), run(5));
  assert.notDeepEqual(run(5), run(6));
  // Inference: no dropout, deterministic.
  assert.deepEqual(Array.from((m.predict(x) as tf.Tensor).dataSync()), Array.from((m.predict(x) as tf.Tensor).dataSync()));
});

test('models round-trip through model.json + weights (custom layers registered) and give the same outputs', async () => {
  for (const raw of [small[0], small[1], small[3], small[7]]) {
    const cfg = resolveModelConfig(raw);
    const m = buildModel(cfg, { inputDim: DIM, numClasses: K, seed: 9 });
    let artifacts: tf.io.ModelArtifacts | null = null;
    await withOutputActivation(m, 'softmax').save(tf.io.withSaveHandler(async (a) => {
      artifacts = JSON.parse(JSON.stringify({ ...a, weightData: undefined })) as tf.io.ModelArtifacts;
      artifacts.weightData = a.weightData!;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const x = input(cfg, 2, 5, 10);
    const want = tf.softmax(m.predict(x) as tf.Tensor);
    const got = loaded.predict(x) as tf.Tensor;
    assert.deepEqual(got.shape, want.shape);
    const diff = tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]!;
    assert.ok(diff < 1e-6, `${JSON.stringify(raw)}: ${diff}`);
    const sums = tf.sum(got, -1).dataSync();
    sums.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-5));
  }
});

test('bad model configs raise MODEL_CONFIG_INVALID', () => {
  assert.throws(() => resolveModelConfig({ type: 'transformer' }), (e) => isHibikiError(e, 'MODEL_CONFIG_INVALID'));
  assert.throws(() => resolveModelConfig({ type: 'bigru', subsampling: 4 }), (e) => isHibikiError(e, 'MODEL_CONFIG_INVALID'));
  assert.throws(() => resolveModelConfig({ type: 'tdnn', layers: [{ units: 8, kernel: 4 }] }), (e) => isHibikiError(e, 'MODEL_CONFIG_INVALID'));
  assert.throws(() => resolveModelConfig({ type: 'mlp', hiden: [3] }), (e) => isHibikiError(e, 'MODEL_CONFIG_INVALID'));
  const d = resolveModelConfig({ type: 'bigru' });
  assert.deepEqual(d, { type: 'bigru', units: 128, layers: 2, dropout: 0, subsampling: 1, implementation: 'fused' });
});
