import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npyHeader, openFeatureArchive, parseNpyHeader } from '../../../src/data/archive/index.js';
import { makeNpyArchive } from '../../golden/features/make_npy_archive.js';

const golden = fileURLToPath(new URL('../../golden/features/', import.meta.url));
const committed = join(golden, 'npy_archive');
interface Evidence {
  shards: Record<string, { shape: [number, number]; dtype: string; version: [number, number]; fortran_order: boolean }>;
  utterances: Record<string, { firstRow: number[]; sum: number }>;
}
const evidence = JSON.parse(readFileSync(join(golden, 'npy_evidence.json'), 'utf8')) as Evidence;

test('the .npy header is numpy v1.0, <f4, C order, 64-byte aligned (hand-checked bytes)', () => {
  const h = npyHeader(31, 13);
  assert.deepEqual(Array.from(h.subarray(0, 8)), [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  assert.equal(h.length % 64, 0);
  assert.equal(h[8]! | (h[9]! << 8), h.length - 10);
  const text = Buffer.from(h.subarray(10)).toString('latin1');
  assert.equal(text.trimEnd(), "{'descr': '<f4', 'fortran_order': False, 'shape': (31, 13), }");
  assert.ok(text.endsWith('\n'));
  assert.deepEqual(parseNpyHeader(h, 'x.npy'), { rows: 31, dim: 13, dataOffset: h.length });
  assert.throws(() => parseNpyHeader(Buffer.from("\x93NUMPY\x01\x00\x40\x00{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 'latin1'), 'y.npy'), { code: 'NPY_INVALID', file: 'y.npy' });
});

test('numpy (np.load mmap_mode="r") read the committed archive as hibiki reads it', () => {
  const archive = openFeatureArchive(committed);
  try {
    for (const [name, s] of Object.entries(evidence.shards)) {
      const info = parseNpyHeader(readFileSync(join(committed, name)), name);
      assert.deepEqual([info.rows, info.dim], s.shape);
      assert.equal(s.dtype, '<f4');
      assert.deepEqual(s.version, [1, 0]);
      assert.equal(s.fortran_order, false);
    }
    assert.deepEqual(archive.entries.map((e) => e.utt), Object.keys(evidence.utterances));
    for (const { entry, features } of archive.utterances()) {
      const ev = evidence.utterances[entry.utt]!;
      for (let d = 0; d < entry.dim; d++) assert.equal(features.data[d], ev.firstRow[d]);
      let sum = 0;
      for (const v of features.data) sum += v;
      assert.ok(Math.abs(sum - ev.sum) <= 1e-9 * Math.max(1, Math.abs(ev.sum)), `${entry.utt}: ${sum} vs ${ev.sum}`);
    }
  } finally {
    archive.close();
  }
});

test('the writer still produces the committed archive (same headers and index, same values to float rounding)', async () => {
  const out = mkdtempSync(join(tmpdir(), 'hibiki-npy-check-'));
  await makeNpyArchive(out);
  for (const name of ['index.jsonl', 'config.json']) {
    assert.equal(readFileSync(join(out, name), 'utf8'), readFileSync(join(committed, name), 'utf8'), name);
  }
  for (const name of Object.keys(evidence.shards)) {
    const mine = readFileSync(join(out, name));
    const ref = readFileSync(join(committed, name));
    const info = parseNpyHeader(ref, name);
    // Header bytes identical; values may differ in the last bit across V8 versions (Math.log etc.).
    assert.deepEqual(mine.subarray(0, info.dataOffset), ref.subarray(0, info.dataOffset), name);
    assert.equal(mine.length, ref.length);
    const a = new Float32Array(mine.buffer.slice(mine.byteOffset + info.dataOffset, mine.byteOffset + mine.length));
    const b = new Float32Array(ref.buffer.slice(ref.byteOffset + info.dataOffset, ref.byteOffset + ref.length));
    for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-5 * Math.max(1, Math.abs(b[i]!)), `${name}[${i}]`);
  }
});
