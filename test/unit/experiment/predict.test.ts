import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildModel, resolveModelConfig } from '../../../src/nn/index.js';
import { activateInPlace, argmaxRows, forwardUtterance, forwardUtterances, frameRuns, networkShapeOf, resolveExperimentConfig, normaliseFeatures } from '../../../src/pipeline/experiment/index.js';
import { subsampledLengths } from '../../../src/pipeline/experiment/tasks.js';
import { spliceFrames } from '../../../src/features/index.js';
import { Rng } from '../../../src/util/rng.js';

await tf.setBackend('cpu');

function randomMatrix(frames: number, dim: number, seed: number): { data: Float32Array; frames: number; dim: number } {
  const rng = new Rng(seed);
  return { data: Float32Array.from({ length: frames * dim }, () => rng.normal()), frames, dim };
}

test('activateInPlace: softmax rows sum to 1 and match a hand-computed case; sigmoid', () => {
  const x = Float32Array.from([0, Math.log(3), 1000, 1000]);
  activateInPlace(x, 2, 'softmax');
  assert.ok(Math.abs(x[0]! - 0.25) < 1e-7 && Math.abs(x[1]! - 0.75) < 1e-7);
  assert.ok(Math.abs(x[2]! - 0.5) < 1e-7 && Math.abs(x[3]! - 0.5) < 1e-7);
  const y = activateInPlace(Float32Array.from([0, Math.log(4)]), 1, 'sigmoid');
  assert.ok(Math.abs(y[0]! - 0.5) < 1e-7 && Math.abs(y[1]! - 0.8) < 1e-7);
});

test('frameRuns: runs of labels follow the frame convention (centre ± shift/2)', () => {
  // length 25 ms, shift 10 ms: centres at 12.5, 22.5, 32.5, 42.5 ms.
  const runs = frameRuns([0, 0, 1, 0], { shiftSec: 0.01, lengthSec: 0.025 });
  const r = (x: number): number => Math.round(x * 1e6) / 1e6;
  assert.deepEqual(
    runs.map((s) => [r(s.start), r(s.end), s.label]),
    [
      [0.0075, 0.0275, 0],
      [0.0275, 0.0375, 1],
      [0.0375, 0.0475, 0],
    ],
  );
  assert.deepEqual(frameRuns([], { shiftSec: 0.01, lengthSec: 0.025 }), []);
});

test('normaliseFeatures: global CMVN as (x - mean) / sqrt(var); utterance CMVN zero mean', () => {
  const m = { data: Float32Array.from([1, 10, 3, 14]), frames: 2, dim: 2 };
  const g = normaliseFeatures(m, { type: 'global', normVars: true, stats: { mean: [2, 12], variance: [1, 4] } });
  assert.deepEqual(Array.from(g.data), [-1, -1, 1, 1]);
  const u = normaliseFeatures(m, { type: 'utterance', normVars: false });
  assert.deepEqual(Array.from(u.data), [-1, -2, 1, 2]);
  assert.equal(normaliseFeatures(m, { type: 'none', normVars: true }), m);
});

test('subsampledLengths: ceil(frames / s), as the strided conv front', () => {
  assert.deepEqual(Array.from(subsampledLengths(Int32Array.from([1, 2, 3, 7]), 2)), [1, 1, 2, 4]);
  assert.deepEqual(Array.from(subsampledLengths(Int32Array.from([1, 3, 4, 7]), 3)), [1, 1, 2, 3]);
});

test('frame classifier in row blocks equals one pass over the spliced matrix', () => {
  const model = buildModel(resolveModelConfig({ type: 'mlp', hidden: [6] }), { inputDim: 3 * 4, numClasses: 3, seed: 1 });
  const feats = randomMatrix(4100 + 37, 4, 2); // more than one 4096-row block
  const out = forwardUtterance(model, feats, { sequence: false, context: 1, subsampling: 1 });
  const x = spliceFrames(feats, 1);
  const ref = tf.tidy(() => model.predict(tf.tensor2d(x.data, [x.frames, x.dim])) as tf.Tensor).dataSync();
  assert.equal(out.frames, feats.frames);
  assert.equal(out.classes, 3);
  let maxDiff = 0;
  for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(out.data[i]! - ref[i]!));
  assert.ok(maxDiff < 1e-6, `max diff ${maxDiff}`);
  assert.equal(argmaxRows(out).length, feats.frames);
  model.dispose();
});

test('bidirectional GRU: zero-padded batch (training chunks) equals per-utterance outputs on real frames', () => {
  for (const implementation of ['fused', 'tfjs'] as const) {
    const model = buildModel(resolveModelConfig({ type: 'bigru', units: 5, layers: 2, implementation }), { inputDim: 4, numClasses: 3, seed: 3 });
    const lengths = [9, 5, 2];
    const maxT = 9;
    const utts = lengths.map((n, i) => randomMatrix(n, 4, 10 + i));
    const padded = new Float32Array(lengths.length * maxT * 4);
    utts.forEach((u, b) => padded.set(u.data, b * maxT * 4));
    const batched = tf.tidy(() => model.predict(tf.tensor3d(padded, [lengths.length, maxT, 4])) as tf.Tensor).dataSync();
    utts.forEach((u, b) => {
      const single = forwardUtterance(model, u, { sequence: true, context: 0, subsampling: 1 });
      assert.equal(single.frames, u.frames);
      for (let t = 0; t < u.frames; t++) {
        for (let k = 0; k < 3; k++) {
          const d = Math.abs(single.data[t * 3 + k]! - batched[(b * maxT + t) * 3 + k]!);
          assert.ok(d < 1e-5, `${implementation} utt ${b} frame ${t}: diff ${d}`);
        }
      }
    });
    // forwardUtterances pads them into one batch for pad-safe models: same numbers.
    const together = forwardUtterances(model, utts, { sequence: true, context: 0, subsampling: 1, padSafe: true });
    utts.forEach((u, b) => {
      const single = forwardUtterance(model, u, { sequence: true, context: 0, subsampling: 1 });
      assert.equal(together[b]!.frames, u.frames);
      let d = 0;
      for (let i = 0; i < single.data.length; i++) d = Math.max(d, Math.abs(single.data[i]! - together[b]!.data[i]!));
      assert.ok(d < 1e-5, `${implementation} forwardUtterances utt ${b}: diff ${d}`);
    });
    model.dispose();
  }
});

test('only masked recurrent models without subsampling are batched with padding', () => {
  const shape = (model: unknown): boolean => networkShapeOf(resolveExperimentConfig({ value: { task: 'ctc', model } })).padSafe === true;
  assert.equal(shape({ type: 'bigru', subsampling: 1 }), true);
  assert.equal(shape({ type: 'bilstm' }), true);
  assert.equal(shape({ type: 'bigru', subsampling: 2 }), false);
  assert.equal(shape({ type: 'tdnn' }), false);
  assert.equal(shape({ type: 'crnn' }), false);
});
