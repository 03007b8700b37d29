/**
 * The resume guarantee with train.jobs = 2: a data-parallel run (dropout drawn per shard, AdamW,
 * warm-up + cosine, clipping, validation) killed with SIGKILL mid-epoch, and another stopped with
 * SIGTERM (which must also shut its worker down so the process exits), both resumed, reproduce
 * the uninterrupted jobs=2 run's train.jsonl curve and final weights bit for bit (cpu backend).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listCheckpoints } from '../../../../src/train/index.js';
import { finishChild as finish, lossCurve as curve, startChild, waitForStep, type ChildRun } from '../fixtures/child-run.js';

const CHILD = join(import.meta.dirname, 'fixtures', 'train-child.ts');

const start = (expDir: string, mode: 'fresh' | 'resume', slowMs = 0): ChildRun => startChild(CHILD, expDir, mode, slowMs);

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
