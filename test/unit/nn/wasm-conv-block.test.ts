import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/nn/backend.js';
import { tileInto } from '../../../src/nn/wasm/tile.js';
import { Rng } from '../../../src/util/rng.js';

// hibiki's wasm Tile, MaxPoolGrad/AvgPoolGrad and fused FusedBatchNorm gradient
// (src/nn/wasm/conv-block-kernels.ts) against the cpu backend on the same numbers.
const info = await selectBackend('wasm', {});
assert.equal(info.name, 'wasm');

function randArray(rng: Rng, n: number, ints = false): Float32Array {
  return Float32Array.from({ length: n }, () => (ints ? rng.int(3) : rng.normal()));
}
const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);

async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = async (b: string): Promise<Float32Array[]> => {
    await tf.setBackend(b);
    const out = tf.tidy(f);
    const arr = (Array.isArray(out) ? out : [out]).map((t) => Float32Array.from(t.dataSync()));
    tf.dispose(out);
    return arr;
  };
  return { cpu: await run('cpu'), wasm: await run('wasm') };
}

/** max |a - b| <= tol * max(|a|, 1e-6), per output. */
function assertClose(ref: Float32Array[], got: Float32Array[], tol: number, what: string): void {
  assert.equal(ref.length, got.length, what);
  ref.forEach((x, i) => {
    const y = got[i]!;
    assert.equal(x.length, y.length, `${what}[${i}] length`);
    let max = 0;
    let scale = 1e-6;
    for (let j = 0; j < x.length; j++) {
      max = Math.max(max, Math.abs(x[j]! - y[j]!));
      scale = Math.max(scale, Math.abs(x[j]!));
    }
    assert.ok(max <= tol * scale, `${what}[${i}]: max diff ${max} (scale ${scale})`);
  });
}

test('tileInto by hand: [2,3] tiled [2,2] and a vector broadcast to [2,2,3]', () => {
  const out = new Float32Array(24);
  tileInto(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], [2, 2], out);
  assert.deepEqual([...out], [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
  const out2 = new Float32Array(12);
  tileInto(Float32Array.from([7, 8, 9]), [1, 1, 3], [2, 2, 1], out2);
  assert.deepEqual([...out2], [7, 8, 9, 7, 8, 9, 7, 8, 9, 7, 8, 9]);
});

test('wasm Tile equals cpu: ranks 1-5, odd sizes, broadcast vectors, long blocks, int32 and bool; and its gradient', async () => {
  const rng = new Rng(5);
  const cases: [number[], number[]][] = [
    [[5], [3]],
    [[3, 1], [1, 7]],
    [[1, 1, 1, 16], [8, 20, 5, 1]],
    [[1, 1, 1, 40], [3, 7, 9, 1]],
    [[2, 3, 5], [3, 1, 2]],
    [[2, 1, 3, 1, 2], [1, 4, 1, 3, 2]],
    [[4, 37], [5, 3]],
    [[1, 1], [1, 1]],
  ];
  for (const [shape, reps] of cases) {
    const x = randArray(rng, size(shape));
    const dyShape = shape.map((s, i) => s * reps[i]!);
    const dy = randArray(rng, size(dyShape));
    const r = await onBoth(() => {
      const X = tf.tensor(x, shape);
      // tfjs has Tile gradients up to rank 4 only.
      const g = shape.length <= 4 ? [tf.grad((a: tf.Tensor) => tf.tile(a, reps))(X, tf.tensor(dy, dyShape))] : [];
      return [tf.tile(X, reps), ...g, tf.tile(tf.tensor(x, shape).toInt(), reps).toFloat(), tf.tile(X.greater(0), reps).toFloat()];
    });
    assertClose(r.cpu, r.wasm, 1e-6, `tile ${shape} x ${reps}`);
  }
});

const poolCases: { xs: number[]; f: [number, number]; s: [number, number] }[] = [
  { xs: [2, 9, 8, 3], f: [1, 2], s: [1, 2] },
  { xs: [1, 7, 9, 2], f: [2, 2], s: [2, 2] },
  { xs: [3, 5, 11, 1], f: [3, 3], s: [1, 1] },
  { xs: [2, 10, 7, 5], f: [3, 2], s: [2, 3] },
  { xs: [1, 6, 6, 4], f: [2, 3], s: [1, 2] },
];

test('wasm MaxPoolGrad equals cpu: odd sizes, strides, same/valid, and many ties (first maximum wins)', async () => {
  const rng = new Rng(7);
  for (const c of poolCases) {
    for (const pad of ['same', 'valid'] as const) {
      for (const ints of [false, true]) {
        const x = randArray(rng, size(c.xs), ints);
        const dy = randArray(rng, size(c.xs));
        const r = await onBoth(() => {
          const X = tf.tensor4d(x, c.xs as [number, number, number, number]);
          const f = (a: tf.Tensor): tf.Tensor => tf.maxPool(a as tf.Tensor4D, c.f, c.s, pad);
          const y = f(X);
          return [y, tf.grad(f)(X, tf.tensor(dy.subarray(0, y.size), y.shape))];
        });
        assertClose(r.cpu, r.wasm, 1e-6, `maxPool ${c.xs} f ${c.f} s ${c.s} ${pad}${ints ? ' ties' : ''}`);
      }
    }
  }
});

test('wasm AvgPoolGrad equals cpu: odd sizes, strides, same/valid', async () => {
  const rng = new Rng(8);
  for (const c of poolCases) {
    for (const pad of ['same', 'valid'] as const) {
      const x = randArray(rng, size(c.xs));
      const dy = randArray(rng, size(c.xs));
      const r = await onBoth(() => {
        const X = tf.tensor4d(x, c.xs as [number, number, number, number]);
        const f = (a: tf.Tensor): tf.Tensor => tf.avgPool(a as tf.Tensor4D, c.f, c.s, pad);
        const y = f(X);
        return [y, tf.grad(f)(X, tf.tensor(dy.subarray(0, y.size), y.shape))];
      });
      assertClose(r.cpu, r.wasm, 1e-5, `avgPool ${c.xs} f ${c.f} s ${c.s} ${pad}`);
    }
  }
});

test('wasm FusedBatchNorm gradient equals cpu: every input (x, mean, variance, scale, offset), ranks 2-4', async () => {
  const rng = new Rng(9);
  for (const xs of [[2, 5, 7, 3], [3, 4, 16], [11, 6], [1, 1, 9, 5]]) {
    const c = xs[xs.length - 1]!;
    const x = randArray(rng, size(xs));
    const dy = randArray(rng, size(xs));
    const m = randArray(rng, c);
    const v = Float32Array.from(randArray(rng, c), (u) => 0.5 + u * u);
    const sc = randArray(rng, c);
    const off = randArray(rng, c);
    // (Without a scale tfjs cannot differentiate batchNorm on any backend: it saves the absent input.)
    const r = await onBoth(() => {
      const f = (a: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor): tf.Tensor =>
        tf.batchNorm(a, mean as tf.Tensor1D, variance as tf.Tensor1D, offset as tf.Tensor1D, scale as tf.Tensor1D, 1e-3);
      const ins = [tf.tensor(x, xs), tf.tensor1d(m), tf.tensor1d(v), tf.tensor1d(sc), tf.tensor1d(off)];
      const grads = tf.grads((a, b, d, e, g) => f(a, b, d, e, g))(ins, tf.tensor(dy, xs));
      return [f(ins[0]!, ins[1]!, ins[2]!, ins[3]!, ins[4]!), ...grads];
    });
    assertClose(r.cpu, r.wasm, 1e-5, `batchNorm ${xs}`);
  }
});

test('wasm training-mode batch norm (moments + batchNorm, as tf.layers does) gradients equal cpu and run without Tile', async () => {
  const rng = new Rng(10);
  const xs = [4, 13, 9, 6];
  const x = randArray(rng, size(xs));
  const dy = randArray(rng, size(xs));
  const sc = randArray(rng, 6);
  const off = randArray(rng, 6);
  const f = (a: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor): tf.Tensor => {
    const { mean, variance } = tf.moments(a, [0, 1, 2]);
    return tf.batchNorm(a, mean, variance, offset as tf.Tensor1D, scale as tf.Tensor1D, 1e-3);
  };
  const run = (): tf.Tensor[] => tf.grads(f)([tf.tensor(x, xs), tf.tensor1d(sc), tf.tensor1d(off)], tf.tensor(dy, xs));
  const r = await onBoth(run);
  assertClose(r.cpu, r.wasm, 1e-4, 'moments + batchNorm');
  await tf.setBackend('wasm');
  const prof = await tf.profile(() => tf.tidy(run));
  const names = new Set(prof.kernels.map((k) => k.name));
  assert.ok(names.has('HibikiBatchNormGrad'), 'the fused gradient kernel ran');
  assert.ok(!names.has('Tile'), 'no Tile in the batch-norm backward');
});

test('wasm crnn conv block (conv2d + batch norm + relu + max-pool over frequency) weight gradients equal cpu', async () => {
  const rng = new Rng(12);
  const xs = [2, 15, 10, 3];
  const x = randArray(rng, size(xs));
  const w = randArray(rng, 3 * 3 * 3 * 5);
  const sc = randArray(rng, 5);
  const off = randArray(rng, 5);
  const r = await onBoth(() => {
    const f = (a: tf.Tensor, k: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor): tf.Tensor => {
      const y = tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, 1, 'same');
      const { mean, variance } = tf.moments(y, [0, 1, 2]);
      const z = tf.relu(tf.batchNorm(y, mean, variance, offset as tf.Tensor1D, scale as tf.Tensor1D, 1e-3));
      return tf.sum(tf.square(tf.maxPool(z as tf.Tensor4D, [1, 2], [1, 2], 'valid')));
    };
    return tf.grads(f)([tf.tensor(x, xs), tf.tensor(w, [3, 3, 3, 5]), tf.tensor1d(sc), tf.tensor1d(off)]);
  });
  assertClose(r.cpu, r.wasm, 1e-4, 'conv block');
});
