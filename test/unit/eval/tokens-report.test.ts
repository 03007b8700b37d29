import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreTokenFiles } from '../../../src/eval/token-scoring-report.js';
import { buildProgram } from '../../../src/cli/main.js';

test('scoreTokenFiles writes summary, alignment report and JSON with the hand-computed counts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-score-'));
  try {
    writeFileSync(join(dir, 'ref.trn'), 'a b c d (s1_u1)\nfoo bar (s2_u2)\n');
    writeFileSync(join(dir, 'hyp.trn'), 'a x c (s1_u1)\nfo-o baz bar (s2_u2)\n');
    const { summary } = scoreTokenFiles({ ref: join(dir, 'ref.trn'), hyp: join(dir, 'hyp.trn'), mode: 'word', outDir: join(dir, 'out') });
    assert.match(summary, /Sum\/Avg +\| +2 +6 \| +50\.0 +33\.3 +16\.7 +16\.7 +66\.7 +100\.0 \|/);
    assert.match(summary, /Corr=3 Sub=2 Del=1 Ins=1 Err=4 RefLength=6 Sentences=2 S\.Err=2/);
    const json = JSON.parse(readFileSync(join(dir, 'out', 'scores.json'), 'utf8')) as {
      total: { err: number; errorRate: number };
      utterances: { id: string; ops: string }[];
    };
    assert.equal(json.total.err, 4);
    assert.equal(json.total.errorRate, 4 / 6);
    assert.deepEqual(json.utterances.map((u) => [u.id, u.ops]), [['s1_u1', 'CSCD'], ['s2_u2', 'ISC']]);
    const pra = readFileSync(join(dir, 'out', 'alignments.pra'), 'utf8');
    assert.match(pra, new RegExp(["id: \\(s2_u2\\)", "Scores: \\(#C #S #D #I\\) 1 1 0 1", "REF:  \\*\\*\\*\\* FOO bar", "HYP:  FO-O BAZ bar", "Eval: I {4}S"].join("\\n")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hibiki score tokens prints the summary; char mode counts characters', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-score-'));
  const writes: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  try {
    writeFileSync(join(dir, 'ref.trn'), 'ab cd (s_1)\n');
    writeFileSync(join(dir, 'hyp.trn'), 'abd (s_1)\n');
    // Buffers are the test runner's own reports (the CLI writes strings): they must reach the runner.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      if (typeof chunk !== 'string') return original(chunk, ...rest);
      writes.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    await buildProgram().parseAsync(['node', 'hibiki', 'score', 'tokens', '--ref', join(dir, 'ref.trn'), '--hyp', join(dir, 'hyp.trn'), '--mode', 'char']);
  } finally {
    process.stdout.write = original;
    rmSync(dir, { recursive: true, force: true });
  }
  assert.match(writes.join(''), /Corr=3 Sub=0 Del=1 Ins=0 Err=1 RefLength=4/);
});
