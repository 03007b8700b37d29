import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/nn/backend.js';
import { buildModel } from '../../../src/nn/models/build.js';
import { resolveModelConfig } from '../../../src/nn/models/config.js';
import { col2im, im2col, im2colT, type PatchGeometry } from '../../../src/nn/wasm/conv2d-grad.js';
import { Rng } from '../../../src/util/rng.js';

// wasm's Conv2D gradients (im2col/col2im + one matmul, src/nn/wasm/conv2d-grad.ts) against the cpu
// backend's tf.grad of tf.conv2d, from the same numbers.
const info = await selectBackend('wasm', {});
assert.equal(info.name, 'wasm');

function randArray(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** max |a - b| <= tol * max(|a|, floor) (relative to the reference's scale). */
function assertClose(ref: Float32Array, got: Float32Array, tol: number, what: string, floor = 1e-6): void {
  assert.equal(ref.length, got.length, what);
  let max = 0;
  let scale = floor;
  for (let j = 0; j < ref.length; j++) {
    max = Math.max(max, Math.abs(ref[j]! - got[j]!));
    scale = Math.max(scale, Math.abs(ref[j]!));
  }
  assert.ok(max <= tol * scale, `${what}: max diff ${max} (scale ${scale})`);
}

async function convGrads(backend: string, x: Float32Array, w: Float32Array, dy: Float32Array, xs: number[], ws: number[], strides: [number, number], pad: 'same' | 'valid' | number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(() => {
    const X = tf.tensor4d(x, xs as [number, number, number, number]);
    const W = tf.tensor4d(w, ws as [number, number, number, number]);
    const f = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D => tf.conv2d(a, b, strides, pad);
    const Y = f(X, W);
    const DY = tf.tensor(dy.subarray(0, Y.size), Y.shape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => f(a as tf.Tensor4D, b as tf.Tensor4D))([X, W], DY);
    return [dx!, dw!];
  });
  const arr = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  return arr;
}

test('wasm Conv2D filter and input gradients equal cpu: strides 1/2/(2,1), same/valid, odd/even sizes, channels 1-7', async () => {
  const rng = new Rng(11);
  const cases: { xs: number[]; ws: number[]; strides: [number, number] }[] = [
    { xs: [2, 9, 7, 1], ws: [3, 3, 1, 4], strides: [1, 1] },
    { xs: [2, 8, 6, 3], ws: [3, 3, 3, 5], strides: [2, 2] },
    { xs: [1, 11, 10, 4], ws: [3, 3, 4, 2], strides: [2, 1] },
    { xs: [3, 10, 9, 2], ws: [2, 4, 2, 3], strides: [1, 2] },
    { xs: [2, 7, 8, 7], ws: [5, 3, 7, 6], strides: [3, 2] },
    { xs: [1, 4, 5, 16], ws: [3, 3, 16, 16], strides: [1, 1] },
  ];
  for (const c of cases) {
    for (const pad of ['same', 'valid'] as const) {
      const x = randArray(rng, c.xs.reduce((a, b) => a * b, 1));
      const w = randArray(rng, c.ws.reduce((a, b) => a * b, 1));
      const dy = randArray(rng, x.length * c.ws[3]!);
      const ref = await convGrads('cpu', x, w, dy, c.xs, c.ws, c.strides, pad);
      const got = await convGrads('wasm', x, w, dy, c.xs, c.ws, c.strides, pad);
      const what = `x ${c.xs} w ${c.ws} strides ${c.strides} ${pad}`;
      assertClose(ref[0]!, got[0]!, 1e-4, `dx ${what}`);
      assertClose(ref[1]!, got[1]!, 1e-4, `dw ${what}`);
    }
  }
});

test('wasm Conv2D gradients equal cpu with numeric padding 0-4 (pads beyond the filter take the col2im path), stride 1 and 2', async () => {
  const rng = new Rng(13);
  const cases: { xs: number[]; ws: number[]; strides: [number, number] }[] = [
    { xs: [2, 9, 7, 5], ws: [3, 3, 5, 4], strides: [1, 1] },
    { xs: [1, 6, 11, 2], ws: [2, 3, 2, 3], strides: [1, 1] },
    { xs: [2, 8, 7, 6], ws: [3, 3, 6, 2], strides: [2, 2] },
  ];
  for (const c of cases) {
    for (const pad of [0, 1, 2, 4]) {
      const x = randArray(rng, c.xs.reduce((a, b) => a * b, 1));
      const w = randArray(rng, c.ws.reduce((a, b) => a * b, 1));
      const dy = randArray(rng, 4 * x.length * c.ws[3]!);
      const ref = await convGrads('cpu', x, w, dy, c.xs, c.ws, c.strides, pad);
      const got = await convGrads('wasm', x, w, dy, c.xs, c.ws, c.strides, pad);
      const what = `x ${c.xs} w ${c.ws} strides ${c.strides} pad ${pad}`;
      assertClose(ref[0]!, got[0]!, 1e-4, `dx ${what}`);
      assertClose(ref[1]!, got[1]!, 1e-4, `dw ${what}`);
    }
  }
});

test('im2colT is the transpose of im2col (strides 2 and 1, padding)', () => {
  const rng = new Rng(4);
  for (const g of [
    { batch: 2, h: 5, w: 4, c: 3, outH: 3, outW: 2, kh: 3, kw: 2, sh: 2, sw: 2, top: 1, left: 0 },
    { batch: 1, h: 4, w: 5, c: 2, outH: 4, outW: 5, kh: 3, kw: 3, sh: 1, sw: 1, top: 1, left: 1 },
  ] as PatchGeometry[]) {
    const k = g.kh * g.kw * g.c;
    const m = g.batch * g.outH * g.outW;
    const x = randArray(rng, g.batch * g.h * g.w * g.c);
    const cols = new Float32Array(m * k);
    const colsT = new Float32Array(m * k);
    im2col(x, cols, g);
    im2colT(x, colsT, g);
    for (let r = 0; r < m; r++) for (let j = 0; j < k; j++) assert.equal(colsT[j * m + r], cols[r * k + j], `row ${r} col ${j}`);
  }
});

test('im2col and col2im are adjoint: <im2col(x), c> = <x, col2im(c)> (hand geometry with padding)', () => {
  const rng = new Rng(3);
  const g: PatchGeometry = { batch: 2, h: 5, w: 4, c: 3, outH: 3, outW: 2, kh: 3, kw: 2, sh: 2, sw: 2, top: 1, left: 0 };
  const k = g.kh * g.kw * g.c;
  const m = g.batch * g.outH * g.outW;
  const x = randArray(rng, g.batch * g.h * g.w * g.c);
  const c = randArray(rng, m * k);
  const cols = new Float32Array(m * k);
  im2col(x, cols, g);
  const dx = new Float32Array(x.length);
  col2im(c, dx, g);
  let lhs = 0;
  let rhs = 0;
  for (let i = 0; i < cols.length; i++) lhs += cols[i]! * c[i]!;
  for (let i = 0; i < x.length; i++) rhs += x[i]! * dx[i]!;
  assert.ok(Math.abs(lhs - rhs) <= 1e-4 * Math.max(1, Math.abs(lhs)), `${lhs} vs ${rhs}`);
  // Row (n=0, oy=0, ox=0), tap (ki=0, kj=*) reads image row -1: zeros; tap (ki=1, kj=1) reads x[0, 0, 1, :].
  assert.deepEqual(Array.from(cols.subarray(0, 2 * g.c)), [0, 0, 0, 0, 0, 0]);
  const tap = (1 * g.kw + 1) * g.c;
  assert.deepEqual(Array.from(cols.subarray(tap, tap + g.c)), Array.from(x.subarray(g.c, 2 * g.c)));
});

async function crnnGrads(backend: string, subsampling: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const cfg = resolveModelConfig({ type: 'crnn', conv: [{ filters: 4, pool: 2 }, { filters: 6, pool: 2 }], units: 5, dropout: 0, subsampling });
  const model = buildModel(cfg, { inputDim: 10, numClasses: 3, seed: 7 });
  const rng = new Rng(21);
  const x = tf.tensor3d(randArray(rng, 2 * 13 * 10), [2, 13, 10]);
  // Batch statistics in batch norm, as in training (dropout is 0, so nothing random).
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
  const arr = vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
  tf.dispose([x, ...Object.values(grads)]);
  model.dispose();
  return arr;
}

test('crnn training-step gradients on wasm equal cpu (subsampling 1 and 2)', async () => {
  for (const sub of [1, 2]) {
    const ref = await crnnGrads('cpu', sub);
    const got = await crnnGrads('wasm', sub);
    assert.equal(ref.length, got.length);
    // Conv biases feed batch norm, which cancels them: their gradients are ~0 (rounding noise), so
    // the scale floor is the largest gradient of the model.
    const floor = Math.max(...ref.map((r) => r.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
    ref.forEach((r, i) => assertClose(r, got[i]!, 1e-4, `crnn sub ${sub} grad ${i}`, floor));
  }
});
