import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { StageRegistry, readStamp, runRecipe, formatRunSummary, type RunOptions, type RunSummary } from '../../../src/pipeline/index.js';
import { Rng } from '../../../src/util/rng.js';
import { makeRecipe, readOut, tempDir, testRegistry, type RunCounts } from './helpers.js';

function toyRecipe(root: string): { dir: string; input: string } {
  const input = join(root, 'input.txt');
  writeFileSync(input, 'raw audio list v1\n');
  const dir = makeRecipe(root, `name: toy
seed: 3
data:
  source: corpus
  sets: [train, dev]
features:
  kind: mfcc
  dim: 13
train:
  lr: 0.1
  epochs: 2
notes: not read by any stage
stages:
  - name: prepare
    kind: emit
    config: [data]
    options: { input: ${JSON.stringify(input)} }
  - name: features
    kind: emit
    config: [features, data.sets]
    options: { from: [prepare] }
  - name: train
    kind: emit
    config: [train]
    options: { from: [features] }
`);
  return { dir, input };
}

function setup() {
  const root = tempDir();
  const { dir, input } = toyRecipe(root);
  const counts: RunCounts = new Map();
  const registry = testRegistry(counts);
  const run = (extra: Partial<RunOptions> = {}): Promise<RunSummary> =>
    runRecipe({ recipe: dir, registry, expRoot: join(root, 'exp'), dataRoot: join(root, 'data'), logStream: null, ...extra });
  return { root, dir, input, counts, run, expDir: join(root, 'exp', 'toy', 'default') };
}

function statusOf(s: RunSummary): Record<string, string> {
  return Object.fromEntries(s.stages.map((st) => [st.name, `${st.status}: ${st.reason}`]));
}

test('a first run runs every stage, writes the resolved config and log; a second run skips them all', async () => {
  const t = setup();
  const first = await t.run();
  assert.deepEqual(statusOf(first), { prepare: 'ran: no stamp', features: 'ran: no stamp', train: 'ran: no stamp' });
  const train = readOut(t.expDir, 'train');
  // The chain of outputs: train saw features, which saw prepare, which read the input.
  const features = (train['upstream'] as Record<string, Record<string, unknown>>)['features']!;
  assert.deepEqual(features['slice'], { features: { kind: 'mfcc', dim: 13 }, data: { sets: ['train', 'dev'] } });
  assert.equal((features['upstream'] as Record<string, Record<string, unknown>>)['prepare']!['input'], 'raw audio list v1\n');
  // ctx.rng is the config seed forked by stage name.
  assert.equal(train['random'], new Rng(3).fork('stage:train').nextUint32());
  const config = parseYaml(readFileSync(join(t.expDir, 'config.yaml'), 'utf8')) as Record<string, unknown>;
  assert.equal(config['name'], 'toy');
  assert.equal(config['study'], null);
  assert.deepEqual(config['studies'], {});
  assert.equal((config['stages'] as unknown[]).length, 3);
  // Sections keep the order of recipe.yaml; defaulted keys follow.
  assert.deepEqual(Object.keys(config), ['name', 'seed', 'data', 'features', 'train', 'notes', 'stages', 'description', 'study', 'studies']);
  const log = readFileSync(join(t.expDir, 'run.log'), 'utf8');
  assert.match(log, /\[features\] running \(no stamp\)/);
  assert.match(log, /\[train\] done in/);
  const stamp = readStamp(t.expDir, 'features')!;
  assert.equal(stamp.stage, 'features');
  assert.deepEqual(Object.keys(stamp.parts.upstream), ['prepare']);
  assert.equal(stamp.parts.upstream['prepare'], readStamp(t.expDir, 'prepare')!.id);

  const second = await t.run();
  assert.deepEqual(statusOf(second), { prepare: 'skipped: up to date', features: 'skipped: up to date', train: 'skipped: up to date' });
  assert.deepEqual([...t.counts.values()], [1, 1, 1]);
  // The resolved config.yaml is itself a recipe that reproduces the run: same keys, all up to date.
  const replay = await runRecipe({ recipe: join(t.expDir, 'config.yaml'), registry: testRegistry(t.counts), expRoot: join(t.root, 'exp'), logStream: null });
  assert.deepEqual(replay.stages.map((st) => st.status), ['skipped', 'skipped', 'skipped']);
  const table = formatRunSummary(second);
  assert.match(table, /features\s+emit\s+skipped/);
  // No work directories or locks are left behind.
  assert.deepEqual(readdirSync(t.expDir).sort(), ['config.yaml', 'features', 'prepare', 'run.log', 'stamps', 'train']);
});

test('changing a stage\'s config slice reruns it and everything downstream, not upstream', async () => {
  const t = setup();
  await t.run();
  const s = await t.run({ overrides: ['features.dim=40'] });
  assert.deepEqual(statusOf(s), { prepare: 'skipped: up to date', features: 'ran: config changed', train: 'ran: upstream features changed' });
  assert.equal((readOut(t.expDir, 'features')['slice'] as { features: { dim: number } }).features.dim, 40);
  // A key no stage lists in its slice changes nothing.
  const s2 = await t.run({ overrides: ['features.dim=40', 'notes=edited'] });
  assert.deepEqual(statusOf(s2), { prepare: 'skipped: up to date', features: 'skipped: up to date', train: 'skipped: up to date' });
  // A nested path inside a listed slice counts: data.sets is listed by features, data by prepare.
  const s3 = await t.run({ overrides: ['features.dim=40', 'data.sets[1]=test'] });
  assert.deepEqual(statusOf(s3), { prepare: 'ran: config changed', features: 'ran: config changed', train: 'ran: upstream features changed' });
  // The seed is part of every stage's key.
  const s4 = await t.run({ overrides: ['features.dim=40', 'data.sets[1]=test', 'seed=4'] });
  assert.deepEqual(statusOf(s4), { prepare: 'ran: seed changed', features: 'ran: seed changed', train: 'ran: seed changed' });
});

test('a changed input file (content or mtime) reruns its stage and downstream', async () => {
  const t = setup();
  await t.run();
  writeFileSync(t.input, 'raw audio list v2, longer\n');
  const s = await t.run();
  assert.equal(statusOf(s)['prepare'], `ran: input changed: ${t.input}`);
  assert.equal(statusOf(s)['features'], 'ran: upstream prepare changed');
  assert.equal(statusOf(s)['train'], 'ran: upstream features changed');
  assert.equal((readOut(t.expDir, 'prepare')['input'] as string), 'raw audio list v2, longer\n');
  // Same size, new mtime: still a change.
  const later = new Date(Date.now() + 5000);
  utimesSync(t.input, later, later);
  assert.equal(statusOf(await t.run())['prepare'], `ran: input changed: ${t.input}`);
});

test('a deleted or edited output makes its stage rerun', async () => {
  const t = setup();
  await t.run();
  rmSync(join(t.expDir, 'features', 'out.json'));
  const s = await t.run();
  assert.deepEqual(statusOf(s), { prepare: 'skipped: up to date', features: `ran: output changed: ${join(t.expDir, 'features')}`, train: 'ran: upstream features changed' });
  assert.ok(readOut(t.expDir, 'features')['slice'] !== undefined);
});

test('--force reruns the selected stages, and downstream stages follow', async () => {
  const t = setup();
  await t.run();
  const s = await t.run({ force: true, stage: 'features', stopStage: 'features' });
  assert.deepEqual(statusOf(s), { prepare: 'not-selected: outside --stage/--stop-stage', features: 'ran: forced', train: 'not-selected: outside --stage/--stop-stage' });
  assert.equal(statusOf(await t.run())['train'], 'ran: upstream features changed');
});

test('--stage and --stop-stage select by index or name', async () => {
  const t = setup();
  const s = await t.run({ stage: 0, stopStage: 1 });
  assert.deepEqual(s.stages.map((x) => x.status), ['ran', 'ran', 'not-selected']);
  assert.ok(!existsSync(join(t.expDir, 'train')));
  const s2 = await t.run({ stage: 'train' });
  assert.deepEqual(s2.stages.map((x) => x.status), ['not-selected', 'not-selected', 'ran']);
  await assert.rejects(t.run({ stage: 5 }), (e: Error & { code?: string }) => e.code === 'STAGE_UNKNOWN');
  await assert.rejects(t.run({ stage: 'nope' }), (e: Error & { code?: string }) => e.code === 'STAGE_UNKNOWN' && e.message.includes('prepare, features, train'));
  await assert.rejects(t.run({ stage: 2, stopStage: 1 }), (e: Error & { code?: string }) => e.code === 'STAGE_RANGE');
});

test('a stage started past a never-run upstream runs with a warning, and reruns once the upstream exists', async () => {
  const t = setup();
  const s = await t.run({ stage: 'train' });
  assert.deepEqual(s.stages.map((x) => x.status), ['not-selected', 'not-selected', 'ran']);
  assert.match(readFileSync(join(t.expDir, 'run.log'), 'utf8'), /upstream stage features has not completed/);
  const full = await t.run();
  assert.deepEqual(statusOf(full), { prepare: 'ran: no stamp', features: 'ran: no stamp', train: 'ran: upstream features changed' });
});

test('--dry-run reports what would run and runs nothing', async () => {
  const t = setup();
  await t.run({ stopStage: 0 });
  const s = await t.run({ dryRun: true, overrides: ['train.lr=0.5'] });
  assert.deepEqual(statusOf(s), { prepare: 'skipped: up to date', features: 'would-run: no stamp', train: 'would-run: no stamp' });
  assert.equal(t.counts.get('features'), undefined);
  assert.ok(!existsSync(join(t.expDir, 'features')));
});

test('an external output declared by a stage is checked too', async () => {
  const root = tempDir();
  const external = join(root, 'data', 'generated', 'list.json');
  const dir = makeRecipe(root, `name: ext\nstages:\n  - kind: emit\n    options: { external: ${JSON.stringify(external)} }\n`);
  const counts: RunCounts = new Map();
  const opts = { recipe: dir, registry: testRegistry(counts), expRoot: join(root, 'exp'), logStream: null };
  await runRecipe(opts);
  assert.deepEqual(JSON.parse(readFileSync(external, 'utf8')), readOut(join(root, 'exp', 'ext', 'default'), 'emit'));
  assert.equal((await runRecipe(opts)).stages[0]!.status, 'skipped');
  rmSync(external);
  assert.equal((await runRecipe(opts)).stages[0]!.reason, `output changed: ${external}`);
  assert.ok(existsSync(external));
});

test('tags separate experiments; a bad tag or --nj is refused', async () => {
  const t = setup();
  await t.run({ tag: 'lr-big', overrides: ['train.lr=1'] });
  assert.ok(existsSync(join(t.root, 'exp', 'toy', 'lr-big', 'stamps', 'train.json')));
  assert.ok(!existsSync(t.expDir));
  await assert.rejects(t.run({ tag: '../escape' }), (e: Error & { code?: string }) => e.code === 'RUN_BAD_TAG');
  await assert.rejects(t.run({ nj: 0 }), (e: Error & { code?: string }) => e.code === 'RUN_BAD_NJ');
});

test('bumping a stage kind\'s version reruns its stages', async () => {
  const root = tempDir();
  const dir = makeRecipe(root, 'name: ver\nstages: [emit]\n');
  const registry = testRegistry();
  const opts = { recipe: dir, registry, expRoot: join(root, 'exp'), logStream: null };
  await runRecipe(opts);
  const bumped = new StageRegistry();
  bumped.register({ ...registry.get('emit')!, version: 2 });
  const s = await runRecipe({ ...opts, registry: bumped });
  assert.equal(s.stages[0]!.reason, 'stage kind or its version changed');
  assert.equal((await runRecipe({ ...opts, registry: bumped })).stages[0]!.status, 'skipped');
});

test('a kind\'s own config paths join every slice of that kind', async () => {
  const root = tempDir();
  const dir = makeRecipe(root, 'name: kindcfg\ntrain: { lr: 1 }\nextra: { a: 1 }\nstages:\n  - kind: reader\n    config: [extra]\n');
  const registry = testRegistry();
  registry.register({ ...registry.get('emit')!, kind: 'reader', config: ['train', 'optional.section'] });
  const opts = { recipe: dir, registry, expRoot: join(root, 'exp'), logStream: null };
  const s = await runRecipe(opts);
  assert.deepEqual(readOut(s.expDir, 'reader')['slice'], { extra: { a: 1 }, train: { lr: 1 } });
  assert.equal((await runRecipe({ ...opts, overrides: ['train.lr=2'] })).stages[0]!.reason, 'config changed');
  assert.equal((await runRecipe({ ...opts, overrides: ['train.lr=2', 'optional.section=on'] })).stages[0]!.reason, 'config changed');
});
