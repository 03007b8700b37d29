import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  listCheckpoints,
  loadLatestCheckpoint,
  pruneCheckpoints,
  readCheckpoint,
  saveCheckpoint,
  truncateTrainLog,
  type NamedTensor,
} from '../../../src/train/index.js';
import { isHibikiError } from '../../../src/errors.js';
import { readJsonl, writeJsonl } from '../../../src/util/jsonl.js';

function tensors(step: number): NamedTensor[] {
  return [
    { name: 'model/0/kernel', shape: [2, 3], values: Float32Array.from({ length: 6 }, (_, i) => step + i / 7) },
    { name: 'optimizer/m/0', shape: [3], values: Float32Array.from([Math.PI, -0, 1e-30 * step]) },
  ];
}

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-ckpt-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a checkpoint round-trips tensors bit for bit and its state', () =>
  withDir((root) => {
    saveCheckpoint(root, 12, tensors(12), { epoch: 1, note: 'x', loss: 0.1 + 0.2 });
    const c = readCheckpoint<{ epoch: number; loss: number }>(join(root, 'step-00000012'));
    assert.equal(c.step, 12);
    assert.deepEqual(c.tensors, tensors(12));
    assert.equal(c.state.loss, 0.1 + 0.2);
    // Saving the same step again replaces it.
    saveCheckpoint(root, 12, tensors(13), { epoch: 2, loss: 0 });
    assert.equal(readCheckpoint<{ epoch: number }>(join(root, 'step-00000012')).state.epoch, 2);
    assert.deepEqual(readdirSync(root), ['step-00000012']);
  }));

test('damaged newest checkpoints are detected and the previous one is used', () =>
  withDir((root) => {
    for (const s of [5, 10, 15, 20]) saveCheckpoint(root, s, tensors(s), { s });
    // 20: killed before the manifest was written (the final rename never happens in practice, but
    // a copied or hand-edited directory can look like this).
    unlinkSync(join(root, 'step-00000020', 'manifest.json'));
    assert.throws(() => readCheckpoint(join(root, 'step-00000020')), (e) => isHibikiError(e, 'CHECKPOINT_CORRUPT'));
    // 15: truncated tensors.
    truncateSync(join(root, 'step-00000015', 'tensors.bin'), 10);
    assert.throws(() => readCheckpoint(join(root, 'step-00000015')), (e) => isHibikiError(e, 'CHECKPOINT_CORRUPT') && /size/.test(e.message));
    // 10: same size, flipped bytes.
    writeFileSync(join(root, 'step-00000010', 'tensors.bin'), new Uint8Array(36));
    assert.throws(() => readCheckpoint(join(root, 'step-00000010')), (e) => isHibikiError(e, 'CHECKPOINT_CORRUPT') && /checksum/.test(e.message));
    const c = loadLatestCheckpoint<{ s: number }>(root);
    assert.equal(c?.step, 5);
    assert.deepEqual(c?.tensors, tensors(5));
    // A torn manifest is corrupt too.
    writeFileSync(join(root, 'step-00000005', 'manifest.json'), '{"format":"hibiki-chec');
    assert.equal(loadLatestCheckpoint(root), undefined);
  }));

test('temporary directories of killed writers are ignored and pruned; only the newest K are kept', () =>
  withDir((root) => {
    for (const s of [1, 2, 3, 4]) saveCheckpoint(root, s, tensors(s), {});
    mkdirSync(join(root, '.tmp-step-00000005-999999'));
    writeFileSync(join(root, '.tmp-step-00000005-999999', 'tensors.bin'), 'partial');
    assert.deepEqual(listCheckpoints(root).map((c) => c.step), [4, 3, 2, 1]);
    assert.equal(loadLatestCheckpoint(root)?.step, 4);
    pruneCheckpoints(root, 2);
    assert.deepEqual(readdirSync(root).sort(), ['step-00000003', 'step-00000004']);
  }));

test('truncateTrainLog keeps steps up to the checkpoint and epochs closed before it, drops a torn line', () =>
  withDir((dir) => {
    const path = join(dir, 'train.jsonl');
    const step = (n: number, epoch: number) => ({ kind: 'step', step: n, epoch, loss: n, lr: 1, framesPerSecond: 1, time: '' });
    const epoch = (e: number, n: number) => ({ kind: 'epoch', epoch: e, step: n, trainLoss: 1, dev: {}, time: '' });
    writeJsonl(path, [step(1, 0), step(2, 0), epoch(0, 2), step(3, 1), step(4, 1), epoch(1, 4), step(5, 2)]);
    writeFileSync(path, '{"kind":"step","st', { flag: 'a' });
    // Checkpoint at step 4 taken before epoch 1 was closed: epoch 1's record must go.
    truncateTrainLog(path, 4, 1);
    assert.deepEqual(
      readJsonl<{ kind: string; step: number }>(path).map((r) => `${r.kind}${r.step}`),
      ['step1', 'step2', 'epoch2', 'step3', 'step4'],
    );
  }));
