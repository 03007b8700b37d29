/**
 * The resume guarantee with train.jobs = 2: a data-parallel run (dropout drawn per shard, AdamW,
 * warm-up + cosine, clipping, validation) killed with SIGKILL mid-epoch, and another stopped with
 * SIGTERM (which must also shut its worker down so the process exits), both resumed, reproduce
 * the uninterrupted jobs=2 run's train.jsonl curve and final weights bit for bit (cpu backend).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listCheckpoints, type TrainRecord, type TrainResult } from '../../../../src/train/index.js';
import { readJsonl } from '../../../../src/util/jsonl.js';

const CHILD = join(import.meta.dirname, 'fixtures', 'train-child.ts');

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function start(expDir: string, mode: 'fresh' | 'resume', slowMs = 0): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, expDir, mode], {
    env: { ...process.env, SLOW_MS: String(slowMs), HIBIKI_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

async function waitForStep(expDir: string, step: number, run: Run): Promise<number> {
  let exited = false;
  void run.done.then(() => (exited = true));
  for (;;) {
    const path = join(expDir, 'train.jsonl');
    if (existsSync(path)) {
      const last = readJsonl<TrainRecord>(path, { tolerateTornTail: true }).filter((r) => r.kind === 'step').at(-1)?.step ?? 0;
      if (last >= step) return last;
    }
    assert.equal(exited, false, 'the child finished before it could be interrupted');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function curve(expDir: string): unknown[] {
  return readJsonl<TrainRecord>(join(expDir, 'train.jsonl')).map((r) =>
    r.kind === 'epoch' ? { kind: r.kind, epoch: r.epoch, step: r.step, trainLoss: r.trainLoss, dev: r.dev } : { kind: r.kind, step: r.step, epoch: r.epoch, loss: r.loss, lr: r.lr, gradNorm: r.gradNorm },
  );
}

async function finish(run: Run): Promise<TrainResult> {
  const r = await run.done;
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as TrainResult;
}

test('jobs=2: SIGKILL mid-epoch or SIGTERM, then resume: curve and weights equal the uninterrupted run bit for bit', { timeout: 300_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'hibiki-parallel-resume-'));
  try {
    const ref = join(root, 'ref');
    const killed = join(root, 'killed');
    const termed = join(root, 'termed');
    const refRun = start(ref, 'fresh');
    const killRun = start(killed, 'fresh', 20);
    const termRun = start(termed, 'fresh', 20);

    // 29 batches an epoch, checkpoints every 7 steps: kill in epoch 0 after the step-14 checkpoint.
    const killedAt = await waitForStep(killed, 17, killRun);
    killRun.child.kill('SIGKILL');
    assert.equal((await killRun.done).signal, 'SIGKILL');
    assert.equal(existsSync(join(killed, 'final')), false);

    await waitForStep(termed, 33, termRun);
    termRun.child.kill('SIGTERM');
    const t = await finish(termRun);
    assert.equal(t.status, 'interrupted');
    assert.equal(listCheckpoints(join(termed, 'checkpoints'))[0]!.step, t.step);

    const [refResult, killResumed, termResumed] = await Promise.all([finish(refRun), finish(start(killed, 'resume')), finish(start(termed, 'resume'))]);
    assert.equal(refResult.status, 'completed');
    assert.equal(refResult.step, 58);
    assert.ok(killResumed.resumedFrom !== null && killResumed.resumedFrom <= killedAt && killResumed.resumedFrom >= 14);
    assert.equal(termResumed.resumedFrom, t.step);

    const expected = curve(ref);
    assert.equal(expected.length, 58 + 2);
    assert.deepEqual(curve(killed), expected);
    assert.deepEqual(curve(termed), expected);
    for (const dir of [killed, termed]) {
      assert.deepEqual(readFileSync(join(dir, 'final', 'weights.bin')), readFileSync(join(ref, 'final', 'weights.bin')));
      assert.deepEqual(readFileSync(join(dir, 'best', 'weights.bin')), readFileSync(join(ref, 'best', 'weights.bin')));
    }
    const losses = expected.flatMap((r) => ((r as { kind: string }).kind === 'step' ? [(r as { loss: number }).loss] : []));
    assert.ok(losses.slice(-10).reduce((a, b) => a + b) < losses.slice(0, 10).reduce((a, b) => a + b));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
