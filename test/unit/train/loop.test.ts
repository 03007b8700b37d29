import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveTrainConfig, train, type TrainRecord } from '../../../src/train/index.js';
import { isHibikiError } from '../../../src/errors.js';
import { readJsonl } from '../../../src/util/jsonl.js';
import { devLoss, tinyTask } from './fixtures/tiny-task.js';

await tf.setBackend('cpu');
process.env['HIBIKI_LOG'] = 'error';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-loop-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const config = (extra: object = {}) =>
  resolveTrainConfig({ epochs: 2, seed: 3, logEvery: 2, checkpointEvery: 0, progress: 'none', ...extra });

function records(dir: string): TrainRecord[] {
  return readJsonl<TrainRecord>(join(dir, 'train.jsonl'));
}

test('same seed, same run; another seed, another run; window-mean losses every logEvery steps', () =>
  withDir(async (dir) => {
    const run = async (name: string, seed: number, progress = 'none') => {
      await train(tinyTask({ seed, dropout: 0.2 }), { expDir: join(dir, name), config: config({ seed, progress }), handleSignals: false });
      return records(join(dir, name)).filter((r) => r.kind === 'step').map((r) => (r.kind === 'step' ? r.loss : 0));
    };
    const a = await run('a', 3, 'bar'); // the progress bar (on stderr) changes nothing
    const b = await run('b', 3);
    const c = await run('c', 4);
    assert.equal(a.length, 29); // 58 steps, a record every 2
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.ok(existsSync(join(dir, 'a', 'final', 'model.json')));
    assert.ok(existsSync(join(dir, 'a', 'checkpoints', 'step-00000058', 'manifest.json')));
  }));

test('early stopping on a dev metric, best/ at the best epoch; resuming a stopped run does nothing', () =>
  withDir(async (dir) => {
    const task = tinyTask({ seed: 1, dropout: 0 });
    const devValues = [0.5, 0.4, 0.45, 0.41, 0.3];
    let calls = 0;
    const validate = async () => ({ err: devValues[calls++]!, other: 1 });
    const cfg = config({ epochs: 5, monitor: { metric: 'err', mode: 'min', minDelta: 0.02 }, earlyStoppingPatience: 1 });
    const r = await train(task, { expDir: dir, config: cfg, validate, handleSignals: false });
    // Epoch 2 (0.45) and epoch 3 (0.41: not better by minDelta 0.02) are bad: stop after epoch 3.
    assert.equal(r.status, 'early-stopped');
    assert.equal(r.epoch, 4);
    assert.deepEqual(r.best, { metric: 'err', mode: 'min', value: 0.4, epoch: 1, step: 58 });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'best', 'best.json'), 'utf8')), r.best);
    const epochs = records(dir).filter((x) => x.kind === 'epoch');
    assert.deepEqual(epochs.map((e) => (e.kind === 'epoch' ? e.dev['err'] : -1)), [0.5, 0.4, 0.45, 0.41]);
    const again = await train(tinyTask({ seed: 1, dropout: 0 }), { expDir: dir, config: cfg, validate, resume: true, handleSignals: false });
    assert.equal(again.status, 'early-stopped');
    assert.equal(records(dir).length, epochs.length + records(dir).filter((x) => x.kind === 'step').length);
    assert.equal(calls, 4);
  }));

test('bad runs end in HibikiErrors: existing experiment without resume, missing metric, non-finite loss', () =>
  withDir(async (dir) => {
    await train(tinyTask({ seed: 1, dropout: 0 }), { expDir: join(dir, 'a'), config: config({ epochs: 1 }), handleSignals: false });
    await assert.rejects(
      train(tinyTask({ seed: 1, dropout: 0 }), { expDir: join(dir, 'a'), config: config({ epochs: 1 }), handleSignals: false }),
      (e) => isHibikiError(e, 'TRAIN_EXP_EXISTS'),
    );
    await assert.rejects(
      train(tinyTask({ seed: 1, dropout: 0 }), {
        expDir: join(dir, 'b'),
        config: config({ epochs: 1, monitor: { metric: 'acc', mode: 'max' } }),
        validate: (m) => devLoss(m, tinyTask({ seed: 1, dropout: 0 }).dev),
        handleSignals: false,
      }),
      (e) => isHibikiError(e, 'MONITOR_METRIC_MISSING'),
    );
    const base = tinyTask({ seed: 1, dropout: 0 });
    const nan: typeof base = { ...base, lossFn: (m, b, t) => tf.mul(base.lossFn(m, b, t), NaN) as tf.Scalar };
    await assert.rejects(
      train(nan, { expDir: join(dir, 'c'), config: config({ epochs: 1 }), handleSignals: false }),
      (e) => isHibikiError(e, 'TRAIN_LOSS_NOT_FINITE'),
    );
    const short: typeof base = { ...base, batchesPerEpoch: base.batchesPerEpoch + 1 };
    await assert.rejects(
      train(short, { expDir: join(dir, 'd'), config: config({ epochs: 1 }), handleSignals: false }),
      (e) => isHibikiError(e, 'TRAIN_BATCH_COUNT') && e.exitCode === 1,
    );
  }));

test('in-process crash and resume with logEvery 3 / checkpointEvery 5: log windows and epoch sums carry over exactly', () =>
  withDir(async (dir) => {
    const cfg = config({ epochs: 2, logEvery: 3, checkpointEvery: 5, optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9 } });
    const strip = (d: string) =>
      records(d).map((r) => (r.kind === 'step' ? [r.step, r.epoch, r.loss, r.lr] : [r.epoch, r.step, r.trainLoss]));
    await train(tinyTask({ seed: 5, dropout: 0.5 }), { expDir: join(dir, 'ref'), config: cfg, handleSignals: false });
    const crashing = tinyTask({ seed: 5, dropout: 0.5 });
    let seen = 0;
    const inner = crashing.batches;
    crashing.batches = function* (epoch, start) {
      for (const b of inner(epoch, start)) {
        if (++seen === 44) throw new Error('simulated crash');
        yield b;
      }
    };
    await assert.rejects(train(crashing, { expDir: join(dir, 'crash'), config: cfg, handleSignals: false }), /simulated crash/);
    // Steps 1-43 ran; the newest checkpoint is at step 40 (epoch 1, batch 11), the log reaches step 42.
    // A half-written best/ of a killed run is cleaned up on the next start.
    mkdirSync(join(dir, 'crash', 'best.tmp-999999'));
    const r = await train(tinyTask({ seed: 5, dropout: 0.5 }), { expDir: join(dir, 'crash'), config: cfg, resume: true, handleSignals: false });
    assert.equal(r.resumedFrom, 40);
    assert.deepEqual(strip(join(dir, 'crash')), strip(join(dir, 'ref')));
    assert.equal(existsSync(join(dir, 'crash', 'best.tmp-999999')), false);
  }));
