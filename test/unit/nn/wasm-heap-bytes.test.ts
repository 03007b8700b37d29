import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { heapKernelModule } from '../../../src/nn/wasm/heap-kernels.js';

// Pins the nn heap kernels' generated module byte for byte: the hash was recorded from nn's own
// binary writer (src/nn/wasm/encoder.ts at commit df8bd9b) before it moved onto
// src/util/wasm-binary.ts, so a change to any instruction encoding, alignment hint, the
// imported-memory declaration or the type section's layout fails here.

test('the heap kernel module is byte-identical to the recorded one', () => {
  const bytes = heapKernelModule();
  assert.equal(bytes.length, 4167);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), '67e2ac30aae5f1ae50966fa7d38c66ddff37d0610b16140e34714a3257235d85');
});

test('the heap kernel module is deterministic (two builds give the same bytes)', () => {
  assert.deepEqual(heapKernelModule(), heapKernelModule());
});
