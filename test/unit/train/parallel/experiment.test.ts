/**
 * `train.jobs=2` end to end through trainExperiment (the `--set train.jobs=2` of `hibiki train`):
 * the frame task (MLP, boundary smoothing, spliced frames) and the CTC task (BiGRU, unigram
 * smoothing, whole utterances) train data-parallel, and their loss curves stay within float
 * rounding of the jobs=1 runs (no dropout, so only the summation order differs); a multilabel
 * TDNN with BatchNorm on chunks trains too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveExperimentConfig, trainExperiment } from '../../../../src/pipeline/experiment/index.js';
import { readJsonl } from '../../../../src/util/jsonl.js';
import { writeEventCorpus, writeSequenceCorpus } from '../../experiment/tones.js';

const root = mkdtempSync(join(tmpdir(), 'hibiki-parallel-exp-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const LABELS = ['a', 'b', 'c'];
writeSequenceCorpus(join(root, 'train'), { utterances: 8, seed: 1, labels: LABELS, segSec: [0.1, 0.3], tokensPerUtt: [3, 5] });
writeEventCorpus(join(root, 'events'), { files: 6, seed: 11, labels: LABELS, seconds: 1.5 });

const FRAME = `task: frame
seed: 3
backend: cpu
features: { sampleRate: 8000, numMelBins: 15 }
batches: { batchSize: 64, context: 2, bufferFrames: 2000 }
model: { type: mlp, hidden: [24] }
loss: { smoothing: boundary, epsilon: 0.2, boundaryWidth: 2 }
train: { epochs: 3, logEvery: 1, progress: none, optimizer: { learningRate: 0.01 } }
`;

const CTC = `task: ctc
seed: 7
backend: cpu
features: { sampleRate: 8000, numMelBins: 15 }
batches: { batchSize: 3 }
model: { type: bigru, units: 12, layers: 1 }
loss: { smoothing: unigram, epsilon: 0.05 }
train: { epochs: 3, logEvery: 1, progress: none, optimizer: { learningRate: 0.01 } }
`;

// TDNN with BatchNormalization: shards normalise with their own statistics (not comparable with
// jobs=1 step by step); the run must still train, with the moving statistics of shard 0.
const EVENTS = `task: multilabel
seed: 5
backend: cpu
features: { sampleRate: 8000, numMelBins: 15 }
batches: { batchSize: 4, chunk: 40 }
model: { type: tdnn, layers: [{ units: 16, kernel: 3 }] }
loss: { smoothing: binary, epsilon: 0.1 }
train: { epochs: 3, logEvery: 1, progress: none, optimizer: { learningRate: 0.01 } }
`;

async function losses(name: string, yaml: string, jobs: number, data = 'train'): Promise<{ steps: number[]; epochs: number[] }> {
  const path = join(root, `${name}.yaml`);
  writeFileSync(path, yaml);
  const config = resolveExperimentConfig({ file: path, overrides: [`train.jobs=${jobs}`] });
  assert.equal(config.train.jobs, jobs);
  const expDir = join(root, `${name}-${jobs}`);
  const summary = await trainExperiment({ config, train: { dataDir: join(root, data), name: data }, expDir, numJobs: 0, handleSignals: false });
  assert.equal(summary.status, 'completed');
  assert.match(readFileSync(join(expDir, 'config.yaml'), 'utf8'), new RegExp(`jobs: ${jobs}`));
  const records = readJsonl<{ kind: string; loss?: number; trainLoss?: number }>(join(expDir, 'train.jsonl'));
  return { steps: records.flatMap((r) => (r.kind === 'step' ? [r.loss!] : [])), epochs: records.flatMap((r) => (r.kind === 'epoch' ? [r.trainLoss!] : [])) };
}

function assertClose(a: number[], b: number[], what: string): void {
  assert.equal(a.length, b.length, what);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= 1e-3 * Math.max(1, Math.abs(b[i]!)), `${what} ${i}: ${v} vs ${b[i]}`));
}

test('frame task (MLP, boundary smoothing): train.jobs=2 follows train.jobs=1', { timeout: 180_000 }, async () => {
  const one = await losses('frame', FRAME, 1);
  const two = await losses('frame', FRAME, 2);
  assertClose(two.steps, one.steps, 'step loss');
  assertClose(two.epochs, one.epochs, 'epoch loss');
  assert.ok(two.epochs.at(-1)! < two.epochs[0]!);
});

test('ctc task (BiGRU, unigram prior smoothing): train.jobs=2 follows train.jobs=1', { timeout: 180_000 }, async () => {
  const one = await losses('ctc', CTC, 1);
  const two = await losses('ctc', CTC, 2);
  assertClose(two.steps, one.steps, 'step loss');
  assert.ok(two.epochs.at(-1)! < two.epochs[0]!);
});

test('multilabel task on chunks with a BatchNorm TDNN: train.jobs=2 trains (per-shard batch statistics)', { timeout: 180_000 }, async () => {
  const two = await losses('events', EVENTS, 2, 'events');
  assert.ok(two.steps.every((l) => Number.isFinite(l)));
  assert.ok(two.epochs.at(-1)! < two.epochs[0]!, `epoch losses ${two.epochs.join(', ')}`);
});
