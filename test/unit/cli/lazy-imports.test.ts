// `hibiki --help` and light commands must not load the heavy layers (tfjs, vega, meyda): each
// command imports them inside its action. A loader hook records every module the CLI process
// resolves; the test reads that list, never a clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BACKEND_NAMES } from '../../../src/nn/index.js';
import { PREPARE_FORMATS } from '../../../src/data/importers/prepare.js';
import { writeWav } from '../../../src/audio/index.js';
import { CLI_BACKEND_NAMES, CLI_PREPARE_FORMATS } from '../../../src/cli/commands/choices.js';

const HOOK = resolve('test/unit/cli/fixtures/record-imports.mjs');
const HEAVY = ['@tensorflow/', 'vega', 'meyda'];

/** Runs the CLI (sources through tsx) with the recorder; returns its result and the resolved URLs. */
function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string; loaded: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-imports-'));
  const log = join(dir, 'imports.txt');
  writeFileSync(log, '');
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--import', HOOK, 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, HIBIKI_IMPORT_LOG: log },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, loaded: readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') };
}

const packagesOf = (urls: readonly string[]): string[] =>
  [...new Set(urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((p): p is string => p !== undefined))].sort();
const heavyIn = (urls: readonly string[]): string[] => packagesOf(urls).filter((p) => HEAVY.some((h) => p.startsWith(h)));

test('hibiki --help loads commander but not tfjs, vega or meyda', () => {
  const r = cli(['--help']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /validate-data/);
  assert.ok(packagesOf(r.loaded).includes('commander'), `the recorder saw no packages: ${packagesOf(r.loaded).join(', ')}`);
  assert.deepEqual(heavyIn(r.loaded), []);
  // Not even the library layers that pull them in.
  assert.deepEqual(r.loaded.filter((u) => /\/src\/(nn|train|pipeline|eval|features)\//.test(u)), []);
});

test('hibiki validate-data on a tiny directory loads the data layer only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-imports-data-'));
  writeWav(join(dir, 'a.wav'), new Float32Array(8000), 16000);
  writeFileSync(join(dir, 'wav.scp'), 'u1 a.wav\n');
  const r = cli(['validate-data', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 utterances, 0 errors/);
  assert.ok(r.loaded.some((u) => u.endsWith('/src/data/datadir/validate.ts')), 'validate.ts was not recorded');
  assert.deepEqual(heavyIn(r.loaded), []);
});

test('control: a command that needs the pipeline loads tfjs in its action, and the recorder sees it', () => {
  const r = cli(['run', join(tmpdir(), 'no-such-hibiki-recipe')]);
  assert.equal(r.status, 2, r.stderr);
  assert.ok(heavyIn(r.loaded).includes('@tensorflow/tfjs'), packagesOf(r.loaded).join(', '));
});

test('the CLI copies of the choice lists equal their owners', () => {
  assert.deepEqual([...CLI_BACKEND_NAMES], [...BACKEND_NAMES]);
  assert.deepEqual([...CLI_PREPARE_FORMATS], [...PREPARE_FORMATS]);
});
