import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerSynth } from '../../../src/cli/commands/synth.js';
import { isHibikiError } from '../../../src/errors.js';

function program(): Command {
  const p = new Command();
  p.exitOverride();
  p.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  registerSynth(p);
  return p;
}

async function run(args: string[]): Promise<void> {
  const write = process.stdout.write.bind(process.stdout);
  // Buffers are the test runner's own reports (the CLI writes strings): they must reach the runner.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (typeof chunk === 'string' ? true : write(chunk, ...rest))) as typeof process.stdout.write;
  try {
    await program().parseAsync(['node', 'hibiki', 'synth', ...args]);
  } finally {
    process.stdout.write = write;
  }
}

test('hibiki synth events: flags reach the library (duration, snr range, jitter, split)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-synth-cli-'));
  await run(['events', '--out', dir, '--seed', '4', '--files', '2', '--duration', '2', '--snr-db', '5:10', '--boundary-jitter-ms', '30', '--max-polyphony', '2']);
  const meta = JSON.parse(readFileSync(join(dir, 'synth.json'), 'utf8')) as { kind: string; options: Record<string, unknown>; files: number; labelsCorrupted: boolean };
  assert.equal(meta.kind, 'events');
  assert.equal(meta.files, 2);
  assert.deepEqual(
    { seed: meta.options['seed'], fileDuration: meta.options['fileDuration'], snrDb: meta.options['snrDb'], jitter: meta.options['boundaryJitterMs'], poly: meta.options['maxPolyphony'], split: meta.options['split'] },
    { seed: 4, fileDuration: 2, snrDb: [5, 10], jitter: 30, poly: 2, split: 'train' },
  );
  assert.equal(meta.labelsCorrupted, true);
  assert.equal(readFileSync(join(dir, 'wav.scp'), 'utf8').split('\n').filter(Boolean).length, 2);
});

test('hibiki synth phones: utterances, speakers, test split', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-synth-cli-'));
  await run(['phones', '--out', dir, '--seed', '2', '--utterances', '3', '--speakers', '3', '--split', 'test', '--boundary-jitter-ms', '30']);
  const meta = JSON.parse(readFileSync(join(dir, 'synth.json'), 'utf8')) as { utterances: number; labelsCorrupted: boolean; speakers: { id: string }[] };
  assert.equal(meta.utterances, 3);
  assert.equal(meta.labelsCorrupted, false); // test split keeps exact labels
  assert.deepEqual(meta.speakers.map((s) => s.id), ['test001', 'test002', 'test003']);
  assert.equal(readFileSync(join(dir, 'alignment'), 'utf8'), readFileSync(join(dir, 'alignment.exact'), 'utf8'));
});

test('bad flag values end in HibikiErrors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-synth-cli-'));
  await assert.rejects(run(['events', '--out', dir, '--files', 'many']), (e: unknown) => isHibikiError(e, 'USAGE'));
  await assert.rejects(run(['events', '--out', dir, '--snr-db', '5']), (e: unknown) => isHibikiError(e, 'USAGE'));
  await assert.rejects(run(['phones', '--out', dir, '--split', 'eval']), (e: unknown) => isHibikiError(e, 'CONFIG_INVALID'));
  await assert.rejects(run(['phones', '--out', dir, '--utterances', '2', '--hours', '1']), (e: unknown) => isHibikiError(e, 'SYNTH_BAD_SIZE'));
});
