import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalMetrics, metric, run, statuses, tempRoot } from './helpers.js';

const TINY = [
  'data.sets={train: {utterances: 40}, dev: {utterances: 8, speakers: 2}, test: {utterances: 16, speakers: 2}}',
  'model.hidden=[64]',
  'train.epochs=3',
  'ctc.train.epochs=10',
  'ctc.batches.batchSize=4',
];

test('synth-phones: tiny frame classifier and CTC model beat chance on test; a rerun skips every stage', async () => {
  const root = tempRoot('phones');
  const first = await run('synth-phones', root, TINY);
  assert.ok(statuses(first).every((s) => s === 'ran'), statuses(first).join(' '));

  const frame = evalMetrics(first, 'eval');
  const chanceFer = frame.chance['test']!['fer']!;
  assert.ok(chanceFer > 0.6 && chanceFer < 1, `majority-class FER ${chanceFer}`);
  assert.ok(metric(frame, 'test', 'fer') < chanceFer - 0.3, JSON.stringify(frame.sets));
  // Uniform guessing over 19 phones has NLL ln 19 = 2.94 nats.
  assert.ok(metric(frame, 'test', 'nll') < Math.log(19), JSON.stringify(frame.sets));

  const ctc = evalMetrics(first, 'eval-ctc');
  assert.equal(ctc.task, 'ctc');
  // The empty hypothesis has token error rate 1.
  assert.equal(ctc.chance['test']!['ter'], 1);
  assert.ok(metric(ctc, 'test', 'ter') < 0.9, JSON.stringify(ctc.sets));

  const again = await run('synth-phones', root, TINY);
  assert.ok(statuses(again).every((s) => s === 'skipped'), statuses(again).join(' '));
});
