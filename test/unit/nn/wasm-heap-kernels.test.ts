import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/nn/backend.js';
import { heapKernelModule, heapKernelsOf, type WasmBackendLike } from '../../../src/nn/wasm/heap-kernels.js';
import { Rng } from '../../../src/util/rng.js';

// hibiki's generated SIMD kernels on the wasm heap: the blocked transpose against cpu, exactly.
// (The fused optimiser kernels are checked in test/unit/train/optim-fused.test.ts.)
const info = await selectBackend('wasm', {});
assert.equal(info.name, 'wasm');

const rand = (rng: Rng, n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());

test('the generated module is valid WebAssembly and binds to the wasm backend only', async () => {
  const api = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
  assert.ok(api.validate(heapKernelModule()));
  assert.ok(heapKernelsOf(tf.backend()) !== null);
  assert.equal(heapKernelsOf(tf.findBackend('cpu')), null);
  assert.equal(heapKernelsOf(null), null);
});

test('blocked transpose (4x4 SIMD blocks, 64-column tiles, ragged edges) equals cpu transpose exactly', async () => {
  const rng = new Rng(9);
  const heap = heapKernelsOf(tf.backend())!;
  const b = tf.backend() as unknown as WasmBackendLike;
  for (const [rows, cols] of [[1, 1], [1, 7], [7, 1], [4, 4], [5, 7], [8, 12], [64, 130], [129, 67], [256, 40], [3, 260]] as const) {
    const v = rand(rng, rows * cols);
    const x = tf.tensor2d(v, [rows, cols]);
    const out = b.makeOutput([cols, rows], 'float32');
    heap.transpose(b.getMemoryOffset(x.dataId), b.getMemoryOffset(out.dataId), rows, cols);
    const got = tf.engine().makeTensorFromTensorInfo(out as tf.TensorInfo);
    await tf.setBackend('cpu');
    const want = tf.transpose(tf.tensor2d(v, [rows, cols])).dataSync();
    await tf.setBackend('wasm');
    assert.deepEqual(got.dataSync(), want, `${rows}x${cols}`);
    tf.dispose([x, got]);
  }
});

test('matMul with transposed operands through the blocked transpose equals cpu (batched, ragged sizes)', async () => {
  const rng = new Rng(10);
  for (const [batch, m, k, n] of [[1, 67, 129, 33], [3, 9, 70, 5], [1, 256, 143, 40]] as const) {
    const a = rand(rng, batch * m * k);
    const bv = rand(rng, batch * k * n);
    for (const [ta, tb] of [[true, false], [false, true], [true, true]] as const) {
      const run = (): Float32Array =>
        tf.tidy(() => {
          const A = tf.tensor3d(a, ta ? [batch, k, m] : [batch, m, k]);
          const B = tf.tensor3d(bv, tb ? [batch, n, k] : [batch, k, n]);
          return tf.matMul(A, B, ta, tb).dataSync() as Float32Array;
        });
      const wasm = run();
      await tf.setBackend('cpu');
      const cpu = run();
      await tf.setBackend('wasm');
      let worst = 0;
      for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(cpu[i]! - wasm[i]!));
      assert.ok(worst < 1e-4, `${batch}x${m}x${k}x${n} ta=${ta} tb=${tb}: ${worst}`);
    }
  }
});

test('Sum over leading axes (colsum kernel) equals row-order f32 accumulation exactly and cpu closely; other axes unchanged', async () => {
  const rng = new Rng(11);
  const cases: [number[], number | number[], boolean][] = [
    [[256, 37], 0, false],
    [[2, 3, 5], [0, 1], false],
    [[2, 3, 5], [1, 0], true],
    [[4, 6, 3], 0, true],
    [[4, 6], 1, false], // innermost: the backend's own Sum
    [[4, 6], [0, 1], false], // everything: the backend's own Sum
    [[0, 5], 0, false],
  ];
  for (const [shape, axis, keepDims] of cases) {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = rand(rng, n);
    const wasm = tf.tidy(() => tf.sum(tf.tensor(v, shape), axis, keepDims));
    await tf.setBackend('cpu');
    const cpu = tf.tidy(() => tf.sum(tf.tensor(v, shape), axis, keepDims));
    await tf.setBackend('wasm');
    assert.deepEqual(wasm.shape, cpu.shape, `${shape} ${axis}`);
    const got = wasm.dataSync();
    const want = cpu.dataSync();
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-5 * Math.max(1, Math.abs(want[i]!)), `${shape} ${axis} [${i}]`);
    const axes = typeof axis === 'number' ? [axis] : axis;
    if (axes.length < shape.length && [...axes].sort().every((a, i) => a === i)) {
      const cols = shape.slice(axes.length).reduce((a, b) => a * b, 1);
      const rows = n / Math.max(cols, 1);
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s = Math.fround(s + v[r * cols + c]!);
        assert.equal(got[c], s, `${shape} ${axis} column ${c}`);
      }
    }
    tf.dispose([wasm, cpu]);
  }
});

test('Dense layer with bias: gradients on wasm (colsum bias gradient, blocked transposes) equal cpu', async () => {
  const rng = new Rng(12);
  const x = rand(rng, 64 * 30);
  const w = rand(rng, 30 * 21);
  const bias = rand(rng, 21);
  const grads = async (backend: string): Promise<Float32Array[]> => {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const f = (W: tf.Tensor, B: tf.Tensor): tf.Scalar => tf.sum(tf.square(tf.relu(tf.add(tf.matMul(tf.tensor2d(x, [64, 30]), W), B))));
      return tf.grads(f)([tf.tensor2d(w, [30, 21]), tf.tensor1d(bias)]).map((g) => g.dataSync() as Float32Array);
    });
  };
  const cpu = await grads('cpu');
  const wasm = await grads('wasm');
  cpu.forEach((c, i) => {
    let scale = 1;
    for (const e of c) scale = Math.max(scale, Math.abs(e));
    for (let j = 0; j < c.length; j++) assert.ok(Math.abs(c[j]! - wasm[i]![j]!) <= 1e-6 * scale, `grad ${i}[${j}]: ${c[j]} vs ${wasm[i]![j]}`);
  });
});
