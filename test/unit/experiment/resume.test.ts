import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HibikiError } from '../../../src/errors.js';
import { evaluateExperiment, resolveExperimentConfig, trainExperiment, type ExperimentConfig } from '../../../src/pipeline/experiment/index.js';
import type { MetricsRecord } from '../../../src/eval/index.js';
import { readJsonl } from '../../../src/util/jsonl.js';
import { writeSequenceCorpus } from './tones.js';

const root = mkdtempSync(join(tmpdir(), 'hibiki-exp-resume-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
writeSequenceCorpus(join(root, 'train'), { utterances: 6, seed: 31, labels: ['a', 'b', 'c'], segSec: [0.1, 0.3], tokensPerUtt: [3, 4] });
writeSequenceCorpus(join(root, 'dev'), { utterances: 2, seed: 32, labels: ['a', 'b', 'c'], segSec: [0.1, 0.3], tokensPerUtt: [3, 4] });

const config: ExperimentConfig = resolveExperimentConfig({
  value: {
    task: 'frame',
    seed: 9,
    backend: 'cpu',
    features: { sampleRate: 8000, numMelBins: 15 },
    batches: { batchSize: 48, context: 1, bufferFrames: 500 },
    model: { type: 'mlp', hidden: [16], dropout: 0.1 },
    loss: { smoothing: 'uniform', epsilon: 0.1 },
    train: { epochs: 3, checkpointEvery: 4, logEvery: 2, progress: 'none', optimizer: { type: 'adamw', learningRate: 0.01 }, schedule: { decay: 'cosine', warmupSteps: 3 } },
  },
});
const data = { train: { dataDir: join(root, 'train'), name: 'train' }, dev: { dataDir: join(root, 'dev'), name: 'dev' } };

interface Rec {
  kind: string;
  step?: number;
  loss?: number;
  trainLoss?: number;
  dev?: Record<string, number>;
}

function curve(expDir: string): string {
  // Losses, learning rates and dev metrics; times and throughput differ between runs.
  return JSON.stringify(readJsonl<Rec>(join(expDir, 'train.jsonl')).filter((r) => r.kind !== 'run').map((r) => ({ ...r, time: undefined, framesPerSecond: undefined })));
}

test('a run stopped mid-epoch and resumed reproduces the uninterrupted run (log, weights, metrics)', async () => {
  const full = join(root, 'full');
  const a = await trainExperiment({ config, ...data, expDir: full, numJobs: 0, handleSignals: false });
  assert.equal(a.status, 'completed');

  const cut = join(root, 'cut');
  let sent = false;
  const b1 = await trainExperiment({
    config,
    ...data,
    expDir: cut,
    numJobs: 0,
    onProgress: (p) => {
      // A SIGTERM in the middle of epoch 1: the loop checkpoints and returns.
      if (!sent && p.stage === 'train' && p.epoch === 1 && p.batch === 2) {
        sent = true;
        process.emit('SIGTERM', 'SIGTERM');
      }
    },
  });
  assert.equal(b1.status, 'interrupted');
  assert.equal(b1.modelDir, null);
  await assert.rejects(
    trainExperiment({ config, ...data, expDir: cut, numJobs: 0, handleSignals: false }),
    (e: unknown) => e instanceof HibikiError && e.code === 'TRAIN_EXP_EXISTS',
  );
  const b2 = await trainExperiment({ config, ...data, expDir: cut, numJobs: 0, handleSignals: false, resume: true });
  assert.equal(b2.status, 'completed');
  assert.ok(b2.resumedFrom !== null && b2.resumedFrom > 0);
  assert.equal(b2.step, a.step);
  assert.equal(curve(cut), curve(full));
  assert.deepEqual(readFileSync(join(cut, 'model', 'weights.bin')), readFileSync(join(full, 'model', 'weights.bin')));

  const ma = (await evaluateExperiment({ expDir: full, data: data.dev, numJobs: 0 })) as MetricsRecord;
  const mb = (await evaluateExperiment({ expDir: cut, data: data.dev, numJobs: 0 })) as MetricsRecord;
  assert.deepEqual({ ...mb.frame }, { ...ma.frame });
});
