import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isHibikiError } from '../../../src/errors.js';
import { importWavFolder } from '../../../src/data/importers/wav-folder.js';
import { importTimit } from '../../../src/data/importers/timit.js';
import { importClassFolders } from '../../../src/data/importers/class-folders.js';
import { importTranscript } from '../../../src/data/importers/transcript.js';
import { importEventList } from '../../../src/data/importers/dcase.js';
import { prepareDataDir } from '../../../src/data/importers/prepare.js';
import { readDataDir } from '../../../src/data/datadir/read.js';
import { validateDataDir } from '../../../src/data/datadir/validate.js';
import { main } from '../../../src/cli/main.js';
import { tempDir, writeFiles, writeSilentSphere, writeSilentWav } from './data-helpers.js';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'data');

function copy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(join(FIX, from), to);
}

function hibikiError(code: string, line?: number): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(isHibikiError(e), String(e));
    assert.equal(e.code, code, e.message);
    if (line !== undefined) assert.equal(e.line, line, e.message);
    return true;
  };
}

/** A wav folder with every side-car kind: spk1/ has TextGrid+lab transcript, spk2/ .lab (HTK) + Audacity .txt + .tsv. */
function wavFolder(): string {
  const root = tempDir();
  writeSilentWav(join(root, 'spk1', 'utt1.wav'), 19200); // 1.2 s
  copy('textgrid/mfa-long.TextGrid', join(root, 'spk1', 'utt1.TextGrid'));
  copy('lab/transcript.lab', join(root, 'spk1', 'utt1.lab'));
  writeSilentWav(join(root, 'spk2', 'utt2.WAV'), 80000); // 5 s: the Audacity labels reach 4.5 s
  copy('lab/htk.lab', join(root, 'spk2', 'utt2.lab'));
  copy('audacity/labels.txt', join(root, 'spk2', 'utt2.txt'));
  writeSilentWav(join(root, 'spk2', 'utt3.wav'), 32000);
  copy('events/three-tab.tsv', join(root, 'spk2', 'utt3.tsv'));
  writeFiles(root, { 'spk2/utt3.txt': 'a plain transcript\n' });
  return root;
}

test('wav folder with side-cars: TextGrid, .lab (transcript and HTK), Audacity, event list, transcript', () => {
  const d = importWavFolder(wavFolder());
  assert.deepEqual([...d.wavScp.keys()], ['spk1-utt1', 'spk2-utt2', 'spk2-utt3']);
  assert.deepEqual([...(d.utt2spk ?? [])], [['spk1-utt1', 'spk1'], ['spk2-utt2', 'spk2'], ['spk2-utt3', 'spk2']]);
  assert.deepEqual(d.alignment?.get('spk1-utt1')?.map((s) => s.label), ['sil', 'S', 'EY1', 'HH', 'sil']);
  assert.deepEqual(d.text?.get('spk1-utt1'), ['hello', 'world', 'again']); // the .lab transcript wins over TextGrid labels
  assert.deepEqual(d.alignment?.get('spk2-utt2')?.map((s) => s.label), ['sil', 'ah', 'b']);
  assert.deepEqual(d.events?.get('spk2-utt2'), [
    { onset: 0.5, offset: 1.25, label: 'dog_bark' },
    { onset: 3, offset: 4.5, label: 'speech' }, // the point label 'click' is dropped
  ]);
  assert.deepEqual(d.events?.get('spk2-utt3'), [
    { onset: 0.5, offset: 1.5, label: 'dog' },
    { onset: 1, offset: 2, label: 'car' },
  ]);
  assert.deepEqual(d.text?.get('spk2-utt3'), ['a', 'plain', 'transcript']);
});

test('wav folder: conflicts, restriction to one side-car kind, missing labels', () => {
  const root = wavFolder();
  copy('lab/seconds.lab', join(root, 'spk1', 'utt1.lab')); // now TextGrid and a timed .lab both give alignments
  assert.throws(() => importWavFolder(root), hibikiError('IMPORT_CONFLICT'));
  const tgOnly = importWavFolder(root, { sidecars: ['TextGrid'] });
  assert.deepEqual(tgOnly.text?.get('spk1-utt1'), ['S', 'EY1', 'HH', 'sil']); // non-empty labels of the tier
  assert.equal(tgOnly.alignment?.size, 1);
  assert.throws(() => importWavFolder(root, { sidecars: ['TextGrid'], requireLabels: true }), hibikiError('IMPORT_NO_LABELS'));
  assert.throws(() => importWavFolder(tempDir()), hibikiError('IMPORT_NO_AUDIO'));
  const bad = tempDir();
  writeSilentWav(join(bad, 'x.wav'), 100);
  copy('textgrid/truncated.TextGrid', join(bad, 'x.TextGrid'));
  assert.throws(() => importWavFolder(bad), hibikiError('TEXTGRID_TRUNCATED', 16));
});

function timitTree(): string {
  const root = tempDir();
  const put = (dir: string, sent: string, phn: string, wrd?: string): void => {
    writeSilentSphere(join(root, dir, `${sent}.WAV`), 16000);
    copy(`timit/${phn}`, join(root, dir, `${sent}.PHN`));
    if (wrd !== undefined) copy(`timit/${wrd}`, join(root, dir, `${sent}.WRD`));
  };
  put('TRAIN/DR1/FCJF0', 'SI1027', 'SI1027.PHN', 'SI1027.WRD');
  put('TRAIN/DR1/FCJF0', 'SA1', 'SI943.PHN', 'SI1027.WRD');
  put('TEST/DR1/FAKS0', 'SI943', 'SI943.PHN', 'SI1027.WRD'); // a dev speaker
  put('TEST/DR1/MDAB0', 'SX49', 'SI943.PHN', 'SI1027.WRD'); // a core-test speaker
  put('TEST/DR2/MZZZ0', 'SX1', 'SI943.PHN'); // neither: not used
  return root;
}

test('TIMIT: train/dev/test split by the shipped speaker lists, SA excluded, SPHERE audio', () => {
  const sets = importTimit(timitTree());
  assert.deepEqual([...sets.train.wavScp.keys()], ['fcjf0_si1027']);
  assert.deepEqual([...sets.dev.wavScp.keys()], ['faks0_si943']);
  assert.deepEqual([...sets.test.wavScp.keys()], ['mdab0_sx49']);
  assert.equal(sets.train.utt2spk?.get('fcjf0_si1027'), 'fcjf0');
  const ali = sets.train.alignment?.get('fcjf0_si1027') ?? [];
  assert.equal(ali.length, 11);
  assert.deepEqual(ali[1], { start: 3050 / 16000, end: 4559 / 16000, label: 'sh' });
  assert.deepEqual(sets.train.text?.get('fcjf0_si1027'), ['h#', 'sh', 'ix', 'hv', 'eh', 'dcl', 'jh', 'ih', 'q', 'pau', 'h#']);
  const withSa = importTimit(timitTree(), { includeSa: true });
  assert.deepEqual([...withSa.train.wavScp.keys()], ['fcjf0_sa1', 'fcjf0_si1027']);
});

test('TIMIT: folding to 39 phones deletes q into its predecessor and merges equal neighbours', () => {
  const sets = importTimit(timitTree(), { phoneSet: '39' });
  const ali = sets.train.alignment?.get('fcjf0_si1027') ?? [];
  assert.deepEqual(ali.map((s) => s.label), ['sil', 'sh', 'ih', 'hh', 'eh', 'sil', 'jh', 'ih', 'sil']);
  assert.deepEqual(ali[7], { start: 10337 / 16000, end: 12500 / 16000, label: 'ih' }); // ih absorbed q
  assert.deepEqual(ali[8], { start: 12500 / 16000, end: 1, label: 'sil' }); // pau + h# merged
  const words = importTimit(timitTree(), { tier: 'words' });
  assert.deepEqual(words.train.text?.get('fcjf0_si1027'), ['she', 'had', 'it']);
});

test('TIMIT: malformed .PHN and a missing TEST part raise', () => {
  const root = timitTree();
  copy('timit/bad.PHN', join(root, 'TEST', 'DR1', 'FAKS0', 'SI943.PHN'));
  assert.throws(() => importTimit(root), hibikiError('TIMIT_SYNTAX', 2));
  const half = tempDir();
  writeFiles(half, { 'TRAIN/DR1/X/README': 'x' });
  assert.throws(() => importTimit(half), hibikiError('TIMIT_LAYOUT'));
});

test('class folders: one label covering each whole clip', () => {
  const root = tempDir();
  writeSilentWav(join(root, 'dog', 'd1.wav'), 8000);
  writeSilentWav(join(root, 'dog', 'd2.wav'), 4000, 8000);
  writeSilentWav(join(root, 'rain', 'r1.wav'), 16000);
  const d = importClassFolders(root);
  assert.deepEqual([...d.wavScp.keys()], ['dog-d1', 'dog-d2', 'rain-r1']);
  assert.deepEqual(d.alignment?.get('dog-d2'), [{ start: 0, end: 0.5, label: 'dog' }]);
  assert.deepEqual(d.text?.get('rain-r1'), ['rain']);
  assert.throws(() => importClassFolders(tempDir()), hibikiError('IMPORT_NO_AUDIO'));
  writeFiles(root, { 'rain/broken.wav': 'RIFF....WAVEjunk' });
  assert.throws(() => importClassFolders(root), (e: unknown) => hibikiError('AUDIO_HEADER')(e) && (e as { file?: string }).file === join(root, 'rain', 'broken.wav'));
});

test('plain transcript for CTC: audio found by id; errors name the line', () => {
  const root = tempDir();
  copy('transcript/text', join(root, 'text'));
  for (const id of ['clip_a', 'clip_b', 'clip_c']) writeSilentWav(join(root, 'wav', `${id}.wav`), 1600);
  const d = importTranscript(join(root, 'text'), root);
  assert.deepEqual(d.text?.get('clip_a'), ['hello', 'world']);
  assert.deepEqual(d.text?.get('clip_b'), []);
  writeFiles(root, { 'text2': 'clip_a x\nclip_z y\n', 'text3': 'clip_a x\nclip_a y\n' });
  assert.throws(() => importTranscript(join(root, 'text2'), root), hibikiError('IMPORT_MISSING_AUDIO', 2));
  assert.throws(() => importTranscript(join(root, 'text3'), root), hibikiError('IMPORT_DUPLICATE_ID', 2));
});

test('DCASE list naming files: events per file, event-free files kept, unknown files are errors', () => {
  const root = tempDir();
  writeSilentWav(join(root, 'a.wav'), 16000);
  writeSilentWav(join(root, 'sub', 'b.wav'), 16000);
  writeSilentWav(join(root, 'c.wav'), 16000);
  const d = importEventList(join(FIX, 'events', 'list4.tsv'), root);
  assert.deepEqual([...d.wavScp.keys()], ['a', 'c', 'sub-b']);
  assert.deepEqual(d.events?.get('a'), [{ onset: 0.5, offset: 1, label: 'dog' }, { onset: 0.2, offset: 0.4, label: 'car' }]);
  assert.deepEqual(d.events?.get('c'), []);
  assert.equal(d.events?.get('sub-b')?.length, 1);
  assert.throws(() => importEventList(join(FIX, 'events', 'list-unknown-file.tsv'), root), hibikiError('IMPORT_UNKNOWN_FILE', 2));
  assert.throws(() => importEventList(join(FIX, 'events', 'three-tab.tsv'), root), hibikiError('IMPORT_LIST_NEEDS_FILENAMES'));
});

test('prepareDataDir writes a data directory that reads back and validates clean', () => {
  const root = wavFolder();
  const out = join(root, 'data', 'all');
  const r = prepareDataDir({ format: 'wav-folder', in: root, out });
  assert.deepEqual(r.written, [{ dir: out, utterances: 3, outsidePaths: true }]);
  const d = readDataDir(out, { allowOutside: true });
  assert.equal(d.wavScp.get('spk2-utt2'), join(root, 'spk2', 'utt2.WAV'));
  assert.ok(readFileSync(join(out, 'wav.scp'), 'utf8').startsWith(`spk1-utt1 ${join(root, 'spk1', 'utt1.wav')}\n`));
  const report = validateDataDir(out, { allowOutside: true });
  assert.deepEqual(report.findings.filter((f) => f.severity === 'error'), []);
  // audio inside the output directory is written relative
  const inner = prepareDataDir({ format: 'wav-folder', in: root, out: root, dropEmpty: true });
  assert.equal(inner.written[0]?.outsidePaths, false);
  assert.ok(readFileSync(join(root, 'wav.scp'), 'utf8').startsWith('spk1-utt1 spk1/utt1.wav\n'));
  assert.throws(() => prepareDataDir({ format: 'nope' as 'timit', in: root, out }), hibikiError('BAD_OPTIONS'));
});

test('hibiki prepare --format timit writes train/dev/test', async () => {
  const root = timitTree();
  const out = join(tempDir(), 'data');
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  // Buffers are the test runner's own reports (the CLI writes strings): they must reach the runner.
  process.stdout.write = ((c: string | Uint8Array, ...rest: never[]) => (typeof c === 'string' ? (lines.push(c), true) : write(c, ...rest))) as typeof process.stdout.write;
  let code: number;
  process.exitCode = undefined; // the test runner sets it when an earlier test failed
  try {
    code = await main(['node', 'hibiki', 'prepare', '--format', 'timit', '--in', root, '--out', out, '--phone-set', '48']);
  } finally {
    process.stdout.write = write;
    process.exitCode = undefined;
  }
  assert.equal(code, 0);
  assert.match(lines.join(''), /train: 1 utterances/);
  assert.equal(readFileSync(join(out, 'test', 'text'), 'utf8'), 'mdab0_sx49 sil ao sil\n'); // ao folds to aa only in the 39 set
  assert.equal(readFileSync(join(out, 'dev', 'alignment'), 'utf8'), 'faks0_si943 0 0.125 sil\nfaks0_si943 0.125 0.25 ao\nfaks0_si943 0.25 0.5 sil\n');
});

test('wav folder: side-cars from a mirrored labels folder (aligner output) win over side-cars beside the audio', () => {
  const root = tempDir();
  writeSilentWav(join(root, 'corpus', 'spk1', 'utt1.wav'), 19200);
  writeFiles(root, { 'corpus/spk1/utt1.lab': 'say hi\n', 'corpus/spk1/utt1.TextGrid': 'not a textgrid' });
  copy('textgrid/mfa-long.TextGrid', join(root, 'aligned', 'spk1', 'utt1.TextGrid'));
  const d = importWavFolder(join(root, 'corpus'), { labelsDir: join(root, 'aligned'), tier: 'words' });
  assert.deepEqual(d.alignment?.get('spk1-utt1')?.map((s) => s.label), ['sil', 'say_"hi"', 'sil']);
  assert.deepEqual(d.text?.get('spk1-utt1'), ['say', 'hi']);
  // without the labels folder the broken TextGrid beside the audio is read, and fails with its line
  assert.throws(() => importWavFolder(join(root, 'corpus')), hibikiError('TEXTGRID_NOT_TEXTGRID', 1));
});

test('TIMIT: lower-case layout and RIFF copies named .WAV.wav', () => {
  const root = tempDir();
  writeSilentWav(join(root, 'timit', 'train', 'dr1', 'fcjf0', 'si1027.wav.wav'), 16000);
  copy('timit/SI1027.PHN', join(root, 'timit', 'train', 'dr1', 'fcjf0', 'si1027.phn'));
  writeSilentWav(join(root, 'timit', 'test', 'dr1', 'mdab0', 'sx49.wav'), 16000);
  copy('timit/SI943.PHN', join(root, 'timit', 'test', 'dr1', 'mdab0', 'sx49.phn'));
  const sets = importTimit(join(root, 'timit'));
  assert.equal(sets.train.wavScp.get('fcjf0_si1027'), join(root, 'timit', 'train', 'dr1', 'fcjf0', 'si1027.wav.wav'));
  assert.deepEqual([...sets.test.wavScp.keys()], ['mdab0_sx49']);
  assert.equal(sets.dev.wavScp.size, 0);
  writeFiles(root, { 'timit/test/dr1/mdab0/sx50.phn': '0 100 h#\n' });
  assert.throws(() => importTimit(join(root, 'timit')), hibikiError('TIMIT_MISSING_AUDIO'));
});
