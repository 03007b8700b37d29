import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/nn/backend.js';
import { wasmFallbackKernels } from '../../../src/nn/wasm/kernels.js';
import { Rng } from '../../../src/util/rng.js';

// The same computation on both backends from the same JS numbers; wasm must agree with cpu.
const info = await selectBackend('wasm', {});
assert.equal(info.name, 'wasm');

function randArray(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = async (b: string): Promise<Float32Array[]> => {
    await tf.setBackend(b);
    const out = tf.tidy(f);
    const arr = (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
    tf.dispose(out);
    return arr;
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  return { cpu, wasm };
}

function assertClose(a: Float32Array[], b: Float32Array[], tol: number, what: string): void {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => {
    const y = b[i]!;
    assert.equal(x.length, y.length, what);
    let max = 0;
    let scale = 1e-6;
    for (let j = 0; j < x.length; j++) {
      max = Math.max(max, Math.abs(x[j]! - y[j]!));
      scale = Math.max(scale, Math.abs(x[j]!));
    }
    assert.ok(max <= tol * scale, `${what}[${i}]: max diff ${max} (scale ${scale})`);
  });
}

test('wasm matMul with transposed operands (re-registered BatchMatMul) equals cpu', async () => {
  const rng = new Rng(1);
  const a = randArray(rng, 2 * 7 * 5);
  const b = randArray(rng, 2 * 5 * 3);
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const r = await onBoth(() => {
      const A = tf.tensor3d(a, ta ? [2, 5, 7] : [2, 7, 5]);
      const B = tf.tensor3d(b, tb ? [2, 3, 5] : [2, 5, 3]);
      const A2 = tf.tensor2d(a.subarray(0, 35), ta ? [5, 7] : [7, 5]);
      const B2 = tf.tensor2d(b.subarray(0, 15), tb ? [3, 5] : [5, 3]);
      const bias = tf.tensor1d([0.5, -1, 2]);
      return [tf.matMul(A, B, ta, tb), tf.matMul(A2, B2, ta, tb), tf.fused.matMul({ a: A2, b: B2, transposeA: ta, transposeB: tb, bias, activation: 'relu' })];
    });
    assertClose(r.cpu, r.wasm, 1e-5, `matMul ta=${ta} tb=${tb}`);
  }
});

test('wasm Slice (re-registered to copy only the slice) equals cpu for contiguous and strided slices, ranks 1-5', async () => {
  const rng = new Rng(5);
  const v = randArray(rng, 2 * 3 * 4 * 5 * 6);
  const cases: [number[], number[], number[]][] = [
    [[720], [5], [100]],
    [[24, 30], [3, 0], [10, 30]],
    [[24, 30], [3, 7], [10, 11]],
    [[6, 10, 12], [1, 2, 3], [4, 5, 6]],
    [[6, 10, 12], [2, 0, 0], [3, 10, 12]],
    [[6, 10, 12], [0, 9, 0], [6, 1, 12]],
    [[2, 3, 4, 5, 6], [1, 0, 2, 1, 3], [1, 3, 2, 4, 3]],
    [[2, 3, 4, 5, 6], [0, 0, 0, 0, 0], [2, 3, 4, 5, 0]],
  ];
  for (const [shape, begin, size] of cases) {
    const r = await onBoth(() => tf.slice(tf.tensor(v, shape), begin, size));
    assert.deepEqual(r.wasm, r.cpu, `slice ${shape} ${begin} ${size}`);
  }
});

test('Dense layer gradients on wasm equal cpu (backward pass uses transposed products)', async () => {
  const rng = new Rng(2);
  const x = randArray(rng, 16 * 9);
  const w1 = randArray(rng, 9 * 12);
  const w2 = randArray(rng, 12 * 4);
  const r = await onBoth(() => {
    const X = tf.tensor2d(x, [16, 9]);
    const f = (W1: tf.Tensor, W2: tf.Tensor): tf.Scalar => tf.sum(tf.square(tf.matMul(tf.relu(tf.matMul(X, W1)), W2)));
    const g = tf.grads(f)([tf.tensor2d(w1, [9, 12]), tf.tensor2d(w2, [12, 4])]);
    return g;
  });
  assertClose(r.cpu, r.wasm, 1e-5, 'dense grads');
});

test('Conv2DBackpropFilter (added on wasm: im2col + one matmul) equals cpu for conv1d and conv2d', async () => {
  const rng = new Rng(3);
  const x = randArray(rng, 2 * 10 * 6 * 3);
  const w = randArray(rng, 3 * 3 * 3 * 4);
  const x1 = randArray(rng, 2 * 11 * 5);
  const w1 = randArray(rng, 3 * 5 * 4);
  for (const [stride, pad] of [[1, 'same'], [2, 'same'], [1, 'valid'], [2, 'valid']] as const) {
    const r = await onBoth(() => {
      const X = tf.tensor4d(x, [2, 10, 6, 3]);
      const g2 = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, stride, pad))))([X, tf.tensor4d(w, [3, 3, 3, 4])]);
      const X1 = tf.tensor3d(x1, [2, 11, 5]);
      const g1 = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.conv1d(xx as tf.Tensor3D, ww as tf.Tensor3D, stride, pad))))([X1, tf.tensor3d(w1, [3, 5, 4])]);
      return [...g2, ...g1];
    });
    assertClose(r.cpu, r.wasm, 1e-4, `conv grads stride ${stride} ${pad}`);
  }
});

test('kernels missing on wasm run through the cpu fallback and agree with cpu', async () => {
  assert.ok(wasmFallbackKernels.length > 0);
  // Pick fallbacks a training graph can hit; each must now exist on wasm.
  for (const name of wasmFallbackKernels) assert.ok(tf.getKernel(name, 'wasm') !== undefined, name);
  const rng = new Rng(4);
  const v = randArray(rng, 24);
  const r = await onBoth(() => {
    const x = tf.tensor2d(v, [6, 4]);
    // gather's gradient needs UnsortedSegmentSum; erf, softplus-like ops and cumsum cover elementwise paths.
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, tf.tensor1d([0, 2, 2, 5], 'int32')))))(x);
    return [g, tf.erf(x), tf.cumsum(x, 1)];
  });
  assertClose(r.cpu, r.wasm, 1e-5, 'fallbacks');
});

test('selectBackend: explicit tensorflow fails cleanly without the native package; env overrides; bad names rejected', async () => {
  await assert.rejects(selectBackend('tensorflow', {}), (e: unknown) => (e as { code?: string }).code === 'BACKEND_UNAVAILABLE');
  const viaEnv = await selectBackend('wasm', { HIBIKI_BACKEND: 'cpu' });
  assert.equal(viaEnv.name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  await assert.rejects(selectBackend('auto', { HIBIKI_BACKEND: 'gpu' }), (e: unknown) => (e as { code?: string }).code === 'BACKEND_UNKNOWN');
  const auto = await selectBackend('auto', {});
  assert.equal(auto.name, 'wasm');
  assert.ok(auto.skipped.some((s) => s.includes('@tensorflow/tfjs-node')));
  assert.equal(auto.threads, 1);
});
