import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesizePhoneCorpus } from '../../src/index.js';
import { evalMetrics, metric, run, statuses, tempRoot } from './helpers.js';

test('custom: a wav folder with .lab side-cars goes through the template (held-out test set) and beats chance', async () => {
  const root = tempRoot('custom');
  // The user's data: wavs with `start end label` side-cars, as an aligner would leave them.
  const corpus = join(root, 'corpus');
  synthesizePhoneCorpus({ out: corpus, seed: 5, utterances: 40, speakers: 4 });
  const byUtt = new Map<string, string[]>();
  for (const line of readFileSync(join(corpus, 'alignment'), 'utf8').trim().split('\n')) {
    const [utt, start, end, label] = line.split(' ');
    byUtt.set(utt!, [...(byUtt.get(utt!) ?? []), `${start} ${end} ${label}`]);
  }
  for (const [utt, lines] of byUtt) writeFileSync(join(corpus, 'wav', `${utt}.lab`), lines.join('\n') + '\n');

  const overrides = [`data.sets={all: {format: htk-lab, in: ${join(corpus, 'wav')}, labForm: seconds}}`, 'model.hidden=[64]', 'train.epochs=3', 'train.progress=none'];
  const first = await run('custom', root, overrides);
  assert.deepEqual(statuses(first), Array(6).fill('ran'));
  const sets = JSON.parse(readFileSync(join(first.stages[0]!.dir, 'sets.json'), 'utf8')) as { sets: Record<string, string>; notes: string[] };
  assert.deepEqual(Object.keys(sets.sets).sort(), ['dev', 'test', 'train']);
  assert.ok(sets.notes.some((n) => /test: 8 utterances held out of all/.test(n)), sets.notes.join('; '));
  const m = evalMetrics(first, 'eval');
  const chance = m.chance['test']!['fer']!;
  assert.ok(chance > 0.5 && chance < 1, `majority-class FER ${chance}`);
  assert.ok(metric(m, 'test', 'fer') < chance - 0.2, JSON.stringify({ fer: m.sets['test'], chance }));

  const again = await run('custom', root, overrides);
  assert.deepEqual(statuses(again), Array(6).fill('skipped'));
});
