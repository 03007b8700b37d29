import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fsddSplits, type FsddRecording } from '../../src/index.js';
import { evalMetrics, metric, REPO, run, tempRoot } from './helpers.js';

// ../shared/data/fsdd beside the clone holds the official train split only (takes 5-49).
const ROOT = join(REPO, '..', 'shared', 'data', 'fsdd');

const TINY = [
  `data.root=${ROOT}`,
  'data.sets={train: {utterances: 60}, dev: {utterances: 10}, test: {utterances: 24}}',
  'model.hidden=[64]',
  'train.epochs=3',
  'ctc.train.epochs=4',
];

test('fsdd: without takes 0-4, test holds out takes 5-9 and says so; the frame classifier beats chance; a rerun skips everything', async () => {
  const root = tempRoot('fsdd');
  // Stop before the CTC stages: the frame classifier is the smoke test's part; CTC is checked on synth-phones.
  const first = await run('fsdd', root, TINY, { stopStage: 'eval' });
  const ran = first.stages.filter((s) => s.status === 'ran').map((s) => s.name);
  assert.deepEqual(ran, ['prepare', 'features', 'stats', 'stats-ctc', 'train', 'eval']);
  const sets = JSON.parse(readFileSync(join(first.stages[0]!.dir, 'sets.json'), 'utf8')) as { notes: string[] };
  assert.match(sets.notes[0]!, /official test split \(takes 0-4\) is absent: test holds out takes 5-9/);
  const text = readFileSync(join(first.stages[0]!.dir, 'test', 'text'), 'utf8').trim().split('\n');
  assert.equal(text.length, 24);

  const m = evalMetrics(first, 'eval');
  const chance = m.chance['test']!['fer']!;
  assert.ok(chance > 0.4 && chance < 1, `majority-class (silence) FER ${chance}`);
  assert.ok(metric(m, 'test', 'fer') < chance - 0.15, JSON.stringify({ fer: m.sets['test'], chance }));

  const again = await run('fsdd', root, TINY, { stopStage: 'eval' });
  assert.ok(again.stages.filter((s) => s.status !== 'not-selected').every((s) => s.status === 'skipped'), again.stages.map((s) => s.status).join(' '));
});

test('fsdd splits are take-disjoint: the official test split when takes 0-4 exist, else takes 5-9 held out', () => {
  const recs = (takes: number[]): FsddRecording[] => takes.flatMap((take) => [0, 7].map((digit) => ({ path: `${digit}_ann_${take}.wav`, digit, speaker: 'ann', take })));
  const all = Array.from({ length: 50 }, (_, i) => i);
  const full = fsddSplits(recs(all));
  assert.deepEqual([...new Set(full.pools.test.map((r) => r.take))], [0, 1, 2, 3, 4]);
  assert.deepEqual([...new Set(full.pools.dev.map((r) => r.take))], [5, 6, 7, 8, 9]);
  assert.equal(full.pools.train.length, 2 * 40);
  assert.match(full.note, /official FSDD test split/);
  const trainOnly = fsddSplits(recs(all.filter((t) => t >= 5)));
  assert.deepEqual([...new Set(trainOnly.pools.test.map((r) => r.take))], [5, 6, 7, 8, 9]);
  assert.deepEqual([...new Set(trainOnly.pools.dev.map((r) => r.take))], [10, 11, 12, 13, 14]);
  assert.equal(trainOnly.pools.train.length, 2 * 35);
  assert.match(trainOnly.note, /absent/);
});
