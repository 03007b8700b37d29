import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isHibikiError } from '../../../src/errors.js';
import { Vocabulary } from '../../../src/data/vocab/vocabulary.js';
import { foldAlignment, foldTokens, readPhoneMap, timitPhoneMap } from '../../../src/data/vocab/phone-map.js';
import { collectLabels } from '../../../src/data/vocab/labels.js';
import { countAlignmentFrames, countTextTokens, priorsFromCounts, readPriors, writePriors } from '../../../src/data/vocab/priors.js';
import type { DataDir } from '../../../src/data/datadir/types.js';
import { tempDir, writeFiles } from './data-helpers.js';

test('vocabulary: index = line number, round trip, label lookups', () => {
  const dir = tempDir();
  writeFiles(dir, { 'vocab.txt': 'sil\r\na\nb c\n' });
  const v = Vocabulary.read(join(dir, 'vocab.txt'));
  assert.equal(v.size, 3);
  assert.equal(v.index('a'), 1);
  assert.equal(v.index('b c'), 2);
  assert.equal(v.label(0), 'sil');
  v.write(join(dir, 'out.txt'));
  assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'sil\na\nb c\n');
  assert.throws(() => v.label(3), (e: unknown) => isHibikiError(e, 'LABEL_INDEX_OUT_OF_RANGE'));
  assert.deepEqual(Vocabulary.fromLabels(['x', 'y', 'x']).labels, ['x', 'y']);
});

test('vocabulary files: blank lines, duplicates and a missing <unk> are errors with their line', () => {
  const dir = tempDir();
  writeFiles(dir, { 'blank.txt': 'a\n\nb\n', 'dup.txt': 'a\nb\na\n', 'nounk.txt': 'a\nb\n', 'unk.txt': 'a\n<unk>\n' });
  assert.throws(() => Vocabulary.read(join(dir, 'blank.txt')), (e: unknown) => isHibikiError(e, 'VOCAB_BLANK_LINE') && e.line === 2);
  assert.throws(() => Vocabulary.read(join(dir, 'dup.txt')), (e: unknown) => isHibikiError(e, 'VOCAB_DUPLICATE') && e.line === 3);
  assert.throws(() => Vocabulary.read(join(dir, 'nounk.txt'), { unk: 'map' }), (e: unknown) => isHibikiError(e, 'VOCAB_NO_UNK'));
  const m = Vocabulary.read(join(dir, 'unk.txt'), { unk: 'map' });
  assert.equal(m.index('zzz'), 1);
});

test("unknown labels under 'error' name file, line and utterance", () => {
  const v = Vocabulary.fromLabels(['a']);
  assert.throws(
    () => v.index('q', { file: 'data/alignment', line: 7, utterance: 'u3' }),
    (e: unknown) => isHibikiError(e, 'UNKNOWN_LABEL') && e.file === 'data/alignment' && e.line === 7 && e.utterance === 'u3' && e.found === 'q',
  );
});

test('TIMIT map: 61 phones fold to 48 and 39 classes, q is deleted', () => {
  const to48 = timitPhoneMap('61', '48');
  const to39 = timitPhoneMap('61', '39');
  assert.equal(to48.size, 61);
  assert.equal(to39.size, 61);
  assert.equal(new Set([...to48.values()].filter((x) => x !== null)).size, 48);
  assert.equal(new Set([...to39.values()].filter((x) => x !== null)).size, 39);
  assert.equal(to39.get('q'), null);
  assert.equal(to39.get('ao'), 'aa');
  assert.equal(to39.get('zh'), 'sh');
  assert.equal(to48.get('pcl'), 'cl');
  assert.equal(to39.get('pcl'), 'sil');
  const from48 = timitPhoneMap('48', '39');
  assert.equal(from48.size, 48);
  assert.equal(from48.get('vcl'), 'sil');
  assert.throws(() => timitPhoneMap('39', '61'), (e: unknown) => isHibikiError(e, 'BAD_PHONE_SET'));
});

test('phone maps: conflicting rows are errors with their line', () => {
  const dir = tempDir();
  writeFiles(dir, { 'm.map': '# comment\naa x\nbb y\naa z\n' });
  assert.throws(() => readPhoneMap(join(dir, 'm.map'), 0, 1), (e: unknown) => isHibikiError(e, 'PHONE_MAP_CONFLICT') && e.line === 4);
});

test('folding tokens and alignments', () => {
  const m = timitPhoneMap('61', '39');
  assert.deepEqual(foldTokens(['h#', 'q', 'ix', 'zh', 'h#'], m), ['sil', 'ih', 'sh', 'sil']);
  assert.throws(() => foldTokens(['xx'], m, { utterance: 'u1' }), (e: unknown) => isHibikiError(e, 'UNKNOWN_LABEL') && e.utterance === 'u1');
  assert.deepEqual(foldTokens(['xx'], m, { onMissing: 'keep' }), ['xx']);
  const segs = [
    { start: 0, end: 0.1, label: 'q' }, // first and deleted: its time goes to the next segment
    { start: 0.1, end: 0.2, label: 'ix' },
    { start: 0.2, end: 0.25, label: 'q' }, // deleted: time goes to the previous segment
    { start: 0.25, end: 0.3, label: 'bcl' },
    { start: 0.3, end: 0.4, label: 'h#' }, // bcl and h# both fold to sil: merged
    { start: 0.4, end: 0.5, label: 'ih' },
  ];
  assert.deepEqual(foldAlignment(segs, m), [
    { start: 0, end: 0.25, label: 'ih' },
    { start: 0.25, end: 0.4, label: 'sil' },
    { start: 0.4, end: 0.5, label: 'ih' },
  ]);
});

const DATA: DataDir = {
  wavScp: new Map([
    ['u1', '/x/1.wav'],
    ['u2', '/x/2.wav'],
  ]),
  alignment: new Map([
    ['u1', [{ start: 0, end: 0.05, label: 'a' }, { start: 0.05, end: 0.1, label: 'b' }]],
    ['u2', [{ start: 0, end: 0.0425, label: 'b' }]],
  ]),
  text: new Map([
    ['u1', ['a', 'b', 'b']],
    ['u2', []],
  ]),
  events: new Map([['u1', [{ onset: 0, offset: 1, label: 'dog' }]]]),
};

test('collectLabels gives sorted distinct labels per source', () => {
  assert.deepEqual(collectLabels(DATA, 'alignment'), ['a', 'b']);
  assert.deepEqual(collectLabels(DATA, 'events'), ['dog']);
  assert.deepEqual(collectLabels(DATA, 'text'), ['a', 'b']);
});

test('label priors: frame and token counts with add-one smoothing (hand-computed), JSON round trip', () => {
  const v = Vocabulary.fromLabels(['a', 'b', 'c']);
  const g = { lengthSec: 0.025, shiftSec: 0.01, snipEdges: true };
  // u1: 8 frames, centres 12.5..82.5 ms: 4 a, 4 b; u2: 0.0425 s -> 2 frames (centres 12.5, 22.5): 2 b
  const frames = countAlignmentFrames(DATA, v, g);
  assert.deepEqual([...frames], [4, 6, 0]);
  const p = priorsFromCounts(frames, v, 'frames');
  assert.equal(p.total, 10);
  assert.deepEqual(p.probabilities, [5 / 13, 7 / 13, 1 / 13]);
  assert.ok(Math.abs(p.probabilities.reduce((x, y) => x + y, 0) - 1) < 1e-12);
  const tokens = countTextTokens(DATA, v);
  assert.deepEqual([...tokens], [1, 2, 0]);
  const dir = tempDir();
  writePriors(join(dir, 'priors.json'), p);
  assert.deepEqual(readPriors(join(dir, 'priors.json')), p);
  writeFiles(dir, { 'bad.json': '{"unit":"frames"}', 'notjson.json': '{' });
  assert.throws(() => readPriors(join(dir, 'bad.json')), (e: unknown) => isHibikiError(e, 'BAD_PRIORS'));
  assert.throws(() => readPriors(join(dir, 'notjson.json')), (e: unknown) => isHibikiError(e, 'BAD_PRIORS'));
});
