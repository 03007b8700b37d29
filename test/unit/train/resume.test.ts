/**
 * The resume guarantee, tested for real: a training run (with dropout, AdamW, warm-up + cosine,
 * clipping, plateau reduction and per-epoch validation) runs in a child process; one copy is
 * killed with SIGKILL mid-epoch, another stopped with SIGTERM; both are resumed, and their
 * train.jsonl curves and final weights must equal an uninterrupted run's bit for bit (cpu backend).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listCheckpoints, readCheckpoint, type TrainRecord, type TrainResult } from '../../../src/train/index.js';
import { readJsonl } from '../../../src/util/jsonl.js';

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

/** Polls train.jsonl until a step record >= `step` appears (no time limit: the test runner's timeout applies). */
async function waitForStep(expDir: string, step: number, run: Run): Promise<number> {
  let exited = false;
  void run.done.then(() => (exited = true));
  for (;;) {
    const path = join(expDir, 'train.jsonl');
    if (existsSync(path)) {
      const steps = readJsonl<TrainRecord>(path, { tolerateTornTail: true }).filter((r) => r.kind === 'step');
      const last = steps.at(-1)?.step ?? 0;
      if (last >= step) return last;
    }
    assert.equal(exited, false, 'the child finished before it could be interrupted');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The curve without wall-clock fields. */
function curve(expDir: string): unknown[] {
  return readJsonl<TrainRecord>(join(expDir, 'train.jsonl')).map((r) => {
    if (r.kind === 'epoch') return { kind: r.kind, epoch: r.epoch, step: r.step, trainLoss: r.trainLoss, dev: r.dev };
    return { kind: r.kind, step: r.step, epoch: r.epoch, loss: r.loss, lr: r.lr, gradNorm: r.gradNorm };
  });
}

async function finish(run: Run): Promise<TrainResult> {
  const r = await run.done;
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as TrainResult;
}

test('SIGKILL mid-epoch or SIGTERM, then resume: loss curve and weights equal the uninterrupted run bit for bit', { timeout: 300_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'hibiki-resume-'));
  try {
    const ref = join(root, 'ref');
    const killed = join(root, 'killed');
    const termed = join(root, 'termed');
    const refRun = start(ref, 'fresh');
    const killRun = start(killed, 'fresh', 25);
    const termRun = start(termed, 'fresh', 25);

    // Epoch 0 has 29 batches and checkpoints fall every 7 steps: kill inside epoch 0 after step 14.
    const killedAt = await waitForStep(killed, 17, killRun);
    killRun.child.kill('SIGKILL');
    const k = await killRun.done;
    assert.equal(k.signal, 'SIGKILL');
    assert.equal(existsSync(join(killed, 'final')), false);
    // Every checkpoint directory under its final name is complete and verifies.
    const ckpts = listCheckpoints(join(killed, 'checkpoints'));
    assert.ok(ckpts.length >= 1);
    for (const c of ckpts) assert.equal(readCheckpoint(c.dir).step, c.step);

    // SIGTERM in epoch 1: the child saves a checkpoint at the step it reached and exits cleanly.
    await waitForStep(termed, 40, termRun);
    termRun.child.kill('SIGTERM');
    const t = await finish(termRun);
    assert.equal(t.status, 'interrupted');
    assert.equal(listCheckpoints(join(termed, 'checkpoints'))[0]!.step, t.step);

    const [refResult, killResumed, termResumed] = await Promise.all([
      finish(refRun),
      finish(start(killed, 'resume')),
      finish(start(termed, 'resume')),
    ]);
    assert.equal(refResult.status, 'completed');
    assert.equal(refResult.step, 87);
    assert.equal(killResumed.status, 'completed');
    assert.ok(killResumed.resumedFrom !== null && killResumed.resumedFrom <= killedAt && killResumed.resumedFrom >= 14);
    assert.equal(termResumed.resumedFrom, t.step);

    const expected = curve(ref);
    assert.equal(expected.length, 87 + 3);
    assert.deepEqual(curve(killed), expected);
    assert.deepEqual(curve(termed), expected);
    assert.deepEqual(killResumed.best, refResult.best);
    for (const dir of [killed, termed]) {
      assert.deepEqual(readFileSync(join(dir, 'final', 'weights.bin')), readFileSync(join(ref, 'final', 'weights.bin')));
      assert.deepEqual(readFileSync(join(dir, 'best', 'weights.bin')), readFileSync(join(ref, 'best', 'weights.bin')));
    }
    // The run learned something (the comparison above is not between two flat curves).
    const losses = expected.filter((r) => (r as { kind: string }).kind === 'step').map((r) => (r as { loss: number }).loss);
    assert.ok(losses.slice(-10).reduce((a, b) => a + b) < losses.slice(0, 10).reduce((a, b) => a + b));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
