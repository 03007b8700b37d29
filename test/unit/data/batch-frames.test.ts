import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { frameBatches, multiLabelFrameBatches, type FrameBatch } from '../../../src/data/batches/index.js';
import { isHibikiError } from '../../../src/errors.js';
import { centreId, labelOf, makeSource, value } from './batch-helpers.js';

const collect = <B>(it: Iterable<B>): B[] => [...it];

test('spliced frames without shuffling: hand-checked splicing with repeated edges, labels in order', () => {
  const src = makeSource([3, 2]);
  const s = frameBatches(src, { batchSize: 2, context: 1, shuffle: false });
  assert.equal(s.batchesPerEpoch, 3);
  const batches = collect(s.batches(0));
  assert.deepEqual(batches.map((b) => b.size), [2, 2, 1]);
  const b0 = batches[0]!;
  assert.equal(b0.inputDim, 6);
  // Frame 0 of utt 0: left context repeats frame 0.
  const f = (u: number, fr: number) => [value(u, fr, 0), value(u, fr, 1)];
  assert.deepEqual([...b0.x.subarray(0, 6)], [...f(0, 0), ...f(0, 0), ...f(0, 1)]);
  assert.deepEqual([...b0.x.subarray(6, 12)], [...f(0, 0), ...f(0, 1), ...f(0, 2)]);
  // Last frame of utt 1: right context repeats frame 1.
  assert.deepEqual([...batches[2]!.x], [...f(1, 0), ...f(1, 1), ...f(1, 1)]);
  assert.deepEqual(
    batches.flatMap((b) => [...b.y]),
    [labelOf(0, 0, 3), labelOf(0, 1, 3), labelOf(0, 2, 3), labelOf(1, 0, 3), labelOf(1, 1, 3)],
  );
  assert.deepEqual([...batches[1]!.boundaryDistance], [Math.fround(0.02), Math.fround(1)]);
  assert.equal(s.frames(batches[2]!), 1);
});

test('CMVN from stored mean/variance is applied before splicing', () => {
  const src = makeSource([2]);
  const mean = [1, 2];
  const variance = [4, 0.25];
  const b = collect(frameBatches(src, { batchSize: 2, shuffle: false, cmvn: { mean, variance } }).batches(0))[0]!;
  for (let fr = 0; fr < 2; fr++) {
    for (let d = 0; d < 2; d++) {
      const expected = Math.fround((Math.fround(value(0, fr, d)) - mean[d]!) / Math.sqrt(variance[d]!));
      assert.equal(b.x[fr * 2 + d], expected);
    }
  }
});

function ids(batches: FrameBatch[], context: number): number[] {
  return batches.flatMap((b) => Array.from({ length: b.size }, (_, r) => centreId(b.x, r, b.inputDim, context, 2)));
}

test('shuffled epochs: every frame exactly once, same seed same batches, new order per epoch', () => {
  const lengths = [7, 1, 12, 0, 5, 9, 3];
  const src = makeSource(lengths);
  const opts = { batchSize: 4, context: 2, bufferFrames: 6, seed: 11 };
  const s = frameBatches(src, opts);
  const all = lengths.flatMap((n, u) => Array.from({ length: n }, (_, f) => Math.round(value(u, f, 0))));
  const e0 = collect(s.batches(0));
  const e1 = collect(s.batches(1));
  assert.equal(e0.length, s.batchesPerEpoch);
  assert.deepEqual([...ids(e0, 2)].sort((a, b) => a - b), [...all].sort((a, b) => a - b));
  assert.deepEqual([...ids(e1, 2)].sort((a, b) => a - b), [...all].sort((a, b) => a - b));
  assert.notDeepEqual(ids(e0, 2), ids(e1, 2));
  assert.notDeepEqual(ids(e0, 2), all);
  // A separately built stream with the same seed yields identical batches.
  const again = collect(frameBatches(makeSource(lengths), opts).batches(0));
  assert.deepEqual(again, e0);
  const other = collect(frameBatches(makeSource(lengths), { ...opts, seed: 12 }).batches(0));
  assert.notDeepEqual(ids(other, 2), ids(e0, 2));
  // Labels travel with their frames.
  for (const b of e0) {
    for (let r = 0; r < b.size; r++) {
      const id = centreId(b.x, r, b.inputDim, 2, 2);
      const u = Math.floor(id / 1000);
      assert.equal(b.y[r], labelOf(u, id % 1000, 3));
    }
  }
});

test('property: batches(epoch, k) equals batches(epoch) from batch k on, and skipping reads fewer utterances', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 12 }),
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 40 }),
      fc.boolean(),
      (lengths, batchSize, bufferFrames, epoch, kRaw, dropLast) => {
        const src = makeSource(lengths);
        const s = frameBatches(src, { batchSize, bufferFrames, seed: 5, context: 1, dropLast });
        const full = collect(s.batches(epoch));
        assert.equal(full.length, s.batchesPerEpoch);
        const k = s.batchesPerEpoch === 0 ? 0 : kRaw % (s.batchesPerEpoch + 1);
        assert.deepEqual(collect(s.batches(epoch, k)), full.slice(k));
      },
    ),
    { numRuns: 150 },
  );
  const src = makeSource(Array.from({ length: 40 }, () => 10));
  const s = frameBatches(src, { batchSize: 10, bufferFrames: 10, seed: 1 });
  collect(s.batches(0));
  const fullReads = src.featureReads;
  src.featureReads = 0;
  assert.equal(collect(s.batches(0, s.batchesPerEpoch - 1)).length, 1);
  assert.ok(src.featureReads <= 12, `skipping read ${src.featureReads} utterances of ${fullReads}`);
});

test('multi-label frames: activity and per-class distances follow their frame', () => {
  const src = makeSource([4, 3], 2, 3, true);
  const s = multiLabelFrameBatches(src, { batchSize: 3, bufferFrames: 4, seed: 3, context: 0 });
  const batches = collect(s.batches(0));
  let seen = 0;
  for (const b of batches) {
    assert.equal(b.classes, 2);
    for (let r = 0; r < b.size; r++) {
      const id = Math.round(b.x[r * b.inputDim]!);
      const u = Math.floor(id / 1000);
      const f = id % 1000;
      const t = src.targets(src.utterances[u]!);
      assert.deepEqual([...b.y.subarray(r * 2, r * 2 + 2)], [t.active[f * 2]!, t.active[f * 2 + 1]!]);
      assert.deepEqual([...b.boundaryDistance.subarray(r * 2, r * 2 + 2)], [...t.boundaryDistance.subarray(f * 2, f * 2 + 2)]);
      seen++;
    }
  }
  assert.equal(seen, 7);
});

test('bad input: targets of the wrong length and invalid options raise HibikiError', () => {
  const src = makeSource([4]);
  const broken = { ...src, targets: (u: string) => ({ ...src.targets(u), labels: new Int32Array(3) }) };
  assert.throws(() => collect(frameBatches(broken, { batchSize: 2 }).batches(0)), (e) => isHibikiError(e, 'TARGETS_FRAMES_MISMATCH'));
  assert.throws(() => frameBatches(src, { batchSize: 0 }), (e) => isHibikiError(e, 'BATCH_OPTION_INVALID'));
  const stale = { ...src, frames: () => 5 };
  assert.throws(() => collect(frameBatches(stale, { batchSize: 2 }).batches(0)), (e) => isHibikiError(e, 'FEATURE_FRAMES_MISMATCH'));
  assert.throws(
    () => collect(frameBatches(src, { batchSize: 2, cmvn: { mean: [0, 0, 0] } }).batches(0)),
    (e) => isHibikiError(e, 'CMVN_DIM_MISMATCH'),
  );
});
