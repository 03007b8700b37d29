import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStamp, runRecipe, type StageKind } from '../../../src/pipeline/index.js';
import { writeFileAtomic } from '../../../src/util/atomic.js';
import { makeRecipe, readOut, tempDir, testRegistry, type RunCounts } from './helpers.js';

test('a stage that throws after a partial write leaves no output and no stamp, and reruns cleanly', async () => {
  const root = tempDir();
  const flag = join(root, 'fail-now');
  const dir = makeRecipe(root, `name: flaky\nx: 1\nstages:\n  - name: prep\n    kind: emit\n  - name: work\n    kind: flaky\n    config: [x]\n    options: { failIf: ${JSON.stringify(flag)} }\n  - name: after\n    kind: emit\n    options: { from: [work] }\n`);
  const counts: RunCounts = new Map();
  const opts = { recipe: dir, registry: testRegistry(counts), expRoot: join(root, 'exp'), logStream: null };
  const expDir = join(root, 'exp', 'flaky', 'default');
  writeFileSync(flag, '');
  await assert.rejects(runRecipe(opts), /simulated failure/);
  assert.ok(!existsSync(join(expDir, 'work')), 'no output under the final name');
  assert.ok(!existsSync(join(expDir, '.work.partial')), 'the work directory is removed');
  assert.equal(readStamp(expDir, 'work'), undefined);
  assert.ok(readStamp(expDir, 'prep') !== undefined, 'the stage before keeps its stamp');
  assert.ok(!existsSync(join(expDir, 'after')), 'later stages did not run');
  assert.match(readFileSync(join(expDir, 'run.log'), 'utf8'), /\[work\] failed: simulated failure/);

  rmSync(flag);
  const ok = await runRecipe(opts);
  assert.deepEqual(ok.stages.map((s) => `${s.name}:${s.status}`), ['prep:skipped', 'work:ran', 'after:ran']);
  assert.deepEqual(readdirSync(join(expDir, 'work')).sort(), ['out.json', 'part1.txt', 'part2.txt']);

  // A failing rerun (new config) keeps the previous complete output but drops the stamp.
  writeFileSync(flag, '');
  await assert.rejects(runRecipe({ ...opts, overrides: ['x=2'] }), /simulated failure/);
  assert.deepEqual(readOut(expDir, 'work')['slice'], { x: 1 });
  assert.equal(readStamp(expDir, 'work'), undefined);
  rmSync(flag);
  // Even with the old config, the stage reruns: its previous output is no longer trusted.
  const again = await runRecipe(opts);
  assert.deepEqual(again.stages.map((s) => `${s.name}:${s.reason}`), ['prep:up to date', 'work:no stamp', 'after:upstream work changed']);
});

test('a resumable stage keeps its partial work after a failure and resumes it when its key is unchanged', async () => {
  const root = tempDir();
  const flag = join(root, 'fail-now');
  const dir = makeRecipe(root, `name: resume\ntrain: { lr: 1 }\nstages:\n  - name: train\n    kind: steps\n    config: [train]\n    options: { n: 4, failAt: 1, failIf: ${JSON.stringify(flag)} }\n`);
  const resumed: boolean[] = [];
  const opts = { recipe: dir, registry: testRegistry(new Map(), resumed), expRoot: join(root, 'exp'), logStream: null };
  const expDir = join(root, 'exp', 'resume', 'default');
  writeFileSync(flag, '');
  await assert.rejects(runRecipe(opts), /interrupted/);
  assert.ok(!existsSync(join(expDir, 'train')));
  assert.deepEqual(readdirSync(join(expDir, '.train.partial')).filter((f) => f.startsWith('step')).sort(), ['step0.txt', 'step1.txt']);
  rmSync(flag);
  await runRecipe(opts);
  assert.deepEqual(resumed, [false, true]);
  assert.deepEqual(readdirSync(join(expDir, 'train')).sort(), ['step0.txt', 'step1.txt', 'step2.txt', 'step3.txt']);
  assert.ok(!existsSync(join(expDir, '.train.partial')));
  // A changed key discards partial work instead of resuming it.
  writeFileSync(flag, '');
  await assert.rejects(runRecipe({ ...opts, overrides: ['train.lr=2'] }), /interrupted/);
  rmSync(flag);
  await runRecipe({ ...opts, overrides: ['train.lr=3'] });
  assert.deepEqual(resumed, [false, true, false, false]);
});

function runChildUntilReady(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; pid: number }> {
  const script = fileURLToPath(new URL('./fixtures/kill-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolvePromise, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY')) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!out.includes('READY')) reject(new Error(`child exited before READY (code ${code}): ${err}`));
      else resolvePromise({ code, signal, pid: child.pid! });
    });
  });
}

test('a stage SIGKILLed mid-write leaves no half-written output under its name and reruns cleanly', async () => {
  const root = tempDir();
  const dir = makeRecipe(root, `name: killme\nmodel: { size: 1 }\nstages:\n  - name: prep\n    kind: emit\n  - name: slow\n    kind: slow\n    config: [model]\n  - name: report\n    kind: emit\n    options: { from: [slow] }\n`);
  const expRoot = join(root, 'exp');
  const expDir = join(expRoot, 'killme', 'default');
  const counts: RunCounts = new Map();
  const registry = testRegistry(counts);
  const slow: StageKind = {
    kind: 'slow',
    run(ctx) {
      writeFileAtomic(join(ctx.outDir, 'out.json'), JSON.stringify({ stage: 'slow', slice: ctx.slice, complete: true }));
    },
  };
  registry.register(slow);
  const opts = { recipe: dir, registry, expRoot, logStream: null };

  // A complete run with model.size=1, then a killed rerun with model.size=2.
  await runRecipe(opts);
  const killed = await runChildUntilReady([dir, expRoot, '--set', 'model.size=2']);
  assert.equal(killed.signal, 'SIGKILL');
  assert.deepEqual(readOut(expDir, 'slow'), { stage: 'slow', slice: { model: { size: 1 } }, complete: true }, 'the old complete output is intact');
  assert.equal(readStamp(expDir, 'slow'), undefined, 'the stamp was dropped before the stage started');
  assert.equal(readFileSync(join(expDir, '.slow.partial', 'out.json'), 'utf8'), '{"stage": "slow", "half": ', 'the half-written file exists only in the work directory');
  assert.equal(readFileSync(join(expDir, '.lock'), 'utf8'), String(killed.pid), 'the killed run left its lock');

  const rerun = await runRecipe({ ...opts, overrides: ['model.size=2'] });
  assert.deepEqual(rerun.stages.map((s) => `${s.name}:${s.status}:${s.reason}`), ['prep:skipped:up to date', 'slow:ran:no stamp', 'report:ran:upstream slow changed']);
  assert.deepEqual(readOut(expDir, 'slow'), { stage: 'slow', slice: { model: { size: 2 } }, complete: true });
  assert.ok(!existsSync(join(expDir, '.slow.partial')));
  assert.ok(!existsSync(join(expDir, '.lock')));
  assert.equal((await runRecipe({ ...opts, overrides: ['model.size=2'] })).stages.every((s) => s.status === 'skipped'), true);
});

test('a live lock refuses a second run on the same experiment; a stale one is taken over', async () => {
  const root = tempDir();
  const dir = makeRecipe(root, 'name: locked\nstages: [emit]\n');
  const expDir = join(root, 'exp', 'locked', 'default');
  const opts = { recipe: dir, registry: testRegistry(), expRoot: join(root, 'exp'), logStream: null };
  await runRecipe(opts);
  // The parent of this test process is alive for the whole test.
  writeFileSync(join(expDir, '.lock'), String(process.ppid));
  await assert.rejects(runRecipe(opts), (e: Error & { code?: string; found?: string }) => e.code === 'EXP_LOCKED' && e.found === `process ${process.ppid}`);
  const dead = spawn(process.execPath, ['-e', '0']);
  const deadPid = await new Promise<number>((r) => dead.on('exit', () => r(dead.pid!)));
  writeFileSync(join(expDir, '.lock'), String(deadPid));
  assert.equal((await runRecipe(opts)).stages[0]!.status, 'skipped');
  assert.ok(!existsSync(join(expDir, '.lock')));
});
