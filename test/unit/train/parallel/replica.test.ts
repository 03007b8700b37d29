/**
 * The experiment tasks' replicas (src/pipeline/experiment/replica.ts) rebuilt in a worker thread
 * from plain data compute exactly (bit for bit) the loss and gradients that the main thread
 * computes for the same shard, weights, step, seed and loss share: the MLP with uniform smoothing and dropout,
 * and a BiGRU with smoothed CTC.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { FrameBatch, UtteranceBatch } from '../../../../src/data/index.js';
import { buildModel, resolveLossConfig, resolveModelConfig, type ModelConfig } from '../../../../src/nn/index.js';
import { experimentReplicaSpec } from '../../../../src/pipeline/experiment/replica.js';
import { taskLossFn, type TaskBatch, type TaskLossSpec } from '../../../../src/pipeline/experiment/task-loss.js';
import { ReplicaGroup, shardGradients } from '../../../../src/train/parallel/index.js';
import { buildSeeded } from '../../../../src/train/index.js';
import { Rng } from '../../../../src/util/rng.js';

await tf.setBackend('cpu');
const rng = new Rng(4);

async function checkWorkerEqualsMain(modelRaw: unknown, inputDim: number, classes: number, loss: TaskLossSpec, batch: TaskBatch): Promise<void> {
  const model: ModelConfig = resolveModelConfig(modelRaw);
  // Built from the same seed (SeededDropout's seed is part of the architecture), then moved away
  // from the replica's initial weights: the worker must use the posted weights.
  const main = buildSeeded(1, () => buildModel(model, { inputDim, numClasses: classes, seed: 1 }));
  const moved = main.weights.map((w) => tf.add(w.read(), tf.randomNormal(w.shape.map((d) => d ?? 0), 0, 0.1, 'float32', 5)));
  main.setWeights(moved);
  tf.dispose(moved);
  const vars = main.trainableWeights.map((w) => w.read() as tf.Variable);
  const spec = experimentReplicaSpec({ model, seed: 1, inputDim, classes, loss });
  const shapes = (ws: tf.LayersModel['weights']): number[][] => ws.map((w) => w.shape.map((d) => d ?? 0));
  const group = await ReplicaGroup.start(1, 'cpu', spec, shapes(main.weights), shapes(main.trainableWeights));
  try {
    const weights = main.weights.map((w) => w.read().dataSync() as Float32Array);
    const [fromWorker] = await group.post(12, 9, weights, [batch], [0.375]);
    const local = shardGradients(main, taskLossFn(loss), batch, vars, 9, 12, 1, 0.375);
    assert.ok(fromWorker !== null && fromWorker !== undefined);
    assert.equal(fromWorker.loss, local.loss);
    assert.equal(fromWorker.grads.length, vars.length);
    local.grads.forEach((g, i) => assert.deepEqual(Float32Array.from(fromWorker.grads[i]!), g.dataSync(), `gradient ${i}`));
    tf.dispose(local.grads);
  } finally {
    await group.close();
    main.dispose();
  }
}

test('worker replica = main thread, bit for bit: MLP with dropout, uniform smoothing, spliced frames', { timeout: 60_000 }, async () => {
  const size = 20;
  const batch: FrameBatch = {
    kind: 'frames',
    size,
    inputDim: 12,
    x: Float32Array.from({ length: size * 12 }, () => rng.normal()),
    y: Int32Array.from({ length: size }, (_, i) => (i % 7 === 0 ? -1 : rng.int(5))),
    boundaryDistance: new Float32Array(size).fill(2),
    neighbourLabel: Int32Array.from({ length: size }, () => rng.int(5)),
  };
  const loss: TaskLossSpec = { kind: 'frames', loss: resolveLossConfig({ smoothing: 'uniform', epsilon: 0.1 }), classes: 5, prior: new Float32Array(5).fill(0.2) };
  await checkWorkerEqualsMain({ type: 'mlp', hidden: [16, 16], dropout: 0.3 }, 12, 5, loss, batch);
});

test('worker replica = main thread, bit for bit: BiGRU with smoothed CTC on padded utterances', { timeout: 60_000 }, async () => {
  const size = 3;
  const maxFrames = 9;
  const dim = 4;
  const inputLengths = Int32Array.from([9, 7, 5]);
  const mask = new Float32Array(size * maxFrames);
  inputLengths.forEach((n, b) => mask.fill(1, b * maxFrames, b * maxFrames + n));
  const batch: UtteranceBatch = {
    kind: 'utterances',
    size,
    utterances: ['a', 'b', 'c'],
    maxFrames,
    dim,
    x: Float32Array.from({ length: size * maxFrames * dim }, (_, i) => (mask[Math.floor(i / dim)]! > 0 ? rng.normal() : 0)),
    mask,
    inputLengths,
    maxLabelLength: 3,
    labels: Int32Array.from([1, 2, 3, 2, 2, -1, 3, -1, -1]),
    labelLengths: Int32Array.from([3, 2, 1]),
  };
  const loss: TaskLossSpec = { kind: 'utterances', subsampling: 1, smoothing: { epsilon: 0.1, prior: [0.4, 0.2, 0.2, 0.2] } };
  await checkWorkerEqualsMain({ type: 'bigru', units: 6, layers: 1 }, dim, 4, loss, batch);
});
