/**
 * Data-parallel training through the real trainer with worker threads (cpu backend): jobs=2
 * follows jobs=1 up to float rounding, is reproducible bit for bit, draws dropout per shard, and
 * fails with a HibikiError (never hangs) when a worker fails or the task cannot be sharded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { isHibikiError } from '../../../../src/errors.js';
import { Optimizer, resolveOptimizerConfig, resolveTrainConfig, train, type TrainRecord, type TrainTask } from '../../../../src/train/index.js';
import { parallelTrainStep, sliceBatch, startReplicas } from '../../../../src/train/parallel/index.js';
import { trainStep } from '../../../../src/train/step.js';
import { readJsonl } from '../../../../src/util/jsonl.js';
import type { FrameBatch } from '../../../../src/data/index.js';
import { tinyTask } from '../fixtures/tiny-task.js';
import { parallelTinyTask, tinyParallel, type TinyReplicaArgs } from './fixtures/tiny-replica.js';

await tf.setBackend('cpu');

const root = mkdtempSync(join(tmpdir(), 'hibiki-parallel-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;

async function run(task: TrainTask<FrameBatch>, jobs: number, epochs = 2): Promise<{ dir: string; losses: number[]; epochLosses: number[]; weights: Buffer }> {
  const dir = join(root, `run-${runs++}`);
  const config = resolveTrainConfig({ epochs, seed: 5, logEvery: 1, progress: 'none', jobs, clipNorm: 5, optimizer: { type: 'adam', learningRate: 0.01 } });
  const r = await train(task, { expDir: dir, config, handleSignals: false });
  assert.equal(r.status, 'completed');
  const records = readJsonl<TrainRecord>(join(dir, 'train.jsonl'));
  return {
    dir,
    losses: records.flatMap((x) => (x.kind === 'step' ? [x.loss] : [])),
    epochLosses: records.flatMap((x) => (x.kind === 'epoch' ? [x.trainLoss] : [])),
    weights: readFileSync(join(dir, 'final', 'weights.bin')),
  };
}

function maxRel(a: number[], b: number[]): number {
  assert.equal(a.length, b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / Math.max(1e-3, Math.abs(b[i]!))));
}

test('jobs=2 without dropout follows the jobs=1 loss curve up to float rounding', { timeout: 120_000 }, async () => {
  const one = await run(parallelTinyTask({ seed: 5, dropout: 0 }), 1);
  const two = await run(parallelTinyTask({ seed: 5, dropout: 0 }), 2);
  assert.equal(two.losses.length, 58);
  const diff = maxRel(two.losses, one.losses);
  // Measured: 6.4e-7 at most (the runs first differ at step 3).
  assert.ok(diff < 1e-5, `step losses differ by ${diff} (relative)`);
  assert.ok(maxRel(two.epochLosses, one.epochLosses) < 1e-5);
  // The run learned (the comparison is not between flat curves), and float rounding did make the
  // two runs differ somewhere: they are equal only up to summation order.
  assert.ok(two.epochLosses[1]! < two.epochLosses[0]!);
  const w1 = new Float32Array(one.weights.buffer, one.weights.byteOffset, one.weights.byteLength / 4);
  const w2 = new Float32Array(two.weights.buffer, two.weights.byteOffset, two.weights.byteLength / 4);
  let worst = 0;
  w1.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - w2[i]!))));
  assert.ok(worst < 1e-3, `final weights differ by ${worst}`);
});

test('two jobs=2 runs with dropout are bit-identical; dropout masks differ from jobs=1 (per-shard draws)', { timeout: 120_000 }, async () => {
  const a = await run(parallelTinyTask({ seed: 5, dropout: 0.3 }), 2, 1);
  const b = await run(parallelTinyTask({ seed: 5, dropout: 0.3 }), 2, 1);
  assert.deepEqual(b.losses, a.losses);
  assert.deepEqual(b.weights, a.weights);
  const one = await run(parallelTinyTask({ seed: 5, dropout: 0.3 }), 1, 1);
  assert.notEqual(one.losses[0], a.losses[0]);
});

test('a worker whose loss throws fails the trainer with TRAIN_WORKER_FAILED', { timeout: 60_000 }, async () => {
  await assert.rejects(run(parallelTinyTask({ seed: 5, dropout: 0 }, { call: 3, how: 'throw' }), 2), (e: unknown) => {
    assert.ok(isHibikiError(e, 'TRAIN_WORKER_FAILED'), String(e));
    assert.match(e.message, /worker 1 failed: replica loss exploded/);
    return true;
  });
});

test('a worker thread that exits mid-run fails the trainer with TRAIN_WORKER_FAILED', { timeout: 60_000 }, async () => {
  await assert.rejects(run(parallelTinyTask({ seed: 5, dropout: 0 }, { call: 2, how: 'exit' }), 2), (e: unknown) => {
    assert.ok(isHibikiError(e, 'TRAIN_WORKER_FAILED'), String(e));
    assert.match(e.message, /exited with code 3/);
    return true;
  });
});

test('a replica module without the named factory, or a factory that throws, fails at start', { timeout: 60_000 }, async () => {
  const args: TinyReplicaArgs = { seed: 5, dropout: 0 };
  await assert.rejects(run({ ...tinyTask({ seed: 5, dropout: 0 }), parallel: tinyParallel(args, 'noSuchFactory') }, 2), (e: unknown) => isHibikiError(e, 'TRAIN_REPLICA_INVALID'));
  await assert.rejects(run({ ...tinyTask({ seed: 5, dropout: 0 }), parallel: tinyParallel(args, 'brokenReplica') }, 2), (e: unknown) => isHibikiError(e, 'TRAIN_WORKER_FAILED') && /replica factory broke/.test(e.message));
});

test('jobs > 1 with a task that has no data-parallel support is rejected with TRAIN_JOBS_UNSUPPORTED', async () => {
  await assert.rejects(run(tinyTask({ seed: 5, dropout: 0 }), 2), (e: unknown) => isHibikiError(e, 'TRAIN_JOBS_UNSUPPORTED'));
});

test('train.jobs is validated: a positive integer up to 64', () => {
  assert.equal(resolveTrainConfig({}).jobs, 1);
  for (const jobs of [0, 1.5, 65]) assert.throws(() => resolveTrainConfig({ jobs }), (e: unknown) => isHibikiError(e, 'CONFIG_INVALID'));
});

test('a batch smaller than jobs: empty shards are not posted, and a 1-frame step equals the single-thread step bit for bit', { timeout: 60_000 }, async () => {
  const make = (): ReturnType<typeof parallelTinyTask> => parallelTinyTask({ seed: 5, dropout: 0 });
  const a = make();
  const b = make();
  const batch = sliceBatch([...a.batches(0, 0)][0]!, 0, 1);
  const varsOf = (t: typeof a): tf.Variable[] => t.model.trainableWeights.map((w) => w.read() as tf.Variable);
  const [va, vb] = [varsOf(a), varsOf(b)];
  const [oa, ob] = [va, vb].map((v) => new Optimizer(resolveOptimizerConfig({ type: 'adam', learningRate: 0.01 }), v));
  const group = await startReplicas(b, 3);
  try {
    for (let step = 0; step < 3; step++) {
      const single = trainStep(a, batch, va, oa!, 0.01, 1, 5, step);
      const parallel = await parallelTrainStep({ ...b, parallel: b.parallel! }, group, batch, vb, ob!, 0.01, 1, 5, step);
      assert.deepEqual(parallel, single);
    }
    va.forEach((v, i) => assert.deepEqual(vb[i]!.dataSync(), v.dataSync()));
  } finally {
    await group.close();
  }
});
