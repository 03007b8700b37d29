import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDataDir } from '../../../src/data/index.js';
import { HibikiError } from '../../../src/errors.js';
import { withLabelFile } from '../../../src/pipeline/experiment/label-files.js';
import { writeEventCorpus, writeSequenceCorpus } from './tones.js';

const root = mkdtempSync(join(tmpdir(), 'hibiki-exp-labels-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

test('alternative label files read like the standard ones (alignment, events, text)', () => {
  const seq = join(root, 'seq');
  writeSequenceCorpus(seq, { utterances: 3, seed: 1, labels: ['a', 'b'], segSec: [0.05, 0.1], tokensPerUtt: [2, 3] });
  copyFileSync(join(seq, 'alignment'), join(seq, 'alignment.exact'));
  copyFileSync(join(seq, 'text'), join(seq, 'text.alt'));
  const data = readDataDir(seq);
  assert.deepEqual(withLabelFile({ ...data, alignment: new Map() }, seq, 'alignment.exact', 'frame').alignment, data.alignment);
  assert.deepEqual(withLabelFile({ ...data, text: new Map() }, seq, 'text.alt', 'ctc').text, data.text);
  assert.equal(withLabelFile(data, seq, null, 'frame'), data);

  const ev = join(root, 'ev');
  writeEventCorpus(ev, { files: 3, seed: 2, labels: ['a', 'b'], seconds: 1 });
  copyFileSync(join(ev, 'events.tsv'), join(ev, 'events.exact.tsv'));
  const evData = readDataDir(ev);
  const alt = withLabelFile({ ...evData, events: new Map() }, ev, 'events.exact.tsv', 'multilabel').events!;
  assert.deepEqual([...alt.keys()].sort(), [...evData.events!.keys()].sort());
  for (const [k, v] of evData.events!) assert.deepEqual(alt.get(k), v);
});

test('a bad alternative alignment names the file and line', () => {
  const dir = join(root, 'bad');
  writeSequenceCorpus(dir, { utterances: 1, seed: 3, labels: ['a', 'b'], segSec: [0.05, 0.1], tokensPerUtt: [2, 2] });
  writeFileSync(join(dir, 'alignment.exact'), 'utt000 0 0.1 a\nutt000 0.2 0.1 b\n');
  assert.throws(
    () => withLabelFile(readDataDir(dir), dir, 'alignment.exact', 'frame'),
    (e: unknown) => e instanceof HibikiError && e.code === 'ALIGNMENT_SYNTAX' && e.line === 2,
  );
  assert.throws(() => withLabelFile(readDataDir(dir), dir, 'nope', 'frame'), (e: unknown) => e instanceof HibikiError && e.code === 'FILE_NOT_FOUND');
});
