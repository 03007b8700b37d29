/**
 * The resume guarantee, tested for real: a training run (with dropout, AdamW, warm-up + cosine,
 * clipping, plateau reduction and per-epoch validation) runs in a child process; one copy is
 * killed with SIGKILL mid-epoch, another stopped with SIGTERM; both are resumed, and their
 * train.jsonl curves and final weights must equal an uninterrupted run's bit for bit (cpu backend).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listCheckpoints, readCheckpoint } from '../../../src/train/index.js';
import { finishChild as finish, lossCurve as curve, startChild, waitForStep, type ChildRun } from './fixtures/child-run.js';

const CHILD = join(import.meta.dirname, 'fixtures', 'train-child.ts');

const start = (expDir: string, mode: 'fresh' | 'resume', slowMs = 0): ChildRun => startChild(CHILD, expDir, mode, slowMs);

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
