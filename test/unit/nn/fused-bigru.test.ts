import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { FusedBiGRU } from '../../../src/nn/layers/fused-bigru.js';
import { gruRecurrence } from '../../../src/nn/layers/gru-recurrence.js';
import { selectBackend } from '../../../src/nn/backend.js';
import { Rng } from '../../../src/util/rng.js';

await tf.setBackend('cpu');

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/** float64 reference of the cell documented in fused-bigru.ts. x: [T][D]; returns [T][2H]. */
function reference(x: number[][], w: number[][][], h: number): number[][] {
  const [kernel, bias, uf, ub, ubf, ubb] = w as [number[][], number[][], number[][], number[][], number[][], number[][]];
  const t = x.length;
  const out = Array.from({ length: t }, () => new Array<number>(2 * h).fill(0));
  const run = (offset: number, u: number[][], ubias: number[], order: number[], col: number): void => {
    let state = new Array<number>(h).fill(0);
    for (const i of order) {
      const xp = Array.from({ length: 3 * h }, (_, j) => bias[0]![offset + j]! + x[i]!.reduce((s, v, d) => s + v * kernel[d]![offset + j]!, 0));
      const hp = Array.from({ length: 3 * h }, (_, j) => ubias[j]! + state.reduce((s, v, k) => s + v * u[k]![j]!, 0));
      const next = state.map((hv, j) => {
        const z = sig(xp[j]! + hp[j]!);
        const r = sig(xp[h + j]! + hp[h + j]!);
        const n = Math.tanh(xp[2 * h + j]! + r * hp[2 * h + j]!);
        return n + z * (hv - n);
      });
      state = next;
      next.forEach((v, j) => (out[i]![col + j] = v));
    }
  };
  const order = Array.from({ length: t }, (_, i) => i);
  run(0, uf, ubf[0]!, order, 0);
  run(3 * h, ub, ubb[0]!, [...order].reverse(), h);
  return out;
}

function makeLayer(d: number, h: number): FusedBiGRU {
  const layer = new FusedBiGRU({ units: h, seed: 5 });
  layer.apply(tf.input({ shape: [null, d] }));
  // Non-zero biases so every parameter is exercised.
  const rng = new Rng(9);
  layer.setWeights(layer.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => rng.normal() * 0.5), w.shape)));
  return layer;
}

test('fused BiGRU forward equals a float64 reference of its equations', () => {
  const d = 3;
  const h = 4;
  const t = 6;
  const layer = makeLayer(d, h);
  const rng = new Rng(11);
  const x = Array.from({ length: t }, () => Array.from({ length: d }, () => rng.normal()));
  const got = (layer.apply(tf.tensor3d([x])) as tf.Tensor).arraySync() as number[][][];
  const w = layer.getWeights().map((v) => (v.rank === 1 ? [Array.from(v.dataSync())] : (v.arraySync() as number[][])));
  const want = reference(x, w, h);
  for (let i = 0; i < t; i++) for (let j = 0; j < 2 * h; j++) assert.ok(Math.abs(got[0]![i]![j]! - want[i]![j]!) < 1e-5, `frame ${i} unit ${j}`);
});

for (const masked of [false, true]) test(`fused BiGRU gradients (input and every weight) agree with central finite differences${masked ? ', with a padding mask' : ''}`, () => {
  const d = 2;
  const h = 3;
  const layer = makeLayer(d, h);
  const rng = new Rng(12);
  const xv = Array.from({ length: 2 * 4 * d }, () => rng.normal());
  const proj = tf.tensor3d(Array.from({ length: 2 * 4 * 2 * h }, () => rng.normal()), [2, 4, 2 * h]);
  const mask = tf.tensor2d([[1, 1, 1, 1], [1, 1, 0, 0]]);
  const f = (x: tf.Tensor): tf.Scalar => tf.sum(tf.mul((masked ? layer.call(x, { mask }) : layer.apply(x)) as tf.Tensor, proj));
  const x = tf.tensor3d(xv, [2, 4, d]);
  const { grads } = tf.variableGrads(() => f(x));
  const gx = tf.grad(f)(x).dataSync();
  const eps = 1e-2;
  // Input gradient.
  for (let i = 0; i < xv.length; i++) {
    const p = [...xv];
    const m = [...xv];
    p[i]! += eps;
    m[i]! -= eps;
    const fd = (f(tf.tensor3d(p, [2, 4, d])).dataSync()[0]! - f(tf.tensor3d(m, [2, 4, d])).dataSync()[0]!) / (2 * eps);
    assert.ok(Math.abs(fd - gx[i]!) < 2e-3 * Math.max(1, Math.abs(fd)), `dx[${i}] fd ${fd} vs ${gx[i]}`);
  }
  // Weight gradients: perturb a few entries of each weight.
  for (const v of layer.trainableWeights) {
    const g = grads[v.originalName] ?? grads[v.name];
    assert.ok(g !== undefined, `gradient for ${v.name}`);
    const base = v.read().dataSync().slice();
    for (const idx of [0, Math.floor(base.length / 2), base.length - 1]) {
      const set = (delta: number): number => {
        const w = base.slice();
        w[idx]! += delta;
        v.write(tf.tensor(w, v.shape as number[]));
        return f(x).dataSync()[0]!;
      };
      const fd = (set(eps) - set(-eps)) / (2 * eps);
      set(0);
      const an = g.dataSync()[idx]!;
      assert.ok(Math.abs(fd - an) < 2e-3 * Math.max(1, Math.abs(fd)), `${v.name}[${idx}] fd ${fd} vs ${an}`);
    }
  }
});

test('with a mask, right-padding does not change the real frames (both directions)', () => {
  const d = 3;
  const h = 4;
  const layer = makeLayer(d, h);
  const rng = new Rng(13);
  const real = Array.from({ length: 5 * d }, () => rng.normal());
  const padded = [...real, ...Array.from({ length: 3 * d }, () => rng.normal() * 10)];
  const mask = tf.tensor2d([[1, 1, 1, 1, 1, 0, 0, 0]]);
  const a = (layer.apply(tf.tensor3d(real, [1, 5, d])) as tf.Tensor).arraySync() as number[][][];
  const b = (layer.call(tf.tensor3d(padded, [1, 8, d]), { mask }) as tf.Tensor).arraySync() as number[][][];
  for (let i = 0; i < 5; i++) for (let j = 0; j < 2 * h; j++) assert.ok(Math.abs(a[0]![i]![j]! - b[0]![i]![j]!) < 1e-6, `frame ${i} unit ${j}`);
});

test('GRU step kernels (wasm and cpu) give the same values and gradients as the op-based recurrence', async () => {
  await selectBackend('wasm', {});
  const rng = new Rng(21);
  const [b, t, h] = [3, 5, 4];
  const xp = Array.from({ length: b * t * 3 * h }, () => rng.normal());
  const u = Array.from({ length: h * 3 * h }, () => rng.normal() * 0.5);
  const c = Array.from({ length: 3 * h }, () => rng.normal() * 0.5);
  const w = Array.from({ length: b * t * h }, () => rng.normal());
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    for (const masked of [false, true]) {
      for (const reverse of [false, true]) {
        const mask = masked ? tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]]) : null;
        const f = (impl: 'kernels' | 'ops') => (x: tf.Tensor, uu: tf.Tensor, cc: tf.Tensor): tf.Scalar =>
          tf.sum(tf.mul(gruRecurrence(x as tf.Tensor3D, uu as tf.Tensor2D, cc as tf.Tensor1D, mask, reverse, impl), tf.tensor3d(w, [b, t, h])));
        const args = [tf.tensor3d(xp, [b, t, 3 * h]), tf.tensor2d(u, [h, 3 * h]), tf.tensor1d(c)];
        const vk = tf.valueAndGrads(f('kernels'))(args);
        const vo = tf.valueAndGrads(f('ops'))(args);
        const what = `${backend} masked=${masked} reverse=${reverse}`;
        assert.ok(Math.abs(vk.value.dataSync()[0]! - vo.value.dataSync()[0]!) < 1e-4, `${what}: value`);
        vk.grads.forEach((g, k) => {
          const a = g.dataSync();
          const o = vo.grads[k]!.dataSync();
          let max = 0;
          a.forEach((v, j) => (max = Math.max(max, Math.abs(v - o[j]!))));
          assert.ok(max < 1e-4, `${what}: grad ${k} differs by ${max}`);
        });
      }
    }
  }
  await tf.setBackend('cpu');
});
