import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeExperiment, evaluateExperiment, inferFiles, resolveExperimentConfig, trainExperiment } from '../../../src/pipeline/experiment/index.js';
import type { MetricsRecord } from '../../../src/eval/index.js';
import { writeEventCorpus, writeSequenceCorpus } from './tones.js';

// Sequence models on frame-level tasks: chunk batches (zero-padded, masked) instead of spliced frames.
const root = mkdtempSync(join(tmpdir(), 'hibiki-exp-seq-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
writeSequenceCorpus(join(root, 'train'), { utterances: 8, seed: 51, labels: ['a', 'b', 'c'], segSec: [0.1, 0.3], tokensPerUtt: [3, 5] });
writeSequenceCorpus(join(root, 'dev'), { utterances: 3, seed: 52, labels: ['a', 'b', 'c'], segSec: [0.1, 0.3], tokensPerUtt: [3, 5] });
writeEventCorpus(join(root, 'etrain'), { files: 8, seed: 53, labels: ['a', 'b'], seconds: 1.5 });
writeEventCorpus(join(root, 'edev'), { files: 3, seed: 54, labels: ['a', 'b'], seconds: 1.5 });

const common = { seed: 2, backend: 'cpu', features: { sampleRate: 8000, numMelBins: 15 }, batches: { batchSize: 4, chunk: 40 }, model: { type: 'tdnn', layers: [{ units: 16, kernel: 3 }] } };

test('frame task with a TDNN on chunks: dev FER well below chance; infer equals decode', async () => {
  const expDir = join(root, 'frame');
  const config = resolveExperimentConfig({ value: { ...common, task: 'frame', loss: { smoothing: 'uniform', epsilon: 0.1 }, train: { epochs: 3, progress: 'none', optimizer: { learningRate: 0.01 } } } });
  const s = await trainExperiment({ config, train: { dataDir: join(root, 'train'), name: 'train' }, dev: { dataDir: join(root, 'dev'), name: 'dev' }, expDir, numJobs: 0, handleSignals: false });
  assert.equal(s.status, 'completed');
  const m = (await evaluateExperiment({ expDir, data: { dataDir: join(root, 'dev'), name: 'dev' }, numJobs: 0 })) as MetricsRecord;
  assert.ok(m.frame!.fer < 0.3, `FER ${m.frame!.fer}`);
  // Inference on the wav (features from audio) labels every frame as decoding the archive does.
  const dec = await decodeExperiment({ expDir, data: { dataDir: join(root, 'dev'), name: 'dev' }, numJobs: 0 });
  const line = readFileSync(join(dec.outDir, 'frame-labels.txt'), 'utf8').split('\n').find((l) => l.startsWith('utt001 '))!;
  const [r] = await inferFiles({ modelDir: expDir, wavs: [join(root, 'dev', 'wav', 'utt001.wav')] });
  assert.deepEqual(r!.labels, line.split(' ').slice(1));
});

test('multilabel task with a TDNN on chunks: F1 above the all-active baseline', async () => {
  const expDir = join(root, 'events');
  const config = resolveExperimentConfig({ value: { ...common, task: 'multilabel', train: { epochs: 4, progress: 'none', optimizer: { learningRate: 0.01 } } } });
  await trainExperiment({ config, train: { dataDir: join(root, 'etrain'), name: 'train' }, dev: { dataDir: join(root, 'edev'), name: 'dev' }, expDir, numJobs: 0, handleSignals: false });
  const m = (await evaluateExperiment({ expDir, data: { dataDir: join(root, 'edev'), name: 'dev' }, numJobs: 0 })) as MetricsRecord;
  const ml = m.multilabel!;
  const p = ml.perClass.reduce((a, c) => a + c.support, 0) / (ml.frames * 2);
  assert.ok(ml.micro.f1 > (2 * p) / (1 + p) + 0.15, `F1 ${ml.micro.f1}, active fraction ${p}`);
});

test('frame task with a BiGRU: padded utterance batches at evaluation equal per-utterance inference', async () => {
  const expDir = join(root, 'bigru');
  const config = resolveExperimentConfig({ value: { ...common, task: 'frame', batches: { batchSize: 4, chunk: 60 }, model: { type: 'bigru', units: 8, layers: 1 }, train: { epochs: 2, progress: 'none', optimizer: { learningRate: 0.02 } } } });
  await trainExperiment({ config, train: { dataDir: join(root, 'train'), name: 'train' }, dev: { dataDir: join(root, 'dev'), name: 'dev' }, expDir, numJobs: 0, handleSignals: false });
  const m = (await evaluateExperiment({ expDir, data: { dataDir: join(root, 'dev'), name: 'dev' }, numJobs: 0 })) as MetricsRecord;
  assert.ok(m.frame!.fer < 0.4, `FER ${m.frame!.fer}`);
  // decode runs the three dev utterances as one padded batch; infer runs each file alone.
  const dec = await decodeExperiment({ expDir, data: { dataDir: join(root, 'dev'), name: 'dev' }, numJobs: 0 });
  const lines = readFileSync(join(dec.outDir, 'frame-labels.txt'), 'utf8').trim().split('\n');
  const results = await inferFiles({ modelDir: expDir, wavs: ['utt000', 'utt001', 'utt002'].map((u) => join(root, 'dev', 'wav', `${u}.wav`)) });
  results.forEach((r, i) => assert.deepEqual(r.labels, lines[i]!.split(' ').slice(1)));
});
