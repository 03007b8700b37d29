import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkBatches, frameBatches } from '../../../src/data/batches/index.js';
import { makeSource } from './batch-helpers.js';

/**
 * A data set 20x the shuffle buffer: the loader must hold at most the buffer, whatever the data
 * size. The source builds each utterance's features on demand and counts reads (each utterance is
 * read once and dropped), and the stream reports its buffer high-water mark in frames. Heap use is
 * reported as a test diagnostic only (GC timing makes it unfit for an assertion).
 */
test('frame batches over 20x the buffer keep at most the buffer in memory', (t) => {
  const bufferFrames = 500;
  const lengths = Array.from({ length: 100 }, (_, i) => 80 + ((i * 37) % 41)); // ~10k frames
  const total = lengths.reduce((a, b) => a + b, 0);
  assert.ok(total >= 20 * bufferFrames);
  const src = makeSource(lengths, 40);
  const s = frameBatches(src, { batchSize: 64, context: 5, bufferFrames, seed: 4 });
  const before = process.memoryUsage();
  let maxHeap = 0;
  let frames = 0;
  for (let epoch = 0; epoch < 2; epoch++) {
    for (const b of s.batches(epoch)) {
      frames += b.size;
      maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
    }
  }
  assert.equal(frames, 2 * total);
  assert.ok(s.stats.maxBufferedItems <= bufferFrames);
  assert.equal(s.stats.maxBufferedItems, bufferFrames);
  // Each utterance is read once per epoch (never held for later): reads = utterances x epochs.
  assert.equal(src.featureReads, 2 * lengths.length);
  assert.equal(s.stats.utterancesRead, 2 * lengths.length);
  const info = { heapGrowthMB: (maxHeap - before.heapUsed) / 2 ** 20, dataMB: (total * 11 * 40 * 4) / 2 ** 20 };
  t.diagnostic(`heap growth ${info.heapGrowthMB.toFixed(1)} MB while streaming ${info.dataMB.toFixed(1)} MB of spliced frames`);
});

test('chunk batches over 20x the buffer keep at most the buffer in memory', () => {
  const lengths = Array.from({ length: 50 }, () => 100);
  const src = makeSource(lengths, 8);
  const s = chunkBatches(src, { batchSize: 8, chunk: 20, bufferChunks: 12, seed: 4 });
  let chunks = 0;
  for (const b of s.batches(0)) chunks += b.size;
  assert.equal(chunks, 250);
  assert.ok(250 >= 20 * 12);
  assert.equal(s.stats.maxBufferedItems, 12);
  assert.equal(src.featureReads, 50);
});
