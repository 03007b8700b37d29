import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { axisShortNames, axisValues, expandStudy, runRecipe, studySchema, type StudyInfo } from '../../../src/pipeline/index.js';
import { writeFileAtomic } from '../../../src/util/atomic.js';
import { makeRecipe, readOut, tempDir, testRegistry } from './helpers.js';

test('axis values get labels from mapping keys, scalars, name/kind fields, or positions', () => {
  assert.deepEqual(axisValues([0, 20, 40]).map((v) => v.label), ['0', '20', '40']);
  assert.deepEqual(axisValues({ hard: { kind: 'none' }, 'uni form': { kind: 'uniform' } }).map((v) => v.label), ['hard', 'uni-form']);
  assert.deepEqual(axisValues([{ kind: 'uniform', eps: 0.1 }, { name: 'cp', kind: 'confidence-penalty' }, [1, 2], null]).map((v) => v.label), ['uniform', 'cp', 'v2', 'null']);
  // Colliding labels get their position appended.
  assert.deepEqual(axisValues([{ kind: 'uniform', eps: 0.1 }, { kind: 'uniform', eps: 0.2 }]).map((v) => v.label), ['uniform0', 'uniform1']);
  assert.deepEqual(axisShortNames(['loss', 'data.jitterMs', 'seed']), ['loss', 'jitterMs', 'seed']);
  assert.deepEqual(axisShortNames(['a.eps', 'b.eps', 'c[0]']), ['a.eps', 'b.eps', 'c']);
});

test('a study expands to the cartesian product with derived tags and per-run values', () => {
  const spec = studySchema.parse({
    axes: { loss: { hard: { kind: 'none' }, uniform: { kind: 'uniform', eps: 0.1 } }, 'data.jitterMs': [0, 20], seed: [1, 2, 3] },
    set: { 'train.epochs': 2 },
  });
  const runs = expandStudy(spec, 'label-smoothing', 'ls');
  assert.equal(runs.length, 12);
  assert.deepEqual(runs.slice(0, 4).map((r) => r.tag), [
    'ls/loss-hard_jitterMs-0_seed-1',
    'ls/loss-hard_jitterMs-0_seed-2',
    'ls/loss-hard_jitterMs-0_seed-3',
    'ls/loss-hard_jitterMs-20_seed-1',
  ]);
  assert.equal(runs[11]!.tag, 'ls/loss-uniform_jitterMs-20_seed-3');
  assert.equal(new Set(runs.map((r) => r.tag)).size, 12);
  assert.deepEqual(runs[7]!.values, { 'train.epochs': 2, loss: { kind: 'uniform', eps: 0.1 }, 'data.jitterMs': 0, seed: 2 });
  assert.deepEqual(runs[7]!.labels, { loss: 'uniform', 'data.jitterMs': '0', seed: '2' });
  assert.deepEqual(runs[7]!.overrides.map((o) => o.path), [['train', 'epochs'], ['loss'], ['data', 'jitterMs'], ['seed']]);
});

const STUDY_RECIPE = `name: grid
seed: 7
data: { jitterMs: 0 }
loss: { kind: none }
train: { epochs: 5 }
stages:
  - name: prepare
    kind: emit
    config: [data]
  - name: train
    kind: emit
    config: [loss, train]
    options: { from: [prepare] }
studies:
  smoothing:
    axes:
      loss:
        hard: { kind: none }
        uniform: { kind: uniform, eps: 0.1 }
      seed: [1, 2]
    set: { train.epochs: 1 }
    compare:
      kind: collect
      config: [train]
`;

test('--set study=<name> runs every grid point under derived tags, then the compare stage once over all', async () => {
  const root = tempDir();
  const dir = makeRecipe(root, STUDY_RECIPE);
  const registry = testRegistry();
  const seen: StudyInfo[] = [];
  registry.register({
    kind: 'collect',
    run(ctx) {
      seen.push(ctx.study!);
      const rows = ctx.study!.runs.map((r) => ({ tag: r.tag, labels: r.labels, train: JSON.parse(readFileSync(join(r.expDir, 'train', 'out.json'), 'utf8')) as unknown }));
      writeFileAtomic(join(ctx.outDir, 'table.json'), JSON.stringify(rows));
    },
  });
  const expRoot = join(root, 'exp');
  const opts = { recipe: dir, registry, expRoot, logStream: null, overrides: ['study=smoothing'] };
  const summary = await runRecipe(opts);
  const tags = ['smoothing/loss-hard_seed-1', 'smoothing/loss-hard_seed-2', 'smoothing/loss-uniform_seed-1', 'smoothing/loss-uniform_seed-2'];
  assert.deepEqual(summary.study!.runs.map((r) => r.tag), tags);
  assert.deepEqual(summary.stages.map((s) => `${s.name}:${s.status}`), ['compare:ran']);
  assert.equal(summary.expDir, join(expRoot, 'grid', 'smoothing'));
  // Each run has its own resolved config with the axis values, the study's set values, study: null.
  const cfg = parseYaml(readFileSync(join(expRoot, 'grid', tags[3]!, 'config.yaml'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual([cfg['loss'], cfg['seed'], cfg['train'], cfg['study']], [{ kind: 'uniform', eps: 0.1 }, 2, { epochs: 1 }, null]);
  assert.deepEqual(readOut(join(expRoot, 'grid', tags[2]!), 'train')['slice'], { loss: { kind: 'uniform', eps: 0.1 }, train: { epochs: 1 } });
  // The compare stage saw all runs and wrote its table into the study directory.
  const table = JSON.parse(readFileSync(join(expRoot, 'grid', 'smoothing', 'compare', 'table.json'), 'utf8')) as { tag: string; labels: Record<string, string> }[];
  assert.deepEqual(table.map((r) => r.tag), tags);
  assert.deepEqual(table[1]!.labels, { loss: 'hard', seed: '2' });
  assert.deepEqual(seen[0]!.axes, ['loss', 'seed']);
  const studyJson = JSON.parse(readFileSync(join(expRoot, 'grid', 'smoothing', 'study.json'), 'utf8')) as { runs: unknown[] };
  assert.equal(studyJson.runs.length, 4);

  // Everything is up to date on a second run; one run redone makes compare rerun.
  const again = await runRecipe(opts);
  assert.ok(again.study!.runs.every((r) => r.stages.every((s) => s.status === 'skipped')));
  assert.equal(again.stages[0]!.status, 'skipped');
  const forced = await runRecipe({ ...opts, tag: 'smoothing', stage: 'train', stopStage: 'train', force: true });
  assert.deepEqual(forced.stages.map((s) => s.status), ['not-selected']);
  const after = await runRecipe(opts);
  assert.equal(after.stages[0]!.reason, `upstream ${tags[0]} changed`);
  assert.equal(seen.length, 2);
});

test('a study with --tag lives under that tag; a bad axis value fails before any run starts', async () => {
  const root = tempDir();
  const registry = testRegistry();
  registry.register({ kind: 'collect', run() {} });
  const dir = makeRecipe(root, STUDY_RECIPE.replace('seed: [1, 2]', 'seed: [1, 2.5]'));
  const expRoot = join(root, 'exp');
  await assert.rejects(runRecipe({ recipe: dir, registry, expRoot, logStream: null, overrides: ['study=smoothing'] }), (e: Error & { code?: string; issues?: { path: string; origin?: string }[] }) =>
    e.code === 'CONFIG_INVALID' && e.issues![0]!.path === 'seed' && e.issues![0]!.origin === 'studies.smoothing.axes seed=2.5');
  assert.ok(!existsSync(join(expRoot, 'grid')));
  const ok = makeRecipe(tempDir(), STUDY_RECIPE);
  const s = await runRecipe({ recipe: ok, registry, expRoot, logStream: null, overrides: ['study=smoothing'], tag: 'pilot' });
  assert.equal(s.study!.runs[0]!.tag, 'pilot/loss-hard_seed-1');
  assert.ok(existsSync(join(expRoot, 'grid', 'pilot', 'loss-hard_seed-1', 'stamps', 'train.json')));
});
