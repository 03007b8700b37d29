import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isHibikiError } from '../../../src/errors.js';
import { parseDataDir, readDataDir } from '../../../src/data/datadir/read.js';
import { formatSeconds, writeDataDir } from '../../../src/data/datadir/write.js';
import { decodeText, parseDecimal } from '../../../src/data/datadir/text-file.js';
import type { DataDir } from '../../../src/data/datadir/types.js';
import { tempDir, writeFiles } from './data-helpers.js';

function throwsCode(fn: () => unknown, code: string, check: (e: { file?: string | undefined; line?: number | undefined; utterance?: string | undefined }) => void = () => {}): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isHibikiError(e), `expected HibikiError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    check(e);
    return true;
  });
}

test('write then read round-trips every part, sorted, with relative audio paths', () => {
  const dir = tempDir();
  const data: DataDir = {
    wavScp: new Map([
      ['u2', join(dir, 'wav', 'b.wav')],
      ['u1', join(dir, 'wav', 'a.wav')],
    ]),
    utt2spk: new Map([
      ['u2', 's1'],
      ['u1', 's1'],
    ]),
    text: new Map([
      ['u2', []],
      ['u1', ['a', 'b']],
    ]),
    alignment: new Map([['u1', [{ start: 0.5, end: 1, label: 'b' }, { start: 0, end: 0.5, label: 'a' }]]]),
    events: new Map([['u1', [{ onset: 0.1, offset: 0.2, label: 'dog bark' }]], ['u2', []]]),
  };
  writeDataDir(dir, data);
  assert.equal(readFileSync(join(dir, 'wav.scp'), 'utf8'), 'u1 wav/a.wav\nu2 wav/b.wav\n');
  assert.equal(readFileSync(join(dir, 'text'), 'utf8'), 'u1 a b\nu2\n');
  assert.equal(readFileSync(join(dir, 'alignment'), 'utf8'), 'u1 0 0.5 a\nu1 0.5 1 b\n');
  assert.equal(readFileSync(join(dir, 'events.tsv'), 'utf8'), 'filename\tonset\toffset\tevent_label\na.wav\t0.1\t0.2\tdog bark\nb.wav\t\t\t\n');
  const back = readDataDir(dir);
  assert.deepEqual([...back.wavScp], [['u1', join(dir, 'wav', 'a.wav')], ['u2', join(dir, 'wav', 'b.wav')]]);
  assert.deepEqual(back.text?.get('u2'), []);
  assert.deepEqual(back.alignment?.get('u1'), [{ start: 0, end: 0.5, label: 'a' }, { start: 0.5, end: 1, label: 'b' }]);
  assert.deepEqual(back.events?.get('u1'), [{ onset: 0.1, offset: 0.2, label: 'dog bark' }]);
  assert.deepEqual(back.events?.get('u2'), []);
  assert.deepEqual(back.utt2spk?.get('u1'), 's1');
});

test('formatSeconds: no exponent, no trailing zeros, nanosecond precision', () => {
  assert.equal(formatSeconds(1e-7), '0.0000001');
  assert.equal(formatSeconds(2), '2');
  assert.equal(formatSeconds(0.1 + 0.2), '0.3');
  assert.equal(formatSeconds(-0), '0');
});

test('parseDecimal rejects what Number() would accept silently', () => {
  assert.equal(parseDecimal(''), undefined);
  assert.equal(parseDecimal('0x10'), undefined);
  assert.equal(parseDecimal('Infinity'), undefined);
  assert.equal(parseDecimal('1.5e-3'), 0.0015);
  assert.equal(parseDecimal('.5'), 0.5);
});

test('decodeText handles UTF-16 with and without BOM and a UTF-8 BOM', () => {
  assert.equal(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ab ə', 'utf16le')])), 'ab ə');
  assert.equal(decodeText(Buffer.from('abcd', 'utf16le')), 'abcd');
  assert.equal(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('x y')])), 'x y');
});

test('wav.scp: pipes are rejected with file and line', () => {
  const dir = tempDir();
  writeFiles(dir, { 'wav.scp': 'u1 a.wav\nu2 sox b.wav -t wav - |\n' });
  throwsCode(() => readDataDir(dir), 'WAV_SCP_PIPE', (e) => {
    assert.equal(e.file, join(dir, 'wav.scp'));
    assert.equal(e.line, 2);
    assert.equal(e.utterance, 'u2');
  });
});

test('wav.scp: paths leaving the data dir are rejected unless allowed', () => {
  const dir = tempDir();
  writeFiles(dir, { 'wav.scp': 'u1 ../x.wav\nu2 /abs/y.wav\n' });
  throwsCode(() => readDataDir(dir), 'PATH_OUTSIDE_DATA_DIR', (e) => assert.equal(e.line, 1));
  const findings = parseDataDir(dir).findings.filter((f) => f.code === 'PATH_OUTSIDE_DATA_DIR');
  assert.deepEqual(findings.map((f) => f.line), [1, 2]);
  const ok = readDataDir(dir, { allowOutside: true });
  assert.equal(ok.wavScp.get('u1'), resolve(dir, '..', 'x.wav'));
  assert.equal(ok.wavScp.get('u2'), '/abs/y.wav');
  process.env['HIBIKI_ALLOW_OUTSIDE_PATHS'] = '1';
  try {
    assert.equal(readDataDir(dir).wavScp.size, 2);
  } finally {
    delete process.env['HIBIKI_ALLOW_OUTSIDE_PATHS'];
  }
  // a `sub/../..` path escapes too, though it starts inside
  writeFiles(dir, { 'wav.scp': 'u1 sub/../../x.wav\n' });
  throwsCode(() => readDataDir(dir), 'PATH_OUTSIDE_DATA_DIR');
});

test('wav.scp paths with spaces keep the rest of the line', () => {
  const dir = tempDir();
  writeFiles(dir, { 'wav.scp': 'u1 my audio/a b.wav\n' });
  assert.equal(readDataDir(dir).wavScp.get('u1'), join(dir, 'my audio', 'a b.wav'));
});

test('segments: end <= 0 means the end of the recording; bad lines name their line', () => {
  const dir = tempDir();
  writeFiles(dir, { 'wav.scp': 'rec1 a.wav\n', segments: 'u1 rec1 0 1.5\nu2 rec1 1.5 -1\n' });
  const d = readDataDir(dir);
  assert.deepEqual(d.segments?.get('u2'), { recording: 'rec1', start: 1.5, end: -1 });
  writeFiles(dir, { segments: 'u1 rec1 0 1.5\nu2 rec1 abc 2\n' });
  throwsCode(() => readDataDir(dir), 'BAD_NUMBER', (e) => assert.equal(e.line, 2));
  writeFiles(dir, { segments: 'u1 rec9 0 1.5\n' });
  throwsCode(() => readDataDir(dir), 'UNKNOWN_RECORDING', (e) => assert.equal(e.line, 1));
});

test('events.tsv maps filenames to utterances by id or by audio basename', () => {
  const dir = tempDir();
  writeFiles(dir, {
    'wav.scp': 'u1 audio/x1.wav\nu2 audio/x2.wav\n',
    'events.tsv': 'x1.wav\t0.5\t1.0\tdog\nu2\t0\t0.25\tcat\naudio/x1.wav\t0.1\t0.2\tcat\n',
  });
  const d = readDataDir(dir);
  assert.deepEqual(d.events?.get('u1'), [{ onset: 0.1, offset: 0.2, label: 'cat' }, { onset: 0.5, offset: 1, label: 'dog' }]);
  assert.deepEqual(d.events?.get('u2'), [{ onset: 0, offset: 0.25, label: 'cat' }]);
  writeFiles(dir, { 'events.tsv': 'filename\tonset\toffset\tevent_label\nnope.wav\t0\t1\tdog\n' });
  throwsCode(() => readDataDir(dir), 'UNKNOWN_FILE', (e) => assert.equal(e.line, 2));
});

test('duplicate ids and malformed lines are errors with their line', () => {
  const dir = tempDir();
  writeFiles(dir, { 'wav.scp': 'u1 a.wav\nu1 b.wav\n' });
  throwsCode(() => readDataDir(dir), 'DUPLICATE_ID', (e) => assert.equal(e.line, 2));
  writeFiles(dir, { 'wav.scp': 'u1 a.wav\n', alignment: 'u1 0 0.5\n' });
  throwsCode(() => readDataDir(dir), 'MALFORMED_LINE', (e) => assert.equal(e.line, 1));
  writeFileSync(join(dir, 'alignment'), 'u1 0 0.5 a\nu1 0.7 0.6 b\n');
  throwsCode(() => readDataDir(dir), 'BAD_TIMES', (e) => assert.equal(e.line, 2));
});

test('a missing data directory or wav.scp is a clear error', () => {
  throwsCode(() => readDataDir('/nonexistent/hibiki/dir'), 'DATA_DIR_NOT_FOUND');
  const dir = tempDir();
  throwsCode(() => readDataDir(dir), 'MISSING_FILE');
});

test('symlinked audio inside the data dir is accepted (the check is on the path as written)', () => {
  const dir = tempDir();
  const other = tempDir();
  writeFiles(other, { 'x.wav': 'RIFF' });
  symlinkSync(join(other, 'x.wav'), join(dir, 'x.wav'));
  writeFiles(dir, { 'wav.scp': 'u1 x.wav\n' });
  assert.equal(readDataDir(dir).wavScp.get('u1'), join(dir, 'x.wav'));
});

test('CRLF files and alignment lines out of time order: read sorted, with a warning', () => {
  const dir = tempDir();
  writeFiles(dir, { 'wav.scp': 'u1 a.wav\r\n', alignment: 'u1 0.5 1 b\r\nu1 0 0.5 a\r\n' });
  const parsed = parseDataDir(dir);
  assert.deepEqual(parsed.data.alignment?.get('u1')?.map((s) => s.label), ['a', 'b']);
  assert.deepEqual(parsed.lines.alignment.get('u1'), [2, 1]);
  assert.deepEqual(parsed.findings.map((f) => [f.severity, f.code, f.line]), [['warning', 'UNSORTED_SEGMENTS', 2]]);
});
