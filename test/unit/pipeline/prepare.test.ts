import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hashConfig } from '../../../src/config/index.js';
import { runRecipe } from '../../../src/pipeline/index.js';
import { makeRecipe, tempDir, testRegistry } from './helpers.js';

const SRC_INDEX = pathToFileURL(join(process.cwd(), 'src', 'index.js')).href;

test('a prepare.ts registers recipe stage kinds through the hibiki API it is handed', async () => {
  const root = tempDir();
  const prepare = `import type { HibikiApi, StageKind } from ${JSON.stringify(SRC_INDEX)};
export function stageKinds(hibiki: HibikiApi): StageKind[] {
  return [{
    kind: 'digest',
    run(ctx) {
      hibiki.writeFileAtomic(ctx.outDir + '/digest.txt', hibiki.hashConfig(ctx.slice));
    },
  }];
}
`;
  const dir = makeRecipe(root, 'name: local\nfeatures: { dim: 13 }\nstages:\n  - kind: digest\n    config: [features]\n', { 'prepare.ts': prepare });
  const s = await runRecipe({ recipe: dir, registry: testRegistry(), expRoot: join(root, 'exp'), logStream: null });
  assert.equal(readFileSync(join(s.expDir, 'digest', 'digest.txt'), 'utf8'), hashConfig({ features: { dim: 13 } }));
});

test('a prepare.mjs may export a stage-kind list and config sections', async () => {
  const root = tempDir();
  const prepare = `import { writeFileSync } from 'node:fs';
export const stageKinds = [{ kind: 'hello', run(ctx) { writeFileSync(ctx.outDir + '/hello.txt', 'hello ' + ctx.config.who.name); } }];
export const configSections = { who: { safeParse: (v) => (typeof v?.name === 'string' ? { success: true, data: { name: v.name.toUpperCase() } } : { success: false, error: { issues: [{ code: 'custom', path: ['name'], message: 'a name', input: v?.name }] } }) } };
`;
  const dir = makeRecipe(root, 'name: mjs\nwho: { name: ada }\nstages: [hello]\n', { 'prepare.mjs': prepare });
  const s = await runRecipe({ recipe: dir, registry: testRegistry(), expRoot: join(root, 'exp'), logStream: null });
  assert.equal(readFileSync(join(s.expDir, 'hello', 'hello.txt'), 'utf8'), 'hello ADA');
  const bad = makeRecipe(tempDir(), 'name: mjs\nwho: { name: 3 }\nstages: [hello]\n', { 'prepare.mjs': prepare });
  await assert.rejects(runRecipe({ recipe: bad, registry: testRegistry(), logStream: null }), (e: Error & { code?: string; issues?: { path: string }[] }) => e.code === 'CONFIG_INVALID' && e.issues![0]!.path === 'who.name');
});

test('broken prepare modules give clear errors', async () => {
  const two = makeRecipe(tempDir(), 'name: x\nstages: [emit]\n', { 'prepare.mjs': 'export const stageKinds = [];', 'prepare.js': 'export const stageKinds = [];' });
  await assert.rejects(runRecipe({ recipe: two, registry: testRegistry(), logStream: null }), (e: Error & { code?: string }) => e.code === 'RECIPE_PREPARE_AMBIGUOUS');
  const invalid = makeRecipe(tempDir(), 'name: x\nstages: [emit]\n', { 'prepare.mjs': 'export const stageKinds = [{ kind: 3 }];' });
  await assert.rejects(runRecipe({ recipe: invalid, registry: testRegistry(), logStream: null }), (e: Error & { code?: string }) => e.code === 'RECIPE_PREPARE_INVALID');
  const throwing = makeRecipe(tempDir(), 'name: x\nstages: [emit]\n', { 'prepare.mjs': 'throw new Error("boom");' });
  await assert.rejects(runRecipe({ recipe: throwing, registry: testRegistry(), logStream: null }), (e: Error & { code?: string; file?: string }) => e.code === 'RECIPE_PREPARE_FAILED' && e.message.includes('boom') && e.file!.endsWith('prepare.mjs'));
  const clash = makeRecipe(tempDir(), 'name: x\nstages: [emit]\n', { 'prepare.mjs': 'export const stageKinds = [{ kind: "emit", run() {} }];' });
  await assert.rejects(runRecipe({ recipe: clash, registry: testRegistry(), logStream: null }), (e: Error & { code?: string }) => e.code === 'STAGE_KIND_DUPLICATE');
});
