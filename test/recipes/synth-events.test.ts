import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evalMetrics, metric, run, statuses, tempRoot } from './helpers.js';

// A few files and epochs: seconds, not minutes; the numbers only have to beat chance clearly.
const TINY = [
  'data.sets={train: {files: 12}, dev: {files: 3}, test: {files: 4}}',
  // The default CRNN, shrunk: one conv block of 8 filters pooling 40 mel bins to 10, a BiGRU of 16;
  // small batches and a high learning rate give it enough updates (~100) to beat chance clearly.
  'model={type: crnn, conv: [{filters: 8, pool: 4}], units: 16}',
  'batches.batchSize=2',
  'train.optimizer.learningRate=0.01',
  'train.epochs=4',
];

test('synth-events: tiny run beats chance on test, writes the report, and a rerun skips every stage', async () => {
  const root = tempRoot('events');
  const first = await run('synth-events', root, TINY);
  assert.deepEqual(statuses(first), ['ran', 'ran', 'ran', 'ran', 'ran', 'ran']);
  const m = evalMetrics(first, 'eval');
  assert.equal(m.task, 'events');
  const chance = m.chance['test']!;
  // Chance: the best audio-blind tagger marks every class active in every frame.
  assert.ok(chance['frameF1AllActive']! > 0 && chance['frameF1AllActive']! < 0.3, JSON.stringify(chance));
  assert.ok(metric(m, 'test', 'frameF1') > chance['frameF1AllActive']! + 0.2, JSON.stringify(m.sets));
  assert.ok(metric(m, 'test', 'segmentF1') > 0.3, JSON.stringify(m.sets));
  // Predicting nothing gives error rate 1; insertions can push a bad system above it.
  assert.ok(metric(m, 'test', 'segmentER') < 0.9, JSON.stringify(m.sets));
  const report = join(first.stages.find((s) => s.name === 'report')!.dir, 'report.html');
  assert.match(readFileSync(report, 'utf8'), /Event-based/);
  assert.ok(existsSync(join(first.expDir, 'eval', 'eval', 'test', 'metrics.json')));

  const again = await run('synth-events', root, TINY);
  assert.deepEqual(statuses(again), ['skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
  assert.deepEqual(again.stages.map((s) => s.reason), Array(6).fill('up to date'));
});
