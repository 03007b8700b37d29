import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/nn/backend.js';
import { GatherConv1D, convOutputFrames, gatherConv1d } from '../../../src/nn/layers/gather-conv1d.js';
import { SpliceDense } from '../../../src/nn/layers/splice-dense.js';
import { gatherFrames } from '../../../src/nn/layers/frame-gather.js';
import { buildModel, outputFrames, resolveModelConfig } from '../../../src/nn/models/index.js';
import { Rng } from '../../../src/util/rng.js';

await selectBackend('wasm', {});
await tf.setBackend('cpu');

function randn(shape: number[], seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** The splice of SpliceDense before the gather kernel (slices of an edge-padded copy + concat), kept as the reference. */
function oldSplice(x: tf.Tensor3D, offsets: number[]): tf.Tensor3D {
  const [b, t, d] = x.shape;
  const left = Math.max(0, -offsets[0]!);
  const right = Math.max(0, offsets[offsets.length - 1]!);
  const parts: tf.Tensor3D[] = [];
  if (left > 0) parts.push(tf.tile(tf.slice(x, [0, 0, 0], [b, 1, d]), [1, left, 1]));
  parts.push(x);
  if (right > 0) parts.push(tf.tile(tf.slice(x, [0, t - 1, 0], [b, 1, d]), [1, right, 1]));
  const padded = parts.length > 1 ? tf.concat(parts, 1) : x;
  return tf.concat(offsets.map((o) => tf.slice(padded, [0, left + o, 0], [b, t, d])), 2);
}

/** Output and gradients (dx, dW, db) of loss = sum(y * r) for a conv1d front; `fast` uses GatherConv1D. */
function convRun(fast: boolean, xs: Float32Array, shape: [number, number, number], k: number, s: number, padding: 'same' | 'valid', w: Float32Array, bias: Float32Array, f: number) {
  const x = tf.tensor3d(xs, shape);
  const kernel = tf.tensor3d(w, [k, shape[2], f]);
  const bvec = tf.tensor1d(bias);
  const out = convOutputFrames(shape[1], k, s, padding);
  const r = tf.tensor3d(randn([shape[0], out, f], 99), [shape[0], out, f]);
  let layer: tf.layers.Layer | null = null;
  if (fast) {
    layer = gatherConv1d({ filters: f, kernelSize: k, strides: s, padding, activation: 'relu' });
    layer.apply(tf.zeros(shape));
    layer.setWeights([kernel, bvec]);
  }
  const forward = (xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor): tf.Tensor =>
    layer !== null ? (layer.apply(xx) as tf.Tensor) : tf.relu(tf.add(tf.conv1d(xx as tf.Tensor3D, kk as tf.Tensor3D, s, padding), bb));
  const y = forward(x, kernel, bvec);
  const grads = layer !== null
    ? (() => {
        const g = tf.grads((xx: tf.Tensor) => tf.sum(tf.mul(forward(xx, kernel, bvec), r)))([x]);
        const v = tf.variableGrads(() => tf.sum(tf.mul(forward(x, kernel, bvec), r)) as tf.Scalar, layer.trainableWeights.map((lw) => (lw as unknown as { val: tf.Variable }).val));
        return [g[0]!, ...layer.trainableWeights.map((lw) => v.grads[(lw as unknown as { val: tf.Variable }).val.name]!)];
      })()
    : tf.grads((xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(forward(xx, kk, bb), r)))([x, kernel, bvec]);
  return { y: y.dataSync().slice(), yShape: y.shape, grads: grads.map((g) => g.dataSync().slice()) };
}

test('subsampling front (gather + matmul) equals tf.conv1d on cpu, outputs and gradients, for every length mod stride', async () => {
  const f = 4;
  const d = 3;
  for (const [k, s] of [[3, 2], [5, 3], [2, 2]] as const) {
    for (const padding of ['same', 'valid'] as const) {
      for (const t of [7, 8, 9, 10]) {
        const shape: [number, number, number] = [2, t, d];
        const xs = randn(shape, t * 10 + k);
        const w = randn([k, d, f], 5 + k);
        const bias = randn([f], 6);
        await tf.setBackend('cpu');
        const ref = convRun(false, xs, shape, k, s, padding, w, bias, f);
        for (const backend of ['cpu', 'wasm']) {
          await tf.setBackend(backend);
          const got = convRun(true, xs, shape, k, s, padding, w, bias, f);
          const what = `${backend} k=${k} s=${s} ${padding} T=${t}`;
          assert.deepEqual(got.yShape, ref.yShape, what);
          assert.ok(maxDiff(got.y, ref.y) < 1e-5, `${what}: forward ${maxDiff(got.y, ref.y)}`);
          ['dx', 'dW', 'db'].forEach((name, i) => {
            const diff = maxDiff(got.grads[i]!, ref.grads[i]!);
            assert.ok(diff < 1e-4, `${what}: ${name} differs by ${diff}`);
          });
        }
      }
    }
  }
  await tf.setBackend('cpu');
});

test('frame gather gradient equals finite differences (zero padding, stride 2)', async () => {
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    const shape: [number, number, number] = [1, 5, 2];
    const xs = Float64Array.from(randn(shape, 3));
    const r = tf.tensor3d(randn([1, 3, 6], 4), [1, 3, 6]);
    const loss = (v: ArrayLike<number>): number => tf.tidy(() => tf.sum(tf.mul(gatherFrames(tf.tensor3d(Float32Array.from(v), shape), [-1, 0, 1], 2, 3, 'zero'), r)).dataSync()[0]!);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(gatherFrames(x as tf.Tensor3D, [-1, 0, 1], 2, 3, 'zero'), r)))(tf.tensor3d(Float32Array.from(xs), shape)).dataSync();
    for (let i = 0; i < xs.length; i++) {
      const up = Float64Array.from(xs);
      const dn = Float64Array.from(xs);
      up[i]! += 1e-2;
      dn[i]! -= 1e-2;
      const fd = (loss(up) - loss(dn)) / 2e-2;
      assert.ok(Math.abs(fd - g[i]!) < 2e-3, `${backend} element ${i}: fd ${fd} vs ${g[i]}`);
    }
  }
  await tf.setBackend('cpu');
});

test('SpliceDense: gather kernel equals the old slice + concat splice, outputs and gradients, on cpu and wasm', async () => {
  for (const offsets of [[-2, -1, 0, 1, 2], [-3, 0, 3], [-1, 0, 2], [0]]) {
    const shape: [number, number, number] = [3, 7, 4];
    const xs = randn(shape, offsets.length);
    await tf.setBackend('cpu');
    const layer = new SpliceDense({ units: 5, offsets, seed: 3 });
    layer.apply(tf.zeros(shape));
    const [kernel, bias] = layer.getWeights().map((w) => w.dataSync().slice());
    const kd = shape[2] * offsets.length;
    const r = tf.tensor3d(randn([3, 7, 5], 8), [3, 7, 5]);
    const refLoss = (x: tf.Tensor, k: tf.Tensor, b: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(tf.reshape(tf.add(tf.matMul(tf.reshape(oldSplice(x as tf.Tensor3D, offsets), [21, kd]), k as tf.Tensor2D), b), [3, 7, 5]), r));
    const refY = tf.reshape(tf.add(tf.matMul(tf.reshape(oldSplice(tf.tensor3d(xs, shape), offsets), [21, kd]), tf.tensor2d(kernel!, [kd, 5])), tf.tensor1d(bias!)), [3, 7, 5]).dataSync();
    const refG = tf.grads(refLoss)([tf.tensor3d(xs, shape), tf.tensor2d(kernel!, [kd, 5]), tf.tensor1d(bias!)]).map((g) => g.dataSync().slice());
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const x = tf.tensor3d(xs, shape);
      const y = (layer.apply(x) as tf.Tensor).dataSync();
      assert.ok(maxDiff(y, refY) < 1e-5, `${backend} ${offsets}: forward`);
      const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.apply(xx) as tf.Tensor, r)))(x).dataSync();
      const vars = layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, r)) as tf.Scalar, vars);
      const got = [dx, ...vars.map((v) => grads[v.name]!.dataSync())];
      ['dx', 'dW', 'db'].forEach((name, i) => assert.ok(maxDiff(got[i]!, refG[i]!) < 1e-4, `${backend} ${offsets}: ${name} ${maxDiff(got[i]!, refG[i]!)}`));
    }
  }
  await tf.setBackend('cpu');
});

test('a model with the subsampling front saves as a standard Conv1D that plain tfjs loads with equal outputs', async () => {
  await tf.setBackend('cpu');
  const cfg = resolveModelConfig({ type: 'tdnn', layers: [{ units: 6, kernel: 3 }], subsampling: 2 });
  const model = buildModel(cfg, { inputDim: 4, numClasses: 3, seed: 2 });
  const front = model.getLayer('subsample_2');
  assert.ok(front instanceof GatherConv1D);
  assert.equal(front.getClassName(), 'Conv1D');
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const topology = JSON.stringify(saved!.modelTopology);
  assert.ok(topology.includes('"class_name":"Conv1D"') && !topology.includes('Gather'), 'the front serialises as Conv1D');
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
  assert.ok(!(loaded.getLayer('subsample_2') instanceof GatherConv1D), 'loaded as the standard class');
  for (const t of [9, 10]) {
    const x = tf.tensor3d(randn([2, t, 4], t), [2, t, 4]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    assert.deepEqual(a.shape, [2, outputFrames(cfg, t), 3]);
    assert.ok(maxDiff(a.dataSync(), b.dataSync()) < 1e-5, `T=${t}`);
  }
});
