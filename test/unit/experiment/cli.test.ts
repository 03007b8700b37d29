import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { readEvaluation } from '../../../src/eval/index.js';
import type { InferResult } from '../../../src/pipeline/experiment/index.js';
import { writeSequenceCorpus } from './tones.js';

const root = mkdtempSync(join(tmpdir(), 'hibiki-exp-cli-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
writeSequenceCorpus(join(root, 'train'), { utterances: 5, seed: 41, labels: ['a', 'b'], segSec: [0.1, 0.3], tokensPerUtt: [2, 4] });
writeSequenceCorpus(join(root, 'dev'), { utterances: 2, seed: 42, labels: ['a', 'b'], segSec: [0.1, 0.3], tokensPerUtt: [2, 4] });
const config = join(root, 'frame.yaml');
writeFileSync(config, 'task: frame\nfeatures: { sampleRate: 8000, numMelBins: 15 }\nbatches: { batchSize: 64, context: 1 }\nmodel: { type: mlp, hidden: [8] }\ntrain: { epochs: 2, progress: none }\n');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  // The CLI writes strings; the test runner's own protocol messages (binary) must pass through.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (typeof chunk === 'string' ? ((out += chunk), true) : write(chunk, ...rest))) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => (typeof chunk === 'string' ? ((err += chunk), true) : writeErr(chunk, ...rest))) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'hibiki', ...args]);
    return { code, out, err };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
    process.exitCode = undefined;
  }
}

test('hibiki train / eval / decode / infer on the command line', async () => {
  const exp = join(root, 'exp');
  const t = await run(['train', '--config', config, '--data', join(root, 'train'), '--dev', join(root, 'dev'), '--exp', exp, '--backend', 'cpu', '--nj', '0', '--set', 'seed=4']);
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, /^completed: 2 epochs, \d+ steps on cpu, best fer/);
  assert.match(readFileSync(join(exp, 'config.yaml'), 'utf8'), /^seed: 4$/m);

  const e = await run(['eval', '--exp', exp, '--data', join(root, 'dev'), '--nj', '0']);
  assert.equal(e.code, 0, e.err);
  const m = readEvaluation(join(exp, 'eval', 'dev', 'metrics.json'));
  assert.ok(e.out.includes(`FER ${(100 * m.frame!.fer).toFixed(2)}%`), e.out);

  const e2 = await run(['eval', '--exp', exp, '--data', join(root, 'dev'), '--name', 'dev-mass', '--bins', '10', '--equal-mass', '--nj', '0', '--json']);
  assert.equal(e2.code, 0, e2.err);
  const m2 = readEvaluation(join(exp, 'eval', 'dev-mass', 'metrics.json'));
  assert.equal(m2.frame!.eceBins, 10);
  assert.equal(m2.frame!.eceBinning, 'equal-mass');
  assert.equal(m2.frame!.fer, m.frame!.fer);
  assert.equal((JSON.parse(e2.out) as { set: string }).set, 'dev-mass');

  const out = join(root, 'decoded');
  const d = await run(['decode', '--model', exp, '--data', join(root, 'dev'), '--out', out, '--nj', '0']);
  assert.equal(d.code, 0, d.err);
  assert.ok(existsSync(join(out, 'frame-labels.txt')) && existsSync(join(out, 'alignment')));

  const i = await run(['infer', '--model', join(exp, 'model'), '--backend', 'cpu', '--json', '--segments', join(root, 'dev', 'wav', 'utt000.wav')]);
  assert.equal(i.code, 0, i.err);
  const r = JSON.parse(i.out) as InferResult;
  const line = readFileSync(join(out, 'frame-labels.txt'), 'utf8').split('\n').find((l) => l.startsWith('utt000 '))!;
  assert.deepEqual(r.labels, line.split(' ').slice(1));
  // Segments tile the frames: consecutive, labels alternate.
  for (let k = 1; k < r.segments!.length; k++) {
    assert.ok(Math.abs(r.segments![k]!.start - r.segments![k - 1]!.end) < 1e-9);
    assert.notEqual(r.segments![k]!.label, r.segments![k - 1]!.label);
  }
});

test('bad input exits with code 2 and a one-line message', async () => {
  const bad = await run(['train', '--config', config, '--data', join(root, 'train'), '--exp', join(root, 'exp-bad'), '--set', 'batches.context=-1']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /CONFIG_INVALID.*batches\.context/);
  const missing = await run(['infer', '--model', join(root, 'nowhere'), join(root, 'dev', 'wav', 'utt000.wav')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /MODEL_NOT_FOUND/);
});
