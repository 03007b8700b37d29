import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigValidationError } from '../../../src/config/index.js';
import { runRecipe } from '../../../src/pipeline/index.js';
import { makeRecipe, readOut, tempDir, testRegistry } from './helpers.js';

async function configError(yaml: string, overrides: string[] = [], registry = testRegistry()): Promise<ConfigValidationError> {
  const root = tempDir();
  const dir = makeRecipe(root, yaml);
  try {
    await runRecipe({ recipe: dir, registry, expRoot: join(root, 'exp'), logStream: null, overrides });
  } catch (e) {
    if (e instanceof ConfigValidationError) return e;
    throw e;
  }
  throw new Error('expected a CONFIG_INVALID error');
}

test('recipe problems are all reported at once with path, expected, found and line', async () => {
  const e = await configError(`name: bad
data: { sets: [train] }
stages:
  - kind: emit
    config: [data.sets, data.nope, "a..b"]
  - kind: nosuchkind
  - name: emit
    kind: emit
    options: { from: 3 }
  - kind: flaky
    after: [later]
    options: {}
`);
  assert.equal(e.code, 'CONFIG_INVALID');
  assert.ok(e.file!.endsWith('recipe.yaml'));
  const got = e.issues.map((i) => [i.path, i.line, i.expected, i.found]);
  assert.deepEqual(got, [
    ['stages[0].config[1]', 5, 'a path present in the config', '"data.nope", which is not set'],
    ['stages[0].config[2]', 5, 'dotted keys with optional [index], e.g. train.lr or data.sets[0].name', 'an empty key at character 3'],
    ['stages[1].kind', 6, 'one of emit, flaky, steps', '"nosuchkind"'],
    ['stages[2].name', 7, 'a stage name used once (set name: to tell two stages of one kind apart)', 'a second stage named "emit"'],
    ['stages[2].options.from', 9, 'array', 'the number 3'],
    ['stages[3].options.failIf', 12, 'string', 'nothing (missing)'],
    ['stages[3].after[0]', 11, 'the name of an earlier stage', '"later"'],
  ]);
  assert.match(e.message, /7 problems in recipe/);
});

test('schema errors in recipe.yaml name the key and line; --set errors name the override', async () => {
  const e = await configError('name: "has space"\nseed: 1.5\nstages: []\nstuff: 1\n');
  assert.deepEqual(e.issues.map((i) => [i.path, i.line]), [['name', 1], ['seed', 2], ['stages', 3]]);
  assert.equal(e.issues[1]!.expected, 'an integer');
  const o = await configError('name: ok\nstages: [emit]\n', ['seed=abc']);
  assert.equal(o.issues[0]!.origin, '--set seed=abc');
  assert.equal(o.found, 'the string "abc"');
  const s = await configError('name: ok\nstages: [emit]\n', ['study=missing']);
  assert.equal(s.issues[0]!.expected, 'a study defined under studies: (this recipe has none)');
});

test('registered config sections are validated and their defaults written to config.yaml', async () => {
  const registry = testRegistry();
  registry.registerSection('train', z.object({ lr: z.number().positive().default(0.001), epochs: z.number().int().default(10) }).strict());
  const root = tempDir();
  const dir = makeRecipe(root, 'name: sect\ntrain: { epochs: 3 }\nstages:\n  - kind: emit\n    config: [train]\n');
  const summary = await runRecipe({ recipe: dir, registry, expRoot: join(root, 'exp'), logStream: null });
  const config = parseYaml(readFileSync(join(summary.expDir, 'config.yaml'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(config['train'], { lr: 0.001, epochs: 3 });
  assert.deepEqual(readOut(summary.expDir, 'emit')['slice'], { train: { lr: 0.001, epochs: 3 } });
  const e = await configError('name: sect\ntrain:\n  lr: -1\n  epoch: 3\nstages: [emit]\n', [], registry);
  assert.deepEqual(e.issues.map((i) => [i.path, i.line, i.expected]), [['train.lr', 3, '> 0'], ['train.epoch', 4, 'no such key (is it misspelt?)']]);
});

test('a missing recipe folder is a RECIPE_NOT_FOUND error', async () => {
  await assert.rejects(runRecipe({ recipe: join(tempDir(), 'nope'), registry: testRegistry(), logStream: null }), (e: Error & { code?: string }) => e.code === 'RECIPE_NOT_FOUND');
});
