/**
 * `--jobs 2` gives the same study as `--jobs 1`: a tiny synth-events study run both ways into two
 * exp roots has byte-identical per-run metrics.json files and comparison tables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runRecipe, type RunSummary } from '../../src/index.js';
import { recipeDir, tempRoot } from './helpers.js';

const TINY = [
  'data.sets={train: {files: 12}, dev: {files: 2}, test: {files: 3}}',
  'studies.label-smoothing.set.model.hidden=[32]', // the study trains the MLP tagger (its `set`)
  'train.epochs=1',
  'study=label-smoothing',
  'studies.label-smoothing.axes={loss: {hard: {smoothing: none}, binary: {smoothing: binary, epsilon: 0.2}}, seed: [1]}',
];

function study(jobs: number): Promise<RunSummary> {
  const root = tempRoot(`jobs${jobs}`);
  return runRecipe({ recipe: recipeDir('synth-events'), overrides: TINY, expRoot: join(root, 'exp'), dataRoot: join(root, 'data'), logStream: null, jobs });
}

const statuses = (s: RunSummary): string[] => [...s.study!.runs.flatMap((r) => r.stages.map((st) => `${r.tag} ${st.name}:${st.status}`)), ...s.stages.map((st) => `${st.name}:${st.status}`)];
const bytes = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');

test('synth-events study: --jobs 2 writes byte-identical metrics.json and comparison tables to --jobs 1', async () => {
  const one = await study(1);
  const two = await study(2);
  assert.deepEqual(statuses(two), statuses(one));
  assert.equal(one.study!.runs.length, 2);
  for (const [i, run] of one.study!.runs.entries()) {
    const a = run.stages.find((s) => s.name === 'eval')!.dir;
    const b = two.study!.runs[i]!.stages.find((s) => s.name === 'eval')!.dir;
    assert.notEqual(a, b);
    const m = bytes(a, 'metrics.json');
    assert.match(m, /"frameF1": 0\.\d+/);
    assert.equal(bytes(b, 'metrics.json'), m, run.tag);
  }
  const c1 = one.stages[0]!.dir;
  const c2 = two.stages[0]!.dir;
  assert.equal(bytes(c2, 'comparison.json'), bytes(c1, 'comparison.json'));
  assert.equal(bytes(c2, 'comparison.md'), bytes(c1, 'comparison.md'));
});
