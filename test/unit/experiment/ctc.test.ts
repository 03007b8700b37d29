import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeExperiment, evaluateExperiment, inferFiles, resolveExperimentConfig, trainExperiment, type CtcMetricsRecord } from '../../../src/pipeline/experiment/index.js';
import { readTrn, scoreTranscripts } from '../../../src/eval/index.js';
import { readJsonl } from '../../../src/util/jsonl.js';
import { writeSequenceCorpus } from './tones.js';

const root = mkdtempSync(join(tmpdir(), 'hibiki-exp-ctc-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

const LABELS = ['a', 'b', 'c', 'd'];
writeSequenceCorpus(join(root, 'train'), { utterances: 12, seed: 21, labels: LABELS, segSec: [0.12, 0.22], tokensPerUtt: [2, 4] });
writeSequenceCorpus(join(root, 'dev'), { utterances: 4, seed: 22, labels: LABELS, segSec: [0.12, 0.22], tokensPerUtt: [2, 4] });

test('ctc task with subsampling 2: token error rate falls below 100%, trn files scored, infer tokens equal hyp.trn', async () => {
  const path = join(root, 'ctc.yaml');
  writeFileSync(
    path,
    `task: ctc
seed: 7
backend: cpu
features: { sampleRate: 8000, numMelBins: 15 }
batches: { batchSize: 4 }
model: { type: tdnn, subsampling: 2, layers: [{ units: 32, kernel: 5 }] }
loss: { smoothing: unigram, epsilon: 0.05 }
train: { epochs: 5, progress: none, optimizer: { learningRate: 0.01 } }
`,
  );
  const config = resolveExperimentConfig({ file: path });
  const expDir = join(root, 'exp');
  const summary = await trainExperiment({ config, train: { dataDir: join(root, 'train'), name: 'train' }, dev: { dataDir: join(root, 'dev'), name: 'dev' }, expDir, numJobs: 0, handleSignals: false });
  assert.equal(summary.status, 'completed');
  assert.equal(summary.classes, 5);
  const epochs = readJsonl<{ kind: string; dev?: Record<string, number>; trainLoss?: number }>(join(expDir, 'train.jsonl')).filter((r) => r.kind === 'epoch');
  const ters = epochs.map((e) => e.dev!['ter']!);
  assert.ok(Math.min(...ters) < 0.5, `dev token error rates ${ters.join(', ')}`);
  assert.ok(ters.at(-1)! < ters[0]!, `dev token error rate decreases: ${ters.join(', ')}`);
  assert.ok(epochs.at(-1)!.trainLoss! < epochs[0]!.trainLoss!, 'training loss decreases');

  const m = (await evaluateExperiment({ expDir, data: { dataDir: join(root, 'dev'), name: 'dev' }, numJobs: 0 })) as CtcMetricsRecord;
  assert.equal(m.task, 'ctc');
  assert.ok(m.tokens.errorRate < 0.5, `TER ${m.tokens.errorRate}`);
  // Recompute the score from the written trn files.
  const hyps = readTrn(join(expDir, 'decode', 'dev', 'hyp.trn'));
  const refs = readTrn(join(expDir, 'decode', 'dev', 'ref.trn'));
  const score = scoreTranscripts(refs, hyps, { mode: 'token' });
  assert.equal(m.tokens.sub, score.total.sub);
  assert.equal(m.tokens.del, score.total.del);
  assert.equal(m.tokens.ins, score.total.ins);
  assert.equal(m.tokens.refLength, score.total.refLength);
  assert.equal(refs.length, 4);
  assert.ok(Number.isFinite(m.ctc.nllPerToken) && m.ctc.nllPerToken > 0);
  const onDisk = JSON.parse(readFileSync(join(expDir, 'eval', 'dev', 'metrics.json'), 'utf8')) as CtcMetricsRecord;
  assert.equal(onDisk.tokens.errors, m.tokens.errors);

  // Beam search decoding writes trn files too; infer's greedy tokens equal eval's greedy hyp.trn.
  const beamDir = join(root, 'beam');
  await decodeExperiment({ expDir, data: { dataDir: join(root, 'dev'), name: 'dev' }, outDir: beamDir, beam: 4, numJobs: 0 });
  assert.equal(readTrn(join(beamDir, 'hyp.trn')).length, 4);
  const results = await inferFiles({ modelDir: expDir, wavs: [join(root, 'dev', 'wav', 'utt001.wav')], segments: true });
  const r = results[0]!;
  assert.deepEqual(r.tokens, hyps.find((h) => h.id === 'utt001')!.tokens);
  assert.equal(r.segments!.length, r.tokens!.length);
  assert.ok(Math.abs(r.shiftSec - 0.02) < 1e-12);
});
