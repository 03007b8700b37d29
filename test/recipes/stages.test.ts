import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregateRuns, chanceLevels, comparisonTable, downloadFsdd, HibikiError, holdOutSplit, meanStd, summarizeMetrics } from '../../src/index.js';

test('meanStd: hand-computed mean and sample standard deviation', () => {
  assert.deepEqual(meanStd([]), { mean: null, std: null });
  assert.deepEqual(meanStd([0.3]), { mean: 0.3, std: null });
  const s = meanStd([1, 2, 4]);
  assert.ok(Math.abs(s.mean! - 7 / 3) < 1e-12);
  // sum of squared deviations (16 + 1 + 25) / 9 = 42/9, over n-1 = 2
  assert.ok(Math.abs(s.std! - Math.sqrt(42 / 9 / 2)) < 1e-12);
});

test('aggregateRuns groups by the kept axes and averages over the others; the table shows mean ± std', () => {
  const runs = [
    { tag: 'a1', labels: { loss: 'hard', seed: '1' }, metrics: { fer: 0.2, ece: 0.1 } },
    { tag: 'a2', labels: { loss: 'hard', seed: '2' }, metrics: { fer: 0.4, ece: null } },
    { tag: 'b1', labels: { loss: 'uniform', seed: '1' }, metrics: { fer: 0.1, ece: 0.05 } },
  ];
  const rows = aggregateRuns(runs, ['loss']);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0]!.labels, { loss: 'hard' });
  assert.equal(rows[0]!.runs, 2);
  assert.ok(Math.abs(rows[0]!.mean['fer']! - 0.3) < 1e-12);
  assert.ok(Math.abs(rows[0]!.std['fer']! - Math.sqrt(0.02)) < 1e-12);
  // A null value is left out of the mean rather than counted as 0.
  assert.equal(rows[0]!.mean['ece'], 0.1);
  assert.deepEqual(rows[0]!.tags, ['a1', 'a2']);
  const table = comparisonTable(rows, ['loss']).split('\n');
  assert.equal(table[0], '| loss | runs | fer | ece |');
  assert.equal(table[2], '| hard | 2 | 0.300 ± 0.141 | 0.100 |');
  assert.equal(table[3], '| uniform | 1 | 0.100 | 0.050 |');
});

test('chanceLevels: majority class, every-class-active F1, empty CTC hypothesis', () => {
  // Training majority is class 1; on the set, class 1 has 3 of 10 frames.
  const f = chanceLevels('frame', Float64Array.from([5, 9, 1]), Float64Array.from([6, 3, 1]), 10);
  assert.ok(Math.abs(f['fer']! - 0.7) < 1e-12);
  assert.equal(f['majorityClass'], 1);
  // 4 classes x 10 frames, 8 active class-frames: p = 0.2, F1 = 2p / (1 + p) = 1/3.
  const m = chanceLevels('multilabel', Float64Array.from([1, 1, 1, 1]), Float64Array.from([2, 2, 4, 0]), 10);
  assert.ok(Math.abs(m['frameF1AllActive']! - 1 / 3) < 1e-12);
  assert.deepEqual(chanceLevels('ctc', new Float64Array(3), new Float64Array(3), 5), { ter: 1 });
});

test('summarizeMetrics reads the headline numbers of each metrics.json kind', () => {
  assert.deepEqual(summarizeMetrics({ task: 'frame', frame: { fer: 0.25, nll: 0.7, ece: 0.05, brier: 0.3 } }), { fer: 0.25, nll: 0.7, ece: 0.05, brier: 0.3 });
  assert.deepEqual(summarizeMetrics({ task: 'ctc', tokens: { errorRate: 0.2 }, ctc: { nllPerToken: null } }), { ter: 0.2, nllPerToken: null });
  const ev = summarizeMetrics({
    task: 'events',
    multilabel: { micro: { f1: 0.8 }, meanEce: 0.04 },
    events: {
      segmentBased: { overall: { fMeasure: { fMeasure: 0.9 }, errorRate: { errorRate: 0.2 } } },
      eventBased: { overall: { fMeasure: { fMeasure: 0.7 }, errorRate: { errorRate: 0.5 } } },
    },
  });
  assert.deepEqual(ev, { frameF1: 0.8, frameEce: 0.04, segmentF1: 0.9, segmentER: 0.2, eventF1: 0.7, eventER: 0.5 });
});

test('holdOutSplit: disjoint, complete, sized by the fractions, seeded', () => {
  const utts = Array.from({ length: 50 }, (_, i) => `u${i}`);
  const a = holdOutSplit(utts, 0.1, 0.2, 3);
  assert.equal(a.test.length, 10);
  assert.equal(a.dev.length, 5);
  assert.equal(a.train.length, 35);
  assert.deepEqual([...a.train, ...a.dev, ...a.test].sort(), [...utts].sort());
  assert.deepEqual(holdOutSplit([...utts].reverse(), 0.1, 0.2, 3), a);
  assert.notDeepEqual(holdOutSplit(utts, 0.1, 0.2, 4).test, a.test);
});

test('FSDD download offline: FSDD_DOWNLOAD_FAILED suggesting --set data.root', async () => {
  const dest = mkdtempSync(join(tmpdir(), 'hibiki-fsdd-'));
  await assert.rejects(downloadFsdd(dest, 'https://127.0.0.1:9/fsdd.tar.gz'), (e: unknown) => {
    assert.ok(e instanceof HibikiError);
    assert.equal(e.code, 'FSDD_DOWNLOAD_FAILED');
    assert.match(e.message, /--set data\.root=<path>/);
    return true;
  });
});
