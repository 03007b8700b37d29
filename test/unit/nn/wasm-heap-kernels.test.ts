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
