import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateDataDir, formatFinding } from '../../../src/data/datadir/validate.js';
import { readAudioHeader } from '../../../src/data/datadir/audio-header.js';
import { Vocabulary } from '../../../src/data/vocab/vocabulary.js';
import { main } from '../../../src/cli/main.js';
import { isHibikiError } from '../../../src/errors.js';
import { tempDir, writeFiles, writeSilentSphere, writeSilentWav } from './data-helpers.js';

/** A data dir with one planted problem of each kind; durations: a.wav 1.0 s, b.wav 2.0 s, c.sph 0.5 s. */
function plantedDir(): string {
  const dir = tempDir();
  writeSilentWav(join(dir, 'a.wav'), 16000);
  writeSilentWav(join(dir, 'b.wav'), 16000, 8000, 2);
  writeSilentSphere(join(dir, 'c.sph'), 8000);
  writeFiles(dir, {
    'wav.scp': 'r1 a.wav\nr2 b.wav\nr0 c.sph\nr3 missing.wav\nr4 cat x |\n',
    segments: 'u1 r1 0 0.6\nu2 r1 0.6 -1\nu3 r2 1.5 2.5\nu4 r0 0 0.5\nu4 r0 0 0.4\n',
    utt2spk: 'u1 s1\nu2 s1\nu9 s2\n',
    text: 'u1 a b\nu2\nu3 a zz\n',
    alignment: ['u1 0 0.3 a', 'u1 0.35 0.6 b', 'u2 0 0.2 a', 'u2 0.15 0.45 b', 'u3 0 1.2 a', 'u4 0 0.5 a'].join('\n') + '\n',
    'events.tsv': 'filename\tonset\toffset\tevent_label\na.wav\t0.1\t0.5\tdog\na.wav\t0.4\t0.9\tdog\nb.wav\t1.0\t2.5\tcar\n',
  });
  return dir;
}

test('validate-data finds every planted problem, with file, line and severity', () => {
  const dir = plantedDir();
  const vocab = Vocabulary.fromLabels(['a', 'b', 'dog', 'car']);
  const r = validateDataDir(dir, { vocabulary: vocab });
  const got = r.findings.map((f) => `${f.severity} ${f.code} ${f.file}:${f.line ?? '-'} ${f.utterance ?? '-'}`);
  // Hand-derived: u2 = r1 [0.6, 1.0) lasts 0.4 s; u3 = r2 [1.5, 2.5) but r2 lasts 2.0 s (8 kHz
  // stereo, 16000 frames), so u3 lasts 0.5 s; a.wav lasts 1.0 s. Findings are sorted by file, line.
  assert.deepEqual(got, [
    'warning ALIGNMENT_GAP alignment:2 u1', // 0.3 -> 0.35
    'error ALIGNMENT_OVERLAP alignment:4 u2', // starts 0.15 < 0.2
    'error ALIGNMENT_PAST_END alignment:4 u2', // ends 0.45 > 0.4 + 0.01
    'error ALIGNMENT_PAST_END alignment:5 u3', // ends 1.2 > 0.5
    'warning EVENT_OVERLAP_SAME_CLASS events.tsv:3 r1', // dog 0.4 < dog 0.5
    'error EVENT_PAST_END events.tsv:4 r2', // 2.5 > 2.0
    'error SEGMENT_OUTSIDE_RECORDING segments:3 u3',
    'error DUPLICATE_ID segments:5 u4',
    'warning MISSING_ENTRIES text:- -', // u4 has no transcript
    'warning EMPTY_TRANSCRIPT text:2 u2',
    'error UNKNOWN_LABEL text:3 u3', // zz
    'error UNKNOWN_UTTERANCE utt2spk:- u9',
    'warning MISSING_ENTRIES utt2spk:- -',
    'warning UNSORTED_IDS wav.scp:3 r0',
    'error AUDIO_NOT_FOUND wav.scp:4 r3',
    'error WAV_SCP_PIPE wav.scp:5 r4',
  ]);
  assert.equal(r.errors, 10);
  assert.equal(r.warnings, 6);
  assert.equal(r.utterances, 4);
  assert.match(formatFinding(r.findings[1] ?? assert.fail()), /^error \[ALIGNMENT_OVERLAP\] alignment:4: utterance u2: /);
  assert.equal(r.errors, r.findings.filter((f) => f.severity === 'error').length);
});

test('with an <unk>-mapping vocabulary unknown labels become warnings', () => {
  const dir = plantedDir();
  const r = validateDataDir(dir, { vocabulary: Vocabulary.fromLabels(['a', 'b', 'dog', 'car', '<unk>'], { unk: 'map' }) });
  const f = r.findings.find((x) => x.code === 'UNKNOWN_LABEL');
  assert.equal(f?.severity, 'warning');
  assert.equal(r.errors, 9);
});

test('a clean directory has no findings; skipAudio skips duration checks', () => {
  const dir = tempDir();
  writeSilentWav(join(dir, 'a.wav'), 8000);
  writeFiles(dir, { 'wav.scp': 'u1 a.wav\n', alignment: 'u1 0 0.2 a\nu1 0.2 0.5 b\n', text: 'u1 a b\n' });
  assert.deepEqual(validateDataDir(dir).findings, []);
  writeFiles(dir, { alignment: 'u1 0 0.2 a\nu1 0.2 9 b\n' });
  assert.equal(validateDataDir(dir).errors, 1);
  assert.equal(validateDataDir(dir, { skipAudio: true }).errors, 0);
});

async function runCli(args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  // Buffers are the test runner's own reports (the CLI writes strings): they must reach the runner.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (typeof chunk === 'string' ? (out.push(chunk), true) : write(chunk, ...rest))) as typeof process.stdout.write;
  process.exitCode = undefined; // the test runner sets it when an earlier test failed
  try {
    const code = await main(['node', 'hibiki', ...args]);
    return { code, out: out.join('') };
  } finally {
    process.stdout.write = write;
    process.exitCode = undefined;
  }
}

test('hibiki validate-data exits 2 on errors, 0 on warnings only, and prints JSON', async () => {
  const dir = plantedDir();
  const bad = await runCli(['validate-data', dir, '--json']);
  assert.equal(bad.code, 2);
  const report = JSON.parse(bad.out) as { errors: number; findings: { code: string; line?: number }[] };
  assert.equal(report.errors, 9); // no --vocab: no UNKNOWN_LABEL
  assert.ok(report.findings.some((f) => f.code === 'WAV_SCP_PIPE' && f.line === 5));
  const clean = tempDir();
  writeSilentWav(join(clean, 'a.wav'), 8000);
  writeFiles(clean, { 'wav.scp': 'u1 a.wav\n', text: 'u1\n' });
  const ok = await runCli(['validate-data', clean]);
  assert.equal(ok.code, 0);
  assert.match(ok.out, /warning \[EMPTY_TRANSCRIPT\] text:1: utterance u1:/);
  assert.match(ok.out, /1 utterances, 0 errors, 1 warnings/);
});

test('audio headers: WAV (stereo, odd chunk, streamed size), SPHERE, garbage', () => {
  const dir = tempDir();
  writeSilentWav(join(dir, 's.wav'), 22050, 44100, 2);
  assert.deepEqual(readAudioHeader(join(dir, 's.wav')), { sampleRate: 44100, channels: 2, frames: 22050, duration: 0.5, format: 'wav' });
  // a LIST chunk of odd size (padded) before fmt, and a data size of 0xFFFFFFFF (streamed writer)
  const pcm = Buffer.alloc(100 * 2);
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(1, 10);
  fmt.writeUInt32LE(8000, 12);
  fmt.writeUInt32LE(16000, 16);
  fmt.writeUInt16LE(2, 20);
  fmt.writeUInt16LE(16, 22);
  const list = Buffer.from('LIST\x03\x00\x00\x00abc\x00', 'latin1');
  const dataHdr = Buffer.from('data\xff\xff\xff\xff', 'latin1');
  const riff = Buffer.from('RIFF\x00\x00\x00\x00WAVE', 'latin1');
  writeFileSync(join(dir, 'odd.wav'), Buffer.concat([riff, list, fmt, dataHdr, pcm]));
  assert.deepEqual(readAudioHeader(join(dir, 'odd.wav')), { sampleRate: 8000, channels: 1, frames: 100, duration: 100 / 8000, format: 'wav' });
  writeSilentSphere(join(dir, 'x.sph'), 4000);
  assert.deepEqual(readAudioHeader(join(dir, 'x.sph')), { sampleRate: 16000, channels: 1, frames: 4000, duration: 0.25, format: 'sphere' });
  writeFileSync(join(dir, 'bad.wav'), 'not audio at all');
  assert.throws(() => readAudioHeader(join(dir, 'bad.wav')), (e: unknown) => isHibikiError(e, 'AUDIO_HEADER'));
  assert.throws(() => readAudioHeader(join(dir, 'none.wav')), (e: unknown) => isHibikiError(e, 'AUDIO_NOT_FOUND'));
});
