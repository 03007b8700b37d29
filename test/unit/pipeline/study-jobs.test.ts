/**
 * `--jobs N`: study runs in child processes. The stage kinds come from the recipe's prepare
 * module (workers load it as the parent does). A rendezvous in the `work` stage (each run waits
 * until two runs have entered it) shows that runs overlap without measuring any time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HibikiError } from '../../../src/errors.js';
import { readStamp, runRecipe } from '../../../src/pipeline/index.js';
import { makeRecipe, tempDir } from './helpers.js';

const PREPARE = `import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const stageKinds = [
  {
    kind: 'shared-prep',
    run(ctx) {
      appendFileSync(ctx.options.log, process.pid + '\\n');
      writeFileSync(join(ctx.outDir, 'out.json'), JSON.stringify({ size: ctx.slice.data.size }));
    },
  },
  {
    kind: 'work',
    async run(ctx) {
      const o = ctx.options;
      const x = ctx.slice.x;
      mkdirSync(o.dir, { recursive: true });
      writeFileSync(join(o.dir, 'started-' + x), String(process.pid));
      if (existsSync(o.hangIf)) await sleep(600000);
      if (x === 2 && existsSync(o.failIf)) throw new Error('boom x=2');
      // Rendezvous: wait until two runs have entered this stage (a sequential study never gets here).
      for (let i = 0; readdirSync(o.dir).filter((f) => f.startsWith('started-')).length < 2; i++) {
        if (i > 600) throw new Error('no other run started within 60 s');
        await sleep(100);
      }
      const prep = JSON.parse(readFileSync(join(ctx.stageDir('prepare'), 'out.json'), 'utf8'));
      writeFileSync(join(ctx.outDir, 'out.json'), JSON.stringify({ x, pid: process.pid, size: prep.size }));
    },
  },
  {
    kind: 'collect',
    run(ctx) {
      const rows = ctx.study.runs.map((r) => ({ tag: r.tag, out: JSON.parse(readFileSync(join(r.stageDirs.work, 'out.json'), 'utf8')) }));
      writeFileSync(join(ctx.outDir, 'table.json'), JSON.stringify(rows));
    },
  },
];
`;

function recipe(root: string): { dir: string; flags: { log: string; fail: string; hang: string; started: string } } {
  const flags = { log: join(root, 'prep.log'), fail: join(root, 'fail-now'), hang: join(root, 'hang-now'), started: join(root, 'started') };
  const yaml = `name: jobs
seed: 1
data: { size: 3 }
x: 0
stages:
  - name: prepare
    kind: shared-prep
    config: [data]
    share: true
    options: { log: ${JSON.stringify(flags.log)} }
  - name: work
    kind: work
    config: [x]
    options: { dir: ${JSON.stringify(flags.started)}, failIf: ${JSON.stringify(flags.fail)}, hangIf: ${JSON.stringify(flags.hang)} }
studies:
  grid:
    axes:
      x: [1, 2, 3]
    compare: { kind: collect }
`;
  return { dir: makeRecipe(root, yaml, { 'prepare.mjs': PREPARE }), flags };
}

const TAGS = ['grid/x-1', 'grid/x-2', 'grid/x-3'];
const readJson = (file: string): Record<string, unknown> => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

test('--jobs 2: shared stage once in the parent, each run in its own process, a failing run reported by tag while the others finish', async () => {
  const root = tempDir();
  const { dir, flags } = recipe(root);
  const expRoot = join(root, 'exp');
  const opts = { recipe: dir, expRoot, logStream: null, overrides: ['study=grid'], jobs: 2 };
  writeFileSync(flags.fail, '');
  await assert.rejects(runRecipe(opts), (e: unknown) => {
    assert.ok(e instanceof HibikiError);
    assert.equal(e.code, 'STUDY_RUNS_FAILED');
    assert.match(e.message, /1 of 3 study runs failed: grid\/x-2 /);
    assert.match(e.found!, /^grid\/x-2: Error: boom x=2$/);
    // A plain Error in a stage is an internal failure.
    assert.equal(e.exitCode, 1);
    return true;
  });
  const runDir = (tag: string): string => join(expRoot, 'jobs', tag);
  // The shared stage ran once, in this process, before any worker.
  assert.deepEqual(readFileSync(flags.log, 'utf8'), `${process.pid}\n`);
  // The other runs finished, each in a process of its own.
  const pids = [TAGS[0]!, TAGS[2]!].map((t) => readJson(join(runDir(t), 'work', 'out.json'))['pid'] as number);
  assert.ok(pids.every((p) => p !== process.pid) && pids[0] !== pids[1], String(pids));
  assert.ok(readStamp(runDir(TAGS[0]!), 'work') !== undefined && readStamp(runDir(TAGS[2]!), 'work') !== undefined);
  assert.equal(readStamp(runDir(TAGS[1]!), 'work'), undefined);
  assert.ok(!existsSync(join(runDir(TAGS[1]!), 'work')));
  assert.ok(!existsSync(join(expRoot, 'jobs', 'grid', 'compare')), 'no compare after a failed run');
  // Each run's log is its own; the study log names the failure.
  const log1 = readFileSync(join(runDir(TAGS[0]!), 'run.log'), 'utf8');
  assert.match(log1, /tag grid\/x-1 /);
  assert.doesNotMatch(log1, /grid\/x-[23]/);
  assert.match(readFileSync(join(runDir(TAGS[1]!), 'run.log'), 'utf8'), /\[work\] failed: boom x=2/);
  assert.match(readFileSync(join(expRoot, 'jobs', 'grid', 'run.log'), 'utf8'), /\[study\] run grid\/x-2 failed: Error: boom x=2/);
  for (const d of [...TAGS.map(runDir), join(expRoot, 'jobs', 'grid')]) assert.ok(!existsSync(join(d, '.lock')), `no lock left in ${d}`);

  // Fixed: only the failed run and the compare stage run; compare sees every run, in grid order.
  writeFileSync(join(flags.started, 'started-0'), 'a run that entered earlier');
  rmSync(flags.fail);
  const ok = await runRecipe(opts);
  assert.deepEqual(ok.study!.runs.map((r) => r.stages.map((s) => s.status).join(' ')), ['skipped skipped', 'skipped ran', 'skipped skipped']);
  assert.deepEqual(ok.stages.map((s) => `${s.name}:${s.status}`), ['compare:ran']);
  const table = JSON.parse(readFileSync(join(expRoot, 'jobs', 'grid', 'compare', 'table.json'), 'utf8')) as { tag: string; out: { x: number; size: number } }[];
  assert.deepEqual(table.map((r) => [r.tag, r.out.x, r.out.size]), [[TAGS[0], 1, 3], [TAGS[1], 2, 3], [TAGS[2], 3, 3]]);
  assert.equal(readFileSync(flags.log, 'utf8'), `${process.pid}\n`);
  // Up-to-date runs are answered by the parent: the rerun started one worker, for x-2.
  const starts = [...readFileSync(join(expRoot, 'jobs', 'grid', 'run.log'), 'utf8').matchAll(/\[study\] run (\S+): started/g)].map((m) => m[1]);
  assert.deepEqual(starts.slice(3), [TAGS[1]]);
});

test('--jobs 2 from the CLI: SIGTERM stops every worker, the command fails with 128+15, and a rerun completes', async () => {
  const root = tempDir();
  const { dir, flags } = recipe(root);
  const expRoot = join(root, 'exp');
  writeFileSync(flags.hang, '');
  const cli = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'run', dir, '--exp-root', expRoot, '--set', 'study=grid', '--jobs', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  // Wait (polling, no time assertion) until both workers are inside the hanging stage.
  const startedPids = (): number[] => (existsSync(flags.started) ? readdirSync(flags.started).map((f) => Number(readFileSync(join(flags.started, f), 'utf8'))) : []);
  for (let i = 0; startedPids().length < 2; i++) {
    if (i > 1200 || child.exitCode !== null) assert.fail(`workers did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const workers = startedPids();
  child.kill('SIGTERM');
  const end = await exited;
  assert.deepEqual(end, { code: 143, signal: null }, stderr);
  assert.match(stderr, /\[RUN_INTERRUPTED\] study stopped by SIGTERM/);
  // Worker log lines reach the terminal prefixed with their run's tag.
  assert.match(stderr, /^\[grid\/x-1\] .*\[work\] running \(no stamp\)/m);
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  assert.deepEqual(workers.filter(alive), [], 'every worker has exited when the command returns');
  for (const t of TAGS.slice(0, 2)) {
    assert.equal(readStamp(join(expRoot, 'jobs', t), 'work'), undefined);
    assert.ok(!existsSync(join(expRoot, 'jobs', t, 'work')));
  }
  assert.ok(!existsSync(join(expRoot, 'jobs', 'grid', '.lock')), 'the study lock is released');

  rmSync(flags.hang);
  // The killed workers' stale locks are taken over; their stages redo from a clean state.
  const ok = await runRecipe({ recipe: dir, expRoot, logStream: null, overrides: ['study=grid'] });
  assert.deepEqual(ok.study!.runs.map((r) => r.stages[1]!.status), ['ran', 'ran', 'ran']);
  assert.equal(ok.stages[0]!.status, 'ran');
});
