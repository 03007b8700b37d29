import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRecipe, tempDir } from './helpers.js';

const PREPARE = `import { writeFileSync } from 'node:fs';
export const stageKinds = [
  { kind: 'greet', run(ctx) { writeFileSync(ctx.outDir + '/greeting.txt', 'hello ' + ctx.slice.who.name + ' x' + ctx.nj); } },
];
`;

test('hibiki run: per-stage summary, --set/--tag/--nj, skips when up to date, config errors exit 2 with file:line', () => {
  const root = tempDir();
  const dir = makeRecipe(root, 'name: cli\nwho: { name: ada }\nstages:\n  - kind: greet\n    config: [who]\n', { 'prepare.mjs': PREPARE });
  const badDir = makeRecipe(join(root, 'bad'), 'name: cli\nwho: { name: ada }\nstages:\n  - kind: greet\n    config: [who.nme]\n', { 'prepare.mjs': PREPARE });
  const expRoot = join(root, 'exp');
  const args = ['run', dir, '--exp-root', expRoot, '--set', 'who.name=bob', '--tag', 't1', '--nj', '3'];
  const outFile = join(root, 'results.json');
  const driver = fileURLToPath(new URL('./fixtures/cli-driver.ts', import.meta.url));
  const commands = [args, args, ['run', badDir, '--exp-root', expRoot], ['run', dir, '--nj', 'two']];
  const proc = spawnSync(process.execPath, ['--import', 'tsx', driver, outFile, JSON.stringify(commands)], { encoding: 'utf8' });
  assert.equal(proc.status, 0, proc.stderr);
  const [first, second, bad, badNj] = JSON.parse(readFileSync(outFile, 'utf8')) as { code: number; stdout: string; stderr: string }[];

  assert.equal(first!.code, 0, first!.stderr);
  assert.match(first!.stdout, /^tag\s+stage\s+name\s+kind\s+status\s+seconds\s+reason\n/);
  assert.match(first!.stdout, /t1\s+0\s+greet\s+greet\s+ran\s+\d+\.\d\d\s+no stamp/);
  assert.match(first!.stderr, /\[greet\] running \(no stamp\)/);
  assert.equal(readFileSync(join(expRoot, 'cli', 't1', 'greet', 'greeting.txt'), 'utf8'), 'hello bob x3');
  assert.match(second!.stdout, /t1\s+0\s+greet\s+greet\s+skipped\s+-\s+up to date/);

  assert.equal(bad!.code, 2);
  assert.match(bad!.stderr, /\[CONFIG_INVALID\] .*recipe\.yaml:5: invalid recipe at stages\[0\]\.config\[0\] \(expected a path present in the config, found "who\.nme", which is not set\)/);
  assert.equal(badNj!.code, 2);
  assert.match(badNj!.stderr, /RUN_BAD_NJ/);
});
