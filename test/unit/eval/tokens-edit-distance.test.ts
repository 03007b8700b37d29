import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignSequences, countEdits, errorRate } from '../../../src/eval/edit-distance.js';
import { formatTrn, parseTrn, trnEntriesFromIndices, writeTrn } from '../../../src/eval/trn.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTokenFoldMap, scoreTranscripts, scoringUnits } from '../../../src/eval/token-scoring.js';
import { isHibikiError } from '../../../src/errors.js';

const split = (s: string): string[] => (s.length === 0 ? [] : s.split(' '));

test('hand-computed alignments', () => {
  const steps = alignSequences(split('a b c d'), split('a x c'));
  assert.deepEqual(steps.map((s) => s.op).join(''), 'CSCD');
  assert.deepEqual(steps[3], { op: 'D', ref: 3, hyp: -1 });
  assert.deepEqual(countEdits(alignSequences([], split('a b'))), { corr: 0, sub: 0, del: 0, ins: 2, refLength: 0, hypLength: 2 });
  assert.deepEqual(countEdits(alignSequences(split('a b'), [])), { corr: 0, sub: 0, del: 2, ins: 0, refLength: 2, hypLength: 0 });
  // sclite prefers the substitution to an insertion at equal cost: "foo bar" / "fo-o baz bar" is I S C.
  assert.equal(alignSequences(split('foo bar'), split('fo-o baz bar')).map((s) => s.op).join(''), 'ISC');
});

test('equal-cost alignments resolve to the split sclite reports', () => {
  // Each case has several minimum-cost alignments with different S/D/I splits; the expected
  // [C, S, D, I] are sclite 2.10's (more such pairs: the 'ties' fixture of test/golden/sclite).
  const cases: [string, string, number[]][] = [
    ['c c b b', 'b a a c', [0, 4, 0, 0]],
    ['a c b b', 'b c d a c', [1, 3, 0, 1]],
    ['a c b b a', 'a d a c c', [1, 4, 0, 0]],
    ['a a b', 'b c c', [0, 3, 0, 0]],
    ['c c c a b', 'a b d b a', [1, 3, 1, 1]],
    ['c b b b', 'd d d c b', [1, 3, 0, 1]],
    ['b b a a', 'd b d b', [1, 3, 0, 0]],
  ];
  for (const [r, h, want] of cases) {
    const c = countEdits(alignSequences(split(r), split(h)));
    assert.deepEqual([c.corr, c.sub, c.del, c.ins], want, `${r} | ${h}`);
  }
});

test('error rate', () => {
  const c = countEdits(alignSequences(split('a b c d'), split('a x c d e')));
  assert.equal(errorRate(c), 2 / 4);
  assert.equal(errorRate(countEdits(alignSequences([], []))), 0);
  assert.equal(errorRate(countEdits(alignSequences([], ['a']))), Infinity);
});

test('trn round trip and errors', () => {
  const entries = [
    { id: 'spk1_u1', tokens: ['a', 'b'] },
    { id: 'spk1_u2', tokens: [] },
  ];
  const text = formatTrn(entries);
  assert.equal(text, 'a b (spk1_u1)\n(spk1_u2)\n');
  assert.deepEqual(parseTrn(text), entries);
  assert.throws(() => parseTrn('a b\n', 'x.trn'), (e) => isHibikiError(e, 'TRN_BAD_LINE') && e.line === 1 && e.file === 'x.trn');
  assert.throws(() => parseTrn('a (u1)\nb (u1)\n'), (e) => isHibikiError(e, 'TRN_DUPLICATE_ID') && e.line === 2);
  assert.throws(() => parseTrn('(uh) a (u1)\n'), (e) => isHibikiError(e, 'TRN_BAD_TOKEN'));
  assert.throws(() => formatTrn([{ id: 'a b', tokens: [] }]), (e) => isHibikiError(e, 'TRN_BAD_ID'));
});

test('modes and phone folding', () => {
  assert.deepEqual(scoringUnits(['Hello', 'World'], { mode: 'word' }), ['hello', 'world']);
  assert.deepEqual(scoringUnits(['Hello', 'W'], { mode: 'token' }), ['Hello', 'W']);
  assert.deepEqual(scoringUnits(['ab', 'C-d'], { mode: 'char' }), ['a', 'b', 'c', '-', 'd']);
  assert.deepEqual(scoringUnits(['ab', 'C-d'], { mode: 'char', deleteHyphens: true }), ['a', 'b', 'c', 'd']);
  const map = parseTokenFoldMap('# comment\nao aa\nq\nix ih ih ih\n');
  assert.deepEqual([...map], [['ao', 'aa'], ['q', null], ['ix', 'ih'], ['ih', 'ih']]);
  assert.deepEqual(scoringUnits(['ao', 'q', 'ix', 'b'], { mode: 'token', phoneMap: map }), ['aa', 'ih', 'b']);
  assert.throws(() => parseTokenFoldMap('a b\na c\n', 'm.map'), (e) => isHibikiError(e, 'PHONE_MAP_DUPLICATE') && e.line === 2);
  // Kaldi 60-48-39 layout: the 48-phone column folds too (cl -> sil), the 61-phone one as before.
  const kaldi = parseTokenFoldMap('# 61 48 39\nbcl cl sil\npcl cl sil\nax ax ah\nax-h ax ah\nq\nh# sil sil\n');
  assert.deepEqual(scoringUnits(['bcl', 'cl', 'ax-h', 'ax', 'q', 'h#'], { mode: 'token', phoneMap: kaldi }), ['sil', 'sil', 'ah', 'ah', 'sil']);
  assert.throws(() => parseTokenFoldMap('a b c\nb b d\n', 'k.map'), (e) => isHibikiError(e, 'PHONE_MAP_CONFLICT') && e.line === 1);
});

test('corpus score: missing utterances are errors, sentence errors and speakers are counted', () => {
  const refs = [
    { id: 's1_a', tokens: ['a', 'b'] },
    { id: 's2_b', tokens: ['c'] },
  ];
  const score = scoreTranscripts(refs, [
    { id: 's2_b', tokens: ['c'] },
    { id: 's1_a', tokens: ['a'] },
  ]);
  assert.equal(score.sentenceErrors, 1);
  assert.deepEqual(score.total, { corr: 2, sub: 0, del: 1, ins: 0, refLength: 3, hypLength: 2 });
  assert.deepEqual(score.speakers.map((s) => [s.speaker, s.sentences, s.sentenceErrors]), [['s1', 1, 1], ['s2', 1, 0]]);
  assert.throws(() => scoreTranscripts(refs, [{ id: 's1_a', tokens: [] }]), (e) => isHibikiError(e, 'TRN_MISSING_UTTERANCE') && e.utterance === 's2_b');
  assert.throws(() => scoreTranscripts(refs.slice(0, 1), [{ id: 's1_a', tokens: [] }, { id: 'zz', tokens: [] }]), (e) => isHibikiError(e, 'TRN_MISSING_UTTERANCE'));
});

test('trn entries from decoded indices, written atomically and read back', () => {
  const labels = ['<b>', 'aa', 'b', 'sil'];
  const entries = trnEntriesFromIndices(['u1', 'u2'], [{ tokens: [1, 2, 1] }, { tokens: Int32Array.from([]) }], (i) => labels[i]!);
  assert.deepEqual(entries, [{ id: 'u1', tokens: ['aa', 'b', 'aa'] }, { id: 'u2', tokens: [] }]);
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-trn-'));
  try {
    writeTrn(join(dir, 'hyp.trn'), entries);
    assert.equal(readFileSync(join(dir, 'hyp.trn'), 'utf8'), 'aa b aa (u1)\n(u2)\n');
    assert.throws(() => writeTrn(join(dir, 'x.trn'), [entries[0]!, entries[0]!]), (e) => isHibikiError(e, 'TRN_DUPLICATE_ID'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => trnEntriesFromIndices(['u1'], [], String), (e) => isHibikiError(e, 'TRN_BAD_INPUT'));
});
