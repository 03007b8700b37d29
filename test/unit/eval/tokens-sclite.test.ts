import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readTrn } from '../../../src/eval/trn.js';
import { readTokenFoldMap, scoreTranscripts, type TokenScoringOptions } from '../../../src/eval/token-scoring.js';

// Fixtures: test/golden/sclite/make_golden.py (NIST sclite 2.10 on random trn pairs).
const DIR = 'test/golden/sclite';
interface Fixture {
  options: string[];
  total: { sentences: number; refLength: number; corr: number; sub: number; del: number; ins: number; err: number; sentenceErrors: number };
  utterances: Record<string, [number, number, number, number]>;
}
const golden = JSON.parse(readFileSync(`${DIR}/sclite.json`, 'utf8')) as Record<string, Fixture>;

function check(name: string, corpus: 'words' | 'phones' | 'ties', options: TokenScoringOptions): void {
  const fx = golden[name];
  assert.ok(fx !== undefined, `fixture ${name}`);
  const refs = readTrn(`${DIR}/${corpus}.ref.trn`);
  const hyps = readTrn(`${DIR}/${corpus}.hyp.trn`);
  const score = scoreTranscripts(refs, hyps, options);
  assert.equal(score.utterances.length, Object.keys(fx.utterances).length);
  let mismatches = 0;
  for (const u of score.utterances) {
    const want = fx.utterances[u.id];
    assert.ok(want !== undefined, `sclite has utterance ${u.id}`);
    const got = [u.counts.corr, u.counts.sub, u.counts.del, u.counts.ins];
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      mismatches++;
      if (mismatches <= 5) console.log(name, u.id, 'got', got, 'sclite', want, u.ref.join(' '), '|', u.hyp.join(' '));
    }
  }
  assert.equal(mismatches, 0, `${name}: utterances whose C/S/D/I differ from sclite`);
  const t = score.total;
  assert.deepEqual(
    { sentences: score.utterances.length, refLength: t.refLength, corr: t.corr, sub: t.sub, del: t.del, ins: t.ins, err: t.sub + t.del + t.ins, sentenceErrors: score.sentenceErrors },
    fx.total,
  );
}

test('word mode equals sclite (case-insensitive words)', () => check('word', 'words', { mode: 'word' }));
test('token mode equals sclite -s (case-sensitive)', () => check('token', 'words', { mode: 'token' }));
test('char mode equals sclite -c', () => check('char', 'words', { mode: 'char' }));
test('char mode with deleteHyphens equals sclite -c DH', () => check('charDH', 'words', { mode: 'char', deleteHyphens: true }));
test('token mode on phones equals sclite -s', () => check('phonesUnfolded', 'phones', { mode: 'token' }));
test('phone folding then token mode equals sclite -s on pre-folded files', () =>
  check('phonesFolded', 'phones', { mode: 'token', phoneMap: readTokenFoldMap(`${DIR}/phones.map`) }));
test('equal-cost alignments split S/D/I as sclite does', () => check('ties', 'ties', { mode: 'token' }));
