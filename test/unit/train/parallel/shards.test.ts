/**
 * Data-parallel shards: the split rule, and the property that makes data parallelism correct:
 * the gradients of the shards' losses, each scaled by its share of the loss normaliser, summed in
 * shard order, equal the full batch's gradients (float rounding aside) for the experiment losses:
 * MLP + uniform-smoothed CE on spliced frames with unlabelled frames, BiGRU + boundary smoothing
 * on padded chunks, multi-label binary CE on masked chunks, and BiGRU + smoothed CTC on padded
 * utterances (models without BatchNorm: BatchNorm layers see per-shard statistics, by design).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { ChunkBatch, FrameBatch, MultiLabelChunkBatch, UtteranceBatch } from '../../../../src/data/index.js';
import { buildModel, resolveLossConfig, resolveModelConfig } from '../../../../src/nn/index.js';
import { taskLossFn, type TaskBatch, type TaskLossSpec } from '../../../../src/pipeline/experiment/task-loss.js';
import { sumGradients, combineLosses, lossNormaliser, lossShares, shardGradients, shardRanges, splitBatch } from '../../../../src/train/parallel/index.js';
import { buildSeeded } from '../../../../src/train/index.js';
import { Rng } from '../../../../src/util/rng.js';

await tf.setBackend('cpu');

test('shardRanges: contiguous, in order, sizes differ by at most one, larger shards first', () => {
  for (const [size, n] of [[256, 2], [7, 3], [2, 4], [1, 2], [33, 5]] as const) {
    const r = shardRanges(size, n);
    assert.equal(r.length, n);
    assert.equal(r[0]![0], 0);
    assert.equal(r.at(-1)![1], size);
    for (let i = 1; i < n; i++) assert.equal(r[i]![0], r[i - 1]![1]);
    const lens = r.map(([s, e]) => e - s);
    assert.ok(Math.max(...lens) - Math.min(...lens) <= 1);
    assert.deepEqual(lens, [...lens].sort((a, b) => b - a));
  }
  assert.deepEqual(shardRanges(7, 3), [[0, 3], [3, 5], [5, 7]]);
});

const rng = new Rng(11);
const normal = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());
const ints = (n: number, k: number): Int32Array => Int32Array.from({ length: n }, () => rng.int(k));

function frameBatch(size: number, inputDim: number, k: number): FrameBatch {
  const y = ints(size, k);
  for (let i = 0; i < size; i += 5) y[i] = -1; // unlabelled frames do not count
  return { kind: 'frames', size, inputDim, x: normal(size * inputDim), y, boundaryDistance: Float32Array.from({ length: size }, () => rng.int(6)), neighbourLabel: ints(size, k) };
}

function chunkBatch(size: number, chunk: number, dim: number, k: number): ChunkBatch {
  const mask = new Float32Array(size * chunk);
  // Shard 0 gets the heavily padded chunks, so the shards' normalisers differ a lot.
  for (let b = 0; b < size; b++) mask.fill(1, b * chunk, b * chunk + (b < size / 2 ? 3 + b : chunk));
  const x = normal(size * chunk * dim).map((v, i) => (mask[Math.floor(i / dim)]! > 0 ? v : 0));
  const dist = Float32Array.from({ length: size * chunk }, () => (rng.uniform() < 0.1 ? Infinity : rng.int(5)));
  return { kind: 'chunks', size, chunk, dim, x, mask, y: ints(size * chunk, k), boundaryDistance: dist, neighbourLabel: ints(size * chunk, k) };
}

function multiChunkBatch(size: number, chunk: number, dim: number, k: number): MultiLabelChunkBatch {
  const mask = new Float32Array(size * chunk);
  for (let b = 0; b < size; b++) mask.fill(1, b * chunk, b * chunk + 2 + 2 * b);
  const y = Float32Array.from({ length: size * chunk * k }, () => (rng.uniform() < 0.3 ? 1 : 0));
  return { kind: 'chunks-multi', size, chunk, dim, classes: k, x: normal(size * chunk * dim), mask, y, boundaryDistance: new Float32Array(size * chunk * k) };
}

function utteranceBatch(size: number, maxFrames: number, dim: number, k: number): UtteranceBatch {
  const inputLengths = Int32Array.from({ length: size }, (_, b) => maxFrames - 2 * b);
  const mask = new Float32Array(size * maxFrames);
  inputLengths.forEach((n, b) => mask.fill(1, b * maxFrames, b * maxFrames + n));
  const maxLabelLength = 4;
  const labelLengths = Int32Array.from({ length: size }, (_, b) => 1 + (b % maxLabelLength));
  const labels = new Int32Array(size * maxLabelLength).fill(-1);
  labelLengths.forEach((n, b) => {
    for (let i = 0; i < n; i++) labels[b * maxLabelLength + i] = 1 + rng.int(k - 1);
  });
  const x = normal(size * maxFrames * dim).map((v, i) => (mask[Math.floor(i / dim)]! > 0 ? v : 0));
  return { kind: 'utterances', size, utterances: Array.from({ length: size }, (_, b) => `u${b}`), maxFrames, dim, x, mask, inputLengths, maxLabelLength, labels, labelLengths };
}

/** Max |a - b| / max(1e-3, max |b|) over all gradients (relative to each tensor's scale). */
function maxRelDiff(a: tf.Tensor[], b: tf.Tensor[]): number {
  let worst = 0;
  a.forEach((t, i) => {
    const x = t.dataSync();
    const y = b[i]!.dataSync();
    let scale = 1e-3;
    for (const v of y) scale = Math.max(scale, Math.abs(v));
    for (let j = 0; j < x.length; j++) worst = Math.max(worst, Math.abs(x[j]! - y[j]!) / scale);
  });
  return worst;
}

function checkEquivalence(modelCfg: unknown, inputDim: number, k: number, spec: TaskLossSpec, batch: TaskBatch, shards: number): void {
  const model = buildSeeded(3, () => buildModel(resolveModelConfig(modelCfg), { inputDim, numClasses: k, seed: 3 }));
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const lossFn = taskLossFn(spec);
  const full = shardGradients(model, lossFn, batch, vars, 1, 0, 0);
  const parts = splitBatch(batch, shards);
  const shares = lossShares(parts.map(lossNormaliser));
  assert.ok(new Set(shares.map((s) => s.toFixed(3))).size > 1, 'the test needs shards of unequal weight');
  const per = parts.map((p, i) => shardGradients(model, lossFn, p, vars, 1, 0, i, shares[i]));
  const combined = tf.tidy(() => sumGradients(per.map((p) => p.grads)));
  const loss = combineLosses(per.map((p) => p.loss), shares);
  assert.ok(Math.abs(loss - full.loss) <= 1e-6 * Math.max(1, Math.abs(full.loss)), `loss ${loss} vs full batch ${full.loss}`);
  const diff = maxRelDiff(combined, full.grads);
  assert.ok(diff < 2e-6, `gradients differ by ${diff} (relative)`);
  // Not vacuous: the gradients are not all zero.
  assert.ok(full.grads.some((g) => (g.abs().max().dataSync()[0] ?? 0) > 1e-4));
  tf.dispose([...combined, ...full.grads, ...per.flatMap((p) => p.grads)]);
  model.dispose();
}

test('MLP, uniform-smoothed CE on spliced frames with unlabelled frames: 2 shards = full batch', () => {
  const loss = resolveLossConfig({ smoothing: 'uniform', epsilon: 0.1 });
  checkEquivalence({ type: 'mlp', hidden: [32, 32] }, 15, 6, { kind: 'frames', loss, classes: 6, prior: new Float32Array(6).fill(1 / 6) }, frameBatch(37, 15, 6), 2);
});

test('MLP, unigram smoothing + confidence penalty: 3 shards = full batch', () => {
  const loss = resolveLossConfig({ smoothing: 'unigram', epsilon: 0.2, confidencePenalty: 0.1 });
  const prior = Float32Array.from([0.4, 0.3, 0.2, 0.1]);
  checkEquivalence({ type: 'mlp', hidden: [16] }, 9, 4, { kind: 'frames', loss, classes: 4, prior }, frameBatch(25, 9, 4), 3);
});

test('BiGRU, boundary smoothing on padded chunks: 2 shards = full batch', () => {
  const loss = resolveLossConfig({ smoothing: 'boundary', epsilon: 0.2, boundaryWidth: 3 });
  checkEquivalence({ type: 'bigru', units: 8, layers: 1 }, 5, 4, { kind: 'chunks', loss, classes: 4, prior: new Float32Array(4).fill(0.25) }, chunkBatch(6, 10, 5, 4), 2);
});

// Not a TDNN or CRNN here: their BatchNormalization normalises with each shard's own statistics
// in training (as PyTorch DDP), so their shard gradients differ from the full batch's by design.
test('multi-label binary CE on masked chunks (BiGRU): 2 shards = full batch', () => {
  const loss = resolveLossConfig({ smoothing: 'binary', epsilon: 0.1 });
  checkEquivalence({ type: 'bigru', units: 6, layers: 1 }, 4, 3, { kind: 'chunks-multi', loss, classes: 3 }, multiChunkBatch(5, 12, 4, 3), 2);
});

test('BiGRU, smoothed CTC on padded utterances: 2 shards = full batch', () => {
  const prior = [0.5, 0.2, 0.2, 0.1];
  checkEquivalence({ type: 'bigru', units: 8, layers: 1 }, 5, 4, { kind: 'utterances', subsampling: 1, smoothing: { epsilon: 0.1, prior } }, utteranceBatch(5, 14, 5, 4), 2);
});

test('splitBatch: the shards concatenate to the batch, field by field', () => {
  const b = chunkBatch(5, 4, 3, 3);
  const parts = splitBatch(b, 2);
  assert.deepEqual(parts.map((p) => p.size), [3, 2]);
  for (const key of ['x', 'mask', 'y', 'boundaryDistance', 'neighbourLabel'] as const) {
    assert.deepEqual(Array.from(parts.flatMap((p) => Array.from(p[key]))), Array.from(b[key]));
  }
  const u = utteranceBatch(3, 6, 2, 4);
  const up = splitBatch(u, 2);
  assert.deepEqual(up.map((p) => p.utterances), [['u0', 'u1'], ['u2']]);
  assert.equal(up[1]!.maxFrames, 6);
  assert.deepEqual(Array.from(up[1]!.labels), Array.from(u.labels.slice(8)));
  // Empty shards when the batch is smaller than the shard count.
  const f = frameBatch(1, 3, 2);
  assert.deepEqual(splitBatch(f, 2).map((p) => p.size), [1, 0]);
});

test('lossNormaliser: labelled real frames, real frames, utterances', () => {
  const f = frameBatch(10, 2, 3);
  assert.equal(lossNormaliser(f), 8); // frames 0 and 5 are unlabelled
  const c = chunkBatch(2, 10, 1, 3);
  assert.equal(lossNormaliser(c), 3 + 10);
  assert.equal(lossNormaliser(multiChunkBatch(2, 10, 1, 2)), 2 + 4);
  assert.equal(lossNormaliser(utteranceBatch(3, 8, 1, 3)), 3);
  assert.deepEqual(lossShares([3, 1]), [0.75, 0.25]);
  assert.deepEqual(lossShares([0, 0]), [0, 0]);
});
