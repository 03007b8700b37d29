import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { openFeatureArchive } from '../../../src/data/archive/index.js';
import { computeFeatures, resolveFeatureConfig } from '../../../src/features/index.js';
import { readAudio } from '../../../src/audio/index.js';
import { makeCorpus, testSignal, writeWav16 } from './archive-helpers.js';

async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  // Buffers are the test runner's own reports (the CLI writes strings): they must reach the runner.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (typeof chunk === 'string' ? ((out += chunk), true) : w1(chunk, ...rest))) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => (typeof chunk === 'string' ? ((err += chunk), true) : w2(chunk, ...rest))) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'hibiki', ...args]);
    return { code, out, err };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
    process.exitCode = undefined;
  }
}

test('hibiki features on a data directory with segments: JSON-lines progress, summary, archive, then up to date', async () => {
  const corpus = makeCorpus(0);
  const data = join(corpus.dir, 'data');
  mkdirSync(join(data, 'wav'), { recursive: true });
  writeWav16(join(data, 'wav', 'rec1.wav'), testSignal(1, 1.0, 16000), 16000);
  writeWav16(join(data, 'wav', 'rec2.wav'), testSignal(2, 0.5, 16000), 16000);
  writeFileSync(join(data, 'wav.scp'), 'rec1 wav/rec1.wav\nrec2 wav/rec2.wav\n');
  writeFileSync(join(data, 'segments'), 'rec1-a rec1 0.00 0.40\nrec1-b rec1 0.40 1.00\nrec2-a rec2 0.10 0.50\n');
  const config = join(corpus.dir, 'feats.yaml');
  writeFileSync(config, 'kind: fbank\nnumMelBins: 30\n');
  const out = join(corpus.dir, 'fbank');
  const first = await runCli(['features', '--data', data, '--out', out, '--config', config, '--nj', '0']);
  assert.equal(first.code, 0, first.err);
  const lines = first.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const summary = lines.at(-1)!;
  assert.equal(summary['event'], 'summary');
  assert.equal(summary['utterances'], 3);
  assert.equal(summary['dim'], 30);
  assert.ok(Math.abs((summary['audioSeconds'] as number) - 1.4) < 1e-9);
  assert.ok((summary['realTimeFactor'] as number) > 0);
  assert.ok(lines.some((l) => l['event'] === 'progress' && l['doneUtterances'] === 3));
  const archive = openFeatureArchive(out);
  const rec1 = readAudio(join(data, 'wav', 'rec1.wav'));
  const expected = computeFeatures(rec1.samples.subarray(6400, 16000), 16000, resolveFeatureConfig({ kind: 'fbank', numMelBins: 30 }));
  assert.deepEqual(Array.from(archive.read('rec1-b').data), Array.from(expected.data));
  archive.close();
  const second = await runCli(['features', '--data', data, '--out', out, '--config', config, '--nj', '0']);
  assert.equal((JSON.parse(second.out.trim()) as { skipped: boolean }).skipped, true);
});

test('hibiki features on a wav list; bad options exit 2 with the error code', async () => {
  const corpus = makeCorpus(2);
  const list = join(corpus.dir, 'list.txt');
  writeFileSync(list, `${corpus.items[0]!.path}\nsecond ${corpus.items[1]!.path}\n`);
  const out = join(corpus.dir, 'mfcc');
  const ok = await runCli(['features', '--data', list, '--out', out, '--nj', '0', '--set', 'numCeps=10']);
  assert.equal(ok.code, 0, ok.err);
  const archive = openFeatureArchive(out);
  assert.deepEqual(archive.entries.map((e) => [e.utt, e.dim]), [['second', 10], ['utt00', 10]]);
  archive.close();
  const bad = await runCli(['features', '--data', list, '--out', out, '--set', 'windowType=kaiser']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /FEATURE_CONFIG_INVALID/);
  writeFileSync(list, 'x cat foo.wav |\n');
  const pipe = await runCli(['features', '--data', list, '--out', out]);
  assert.equal(pipe.code, 2);
  assert.match(pipe.err, /WAVSCP/);
});
