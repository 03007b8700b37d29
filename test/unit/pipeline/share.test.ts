import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runRecipe } from '../../../src/pipeline/index.js';
import { Rng } from '../../../src/util/rng.js';
import { makeRecipe, readOut, tempDir, testRegistry, type RunCounts } from './helpers.js';

const RECIPE = `name: shared
seed: 1
data: { seed: 5, size: 10 }
loss: { kind: none }
stages:
  - name: prepare
    kind: emit
    config: [data]
    seed: data.seed
    share: true
  - name: train
    kind: emit
    config: [loss]
    options: { from: [prepare] }
studies:
  grid:
    axes:
      loss: [{ kind: none }, { kind: uniform }]
      seed: [1, 2]
`;

test('a stage seeded by its own path ignores the top-level seed', async () => {
  const root = tempDir();
  const dir = makeRecipe(root, RECIPE.replace('share: true', 'share: false'));
  const counts: RunCounts = new Map();
  const opts = { recipe: dir, registry: testRegistry(counts), expRoot: join(root, 'exp'), logStream: null };
  const first = await runRecipe(opts);
  assert.equal(readOut(first.expDir, 'prepare')['random'], new Rng(5).fork('stage:prepare').nextUint32());
  assert.equal(readOut(first.expDir, 'train')['random'], new Rng(1).fork('stage:train').nextUint32());
  const s = await runRecipe({ ...opts, overrides: ['seed=9'] });
  assert.deepEqual(s.stages.map((x) => `${x.name}:${x.status}:${x.reason}`), ['prepare:skipped:up to date', 'train:ran:seed changed']);
  const d = await runRecipe({ ...opts, overrides: ['seed=9', 'data.seed=6'] });
  assert.deepEqual(d.stages.map((x) => `${x.name}:${x.reason}`), ['prepare:config changed', 'train:upstream prepare changed']);
});

test('a shared stage runs once for every tag and study run with the same key', async () => {
  const root = tempDir();
  const dir = makeRecipe(root, RECIPE);
  const counts: RunCounts = new Map();
  const expRoot = join(root, 'exp');
  const opts = { recipe: dir, registry: testRegistry(counts), expRoot, logStream: null };
  const study = await runRecipe({ ...opts, overrides: ['study=grid'] });
  assert.equal(study.study!.runs.length, 4);
  assert.equal(counts.get('prepare'), 1);
  assert.equal(counts.get('train'), 4);
  const prepareDirs = new Set(study.study!.runs.map((r) => r.stages[0]!.dir));
  assert.equal(prepareDirs.size, 1);
  const shared = [...prepareDirs][0]!;
  assert.ok(shared.startsWith(join(expRoot, 'shared', '_shared', 'prepare-')));
  assert.deepEqual(readdirSync(join(shared, '..')).sort(), ['prepare', 'stamps']);
  for (const run of study.study!.runs) {
    assert.ok(!existsSync(join(run.expDir, 'prepare')), 'no private copy');
    // Each train saw the shared prepare output through ctx.stageDir.
    const upstream = readOut(run.expDir, 'train')['upstream'] as Record<string, { slice: unknown }>;
    assert.deepEqual(upstream['prepare']!.slice, { data: { seed: 5, size: 10 } });
  }
  // --force over a study redoes the shared stage once, not once per run.
  const forced = await runRecipe({ ...opts, overrides: ['study=grid'], force: true });
  assert.deepEqual(forced.study!.runs.map((r) => r.stages[0]!.status), ['ran', 'skipped', 'skipped', 'skipped']);
  assert.equal(counts.get('prepare'), 2);
  assert.equal(counts.get('train'), 8);
  // Another tag with the same data reuses it; different data gets its own container.
  const other = await runRecipe({ ...opts, tag: 'other' });
  assert.equal(other.stages[0]!.status, 'skipped');
  assert.equal(other.stages[0]!.dir, shared);
  const bigger = await runRecipe({ ...opts, tag: 'bigger', overrides: ['data.size=20'] });
  assert.equal(bigger.stages[0]!.reason, 'no stamp');
  assert.notEqual(bigger.stages[0]!.dir, shared);
  assert.equal(counts.get('prepare'), 3);
});

test('a stage seed path that is not an integer is a config error', async () => {
  const root = tempDir();
  const dir = makeRecipe(root, RECIPE.replace('seed: data.seed', 'seed: data.size.x').replace('seed: 5, size: 10', 'seed: 5, size: { x: 1.5 }'));
  await assert.rejects(runRecipe({ recipe: dir, registry: testRegistry(), expRoot: join(root, 'exp'), logStream: null }), (e: Error & { code?: string; issues?: { path: string; found: string }[] }) =>
    e.code === 'CONFIG_INVALID' && e.issues![0]!.path === 'stages[0].seed' && e.issues![0]!.found === '"data.size.x", which is the number 1.5');
});
