import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

test('the CLI runs when started through a symlink, as npm installs its bin', () => {
  const link = join(mkdtempSync(join(tmpdir(), 'hibiki-bin-')), 'hibiki.ts');
  symlinkSync(resolve('src/cli/main.ts'), link);
  const run = spawnSync(process.execPath, ['--import', 'tsx', link, '--version'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), pkg.version);
});

test('a user error prints one line with its code and exits 2, without a stack trace', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'validate-data', join(tmpdir(), 'no-such-hibiki-dir')], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /^hibiki: error \[[A-Z_]+\]/);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
});
