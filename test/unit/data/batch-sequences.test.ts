import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  chunkBatches,
  chunksOf,
  multiLabelChunkBatches,
  utteranceBatches,
  type ChunkBatch,
} from '../../../src/data/batches/index.js';
import { labelOf, makeSource, tokenSource, value } from './batch-helpers.js';

const collect = <B>(it: Iterable<B>): B[] => [...it];

test('chunksOf: hand-checked counts', () => {
  assert.equal(chunksOf(0, 4, 4), 0);
  assert.equal(chunksOf(3, 4, 4), 1);
  assert.equal(chunksOf(4, 4, 4), 1);
  assert.equal(chunksOf(5, 4, 4), 2);
  assert.equal(chunksOf(10, 4, 2), 4); // starts 0, 2, 4, 6
});

test('chunks without shuffling: features, labels and masks reassemble each utterance; padding is zero', () => {
  const lengths = [5, 3];
  const src = makeSource(lengths);
  const s = chunkBatches(src, { batchSize: 2, chunk: 4, shuffle: false });
  assert.equal(s.batchesPerEpoch, 2);
  const [b0, b1] = collect(s.batches(0)) as [ChunkBatch, ChunkBatch];
  assert.equal(b0.size, 2);
  assert.equal(b1.size, 1);
  // Chunk 0: utt0 frames 0..3; chunk 1: utt0 frame 4 then padding; chunk 2: utt1 frames 0..2.
  assert.deepEqual([...b0.mask], [1, 1, 1, 1, 1, 0, 0, 0]);
  assert.deepEqual([...b1.mask], [1, 1, 1, 0]);
  assert.equal(b0.x[(4 + 0) * 2], Math.fround(value(0, 4, 0)));
  assert.deepEqual([...b0.x.subarray(5 * 2, 8 * 2)], [0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...b1.y.subarray(0, 3)], [0, 1, 2].map((f) => labelOf(1, f, 3)));
  assert.equal(s.frames(b0) + s.frames(b1), 8);
});

test('property: shuffled chunks cover every frame once per epoch and resume mid-epoch exactly', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 17 }), { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 0, max: 30 }),
      (lengths, chunk, batchSize, bufferChunks, kRaw) => {
        const src = makeSource(lengths);
        const s = chunkBatches(src, { batchSize, chunk, bufferChunks, seed: 9 });
        const full = collect(s.batches(2));
        const seen: number[] = [];
        for (const b of full) {
          for (let i = 0; i < b.size * chunk; i++) if (b.mask[i] === 1) seen.push(Math.round(b.x[i * 2]!));
        }
        const all = lengths.flatMap((n, u) => Array.from({ length: n }, (_, f) => Math.round(value(u, f, 0))));
        assert.deepEqual(seen.sort((a, b) => a - b), all.sort((a, b) => a - b));
        const k = kRaw % (s.batchesPerEpoch + 1);
        assert.deepEqual(collect(s.batches(2, k)), full.slice(k));
      },
    ),
    { numRuns: 100 },
  );
});

test('multi-label chunks carry [chunk, classes] activity', () => {
  const src = makeSource([6], 2, 3, true);
  const [b] = collect(multiLabelChunkBatches(src, { batchSize: 4, chunk: 4, shuffle: false }).batches(0));
  const t = src.targets(src.utterances[0]!);
  assert.equal(b!.classes, 2);
  assert.deepEqual([...b!.y.subarray(0, 8)], [...t.active.subarray(0, 8)]);
  assert.deepEqual([...b!.y.subarray(8, 12)], [...t.active.subarray(8, 12)]);
  assert.deepEqual([...b!.y.subarray(12, 16)], [0, 0, 0, 0]);
  assert.deepEqual([...b!.mask], [1, 1, 1, 1, 1, 1, 0, 0]);
});

test('utterance batches for CTC: padded features and labels with lengths', () => {
  const src = tokenSource([3, 5]);
  const [b] = collect(utteranceBatches(src, { batchSize: 2, shuffle: false, labelPad: -1 }).batches(0));
  assert.equal(b!.maxFrames, 5);
  assert.deepEqual([...b!.inputLengths], [3, 5]);
  assert.deepEqual([...b!.labelLengths], [1, 2]);
  assert.equal(b!.maxLabelLength, 2);
  assert.deepEqual([...b!.labels], [1, -1, 2, 3]);
  assert.deepEqual([...b!.mask], [1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
  assert.equal(b!.x[2 * 2], Math.fround(value(0, 2, 0)));
  assert.deepEqual([...b!.x.subarray(3 * 2, 5 * 2)], [0, 0, 0, 0]);
  assert.equal(b!.x[(5 + 4) * 2 + 1], Math.fround(value(1, 4, 1)));
});

test('utterance batches: bucketing sorts within windows, covers each utterance once, resumes exactly', () => {
  const lengths = Array.from({ length: 37 }, (_, i) => 1 + ((i * 7919) % 50));
  const src = tokenSource(lengths);
  for (const sortByLength of ['none', 'bucket', 'global'] as const) {
    const s = utteranceBatches(src, { batchSize: 4, seed: 2, sortByLength, bucketBatches: 3 });
    const e0 = collect(s.batches(0));
    assert.equal(e0.length, s.batchesPerEpoch);
    assert.deepEqual(e0.flatMap((b) => b.utterances).sort(), [...src.utterances].sort());
    assert.deepEqual(collect(s.batches(0, 4)), e0.slice(4));
    assert.notDeepEqual(collect(s.batches(1)).map((b) => b.utterances), e0.map((b) => b.utterances));
    if (sortByLength !== 'none') {
      for (const b of e0) {
        const l = [...b.inputLengths];
        assert.deepEqual(l, [...l].sort((x, y) => y - x));
      }
    }
  }
  // Global sorting wastes less padding than none.
  const pad = (mode: 'none' | 'global') =>
    collect(utteranceBatches(src, { batchSize: 4, seed: 2, sortByLength: mode }).batches(0)).reduce(
      (s, b) => s + b.size * b.maxFrames - b.inputLengths.reduce((a, n) => a + n, 0),
      0,
    );
  assert.ok(pad('global') < pad('none'));
});
