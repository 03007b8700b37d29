import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isHibikiError } from '../../../src/errors.js';
import { readTextFile } from '../../../src/data/datadir/text-file.js';
import { parseTextGrid, readTextGrid, textGridToAlignment } from '../../../src/data/importers/textgrid.js';
import { parseLab } from '../../../src/data/importers/lab.js';
import { looksLikeAudacity, parseAudacityLabels } from '../../../src/data/importers/audacity.js';
import { parseDcaseEventList } from '../../../src/data/importers/event-list.js';
import { parseTimitLabels } from '../../../src/data/importers/timit.js';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'data');
const fx = (p: string): string => join(FIX, p);

function throwsAt(fn: () => unknown, code: string, line: number | undefined): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isHibikiError(e), String(e));
    assert.equal(e.code, code, e.message);
    assert.equal(e.line, line, e.message);
    return true;
  });
}

test('TextGrid long format (MFA): tiers by name, "" escapes, empty intervals', () => {
  const tg = readTextGrid(fx('textgrid/mfa-long.TextGrid'));
  assert.equal(tg.xmax, 1.2);
  assert.deepEqual(tg.tiers.map((t) => `${t.kind}:${t.name}`), ['interval:words', 'interval:phones']);
  const words = textGridToAlignment(tg, { tier: 'words', emptyLabel: null });
  assert.deepEqual(words, [{ start: 0.3, end: 0.9, label: 'say_"hi"' }]);
  // default tier with two interval tiers: 'phones'; empty intervals -> 'sil'
  assert.deepEqual(textGridToAlignment(tg), [
    { start: 0, end: 0.3, label: 'sil' },
    { start: 0.3, end: 0.45, label: 'S' },
    { start: 0.45, end: 0.7, label: 'EY1' },
    { start: 0.7, end: 0.9, label: 'HH' },
    { start: 0.9, end: 1.2, label: 'sil' },
  ]);
  assert.throws(() => textGridToAlignment(tg, { tier: 'syllables' }), (e: unknown) => isHibikiError(e, 'TEXTGRID_NO_TIER') && e.found === 'words, phones');
});

test('TextGrid short format with a point tier', () => {
  const tg = readTextGrid(fx('textgrid/short.TextGrid'));
  assert.equal(tg.tiers.length, 2);
  const pts = tg.tiers[1];
  assert.ok(pts !== undefined && pts.kind === 'point');
  assert.deepEqual(pts.points, [{ time: 0.5, mark: 'x' }, { time: 2.25, mark: 'y' }]);
  assert.deepEqual(textGridToAlignment(tg, { emptyLabel: 'pau' }).map((s) => s.label), ['a', 'pau', 'b']);
  assert.throws(() => textGridToAlignment(tg, { tier: 'clicks' }), (e: unknown) => isHibikiError(e, 'TEXTGRID_POINT_TIER'));
});

test('TextGrid in UTF-16 (BOM, CRLF) with IPA labels', () => {
  const tg = readTextGrid(fx('textgrid/utf16.TextGrid'));
  assert.deepEqual(textGridToAlignment(tg).map((s) => s.label), ['ə', 'ʃ']);
});

test('malformed TextGrids raise with the line', () => {
  throwsAt(() => readTextGrid(fx('textgrid/truncated.TextGrid')), 'TEXTGRID_TRUNCATED', 16);
  throwsAt(() => readTextGrid(fx('textgrid/bad-number.TextGrid')), 'TEXTGRID_SYNTAX', 17);
  throwsAt(() => parseTextGrid('File type = "ooTextFile"\nObject class = "Sound"\n0\n1\n'), 'TEXTGRID_NOT_TEXTGRID', 1);
  throwsAt(() => parseTextGrid('File type = "ooTextFile"\nObject class = "TextGrid"\n0 1 <exists> 1\n"IntervalTier" "p" 0 1 1\n0.5 0.5 "a"\n'), 'TEXTGRID_BAD_TIMES', 5);
  throwsAt(() => parseTextGrid('File type = "ooTextFile"\nObject class = "TextGrid"\n0 1 <exists> 1\n"IntervalTier" "p" 0 1 1\n0 1 "a\n'), 'TEXTGRID_SYNTAX', 5);
});

test('.lab: HTK 100 ns units (first level only, scores ignored)', () => {
  const c = parseLab(readTextFile(fx('lab/htk.lab')));
  assert.equal(c.form, 'htk');
  assert.deepEqual(c.segments.map((s) => [s.start, s.end, s.label]), [
    [0, 0.23, 'sil'],
    [0.23, 0.51, 'ah'],
    [0.51, 0.9, 'b'],
  ]);
});

test('.lab: seconds, festival (with and without header), transcript', () => {
  const sec = parseLab(readTextFile(fx('lab/seconds.lab')));
  assert.equal(sec.form, 'seconds');
  assert.deepEqual(sec.segments[1], { start: 0.23, end: 0.51, label: 'ah' });
  const fest = parseLab(readTextFile(fx('lab/festival.lab')));
  assert.equal(fest.form, 'festival');
  // the zero-length 'dummy' entry (end equal to the previous end) is skipped
  assert.deepEqual(fest.segments, [
    { start: 0, end: 0.29, label: 'pau' },
    { start: 0.29, end: 0.38, label: 'b' },
    { start: 0.38, end: 0.52, label: 'ax' },
    { start: 0.52, end: 0.7, label: 'pau' },
  ]);
  const bare = parseLab(readTextFile(fx('lab/festival-noheader.lab')));
  assert.equal(bare.form, 'festival');
  assert.equal(bare.segments.length, 3);
  const tr = parseLab(readTextFile(fx('lab/transcript.lab')));
  assert.equal(tr.form, 'transcript');
  assert.deepEqual(tr.tokens, ['hello', 'world', 'again']);
  // forcing the form: all-integer seconds would be read as HTK units otherwise
  assert.equal(parseLab('0 1 a\n1 2 b\n').form, 'htk');
  assert.deepEqual(parseLab('0 1 a\n1 2 b\n', 'x.lab', 'seconds').segments[1], { start: 1, end: 2, label: 'b' });
});

test('malformed .lab files raise with the line', () => {
  throwsAt(() => parseLab(readTextFile(fx('lab/bad.lab')), 'bad.lab', 'htk'), 'LAB_SYNTAX', 2);
  throwsAt(() => parseLab(readTextFile(fx('lab/backwards.lab')), 'backwards.lab'), 'LAB_BAD_TIMES', 2);
  throwsAt(() => parseLab('#\n0.5 26 a\n0.4 26 b\n'), 'LAB_BAD_TIMES', 3);
  throwsAt(() => parseLab('0.0 0.5\n', 'x', 'seconds'), 'LAB_SYNTAX', 1);
  throwsAt(() => parseLab('#!MLF!#\n"*/a.lab"\n0 100 a\n.\n'), 'LAB_MLF_UNSUPPORTED', 1);
});

test('Audacity labels: regions, point labels, spectral-selection lines', () => {
  const text = readTextFile(fx('audacity/labels.txt'));
  assert.ok(looksLikeAudacity(text));
  assert.ok(!looksLikeAudacity('hello world\n'));
  assert.deepEqual(parseAudacityLabels(text), [
    { start: 0.5, end: 1.25, label: 'dog bark' },
    { start: 2, end: 2, label: 'click' },
    { start: 3, end: 4.5, label: 'speech', lowHz: 300, highHz: 3400 },
  ]);
  throwsAt(() => parseAudacityLabels(readTextFile(fx('audacity/bad.txt'))), 'AUDACITY_SYNTAX', 2);
  throwsAt(() => parseAudacityLabels(readTextFile(fx('audacity/bad-freq.txt'))), 'AUDACITY_SYNTAX', 2);
  throwsAt(() => parseAudacityLabels('2\t1\tx\n'), 'AUDACITY_BAD_TIMES', 1);
});

test('event lists: 3 columns tab with header, 4 columns comma, 5 columns semicolon', () => {
  const three = parseDcaseEventList(readTextFile(fx('events/three-tab.tsv')));
  assert.equal(three.columns, 3);
  assert.deepEqual(three.rows, [
    { line: 2, onset: 0.5, offset: 1.5, label: 'dog' },
    { line: 3, onset: 1, offset: 2, label: 'car' },
  ]);
  const four = parseDcaseEventList(readTextFile(fx('events/four-comma.csv')));
  assert.equal(four.columns, 4);
  assert.equal(four.separator, ',');
  assert.deepEqual(four.rows[2], { line: 3, filename: 'b.wav' });
  const five = parseDcaseEventList(readTextFile(fx('events/five-semicolon.csv')));
  assert.equal(five.columns, 5);
  assert.deepEqual(five.rows, [
    { line: 2, filename: 'a.wav', scene: 'street', onset: 0.5, offset: 1.5, label: 'dog' },
    { line: 3, filename: 'b.wav', scene: 'home', onset: 0.1, offset: 0.4, label: 'car' },
    { line: 4, filename: 'c.wav', scene: 'home' },
  ]);
  const spaces = parseDcaseEventList('0.5 1.0 dog\n');
  assert.deepEqual(spaces.rows, [{ line: 1, onset: 0.5, offset: 1, label: 'dog' }]);
});

test('malformed event lists raise with the line', () => {
  throwsAt(() => parseDcaseEventList(readTextFile(fx('events/bad-columns.tsv'))), 'EVENTS_SYNTAX', 2);
  throwsAt(() => parseDcaseEventList(readTextFile(fx('events/bad-times.tsv'))), 'EVENTS_BAD_TIMES', 2);
  throwsAt(() => parseDcaseEventList('a.wav\tx\t1\tdog\n'), 'EVENTS_SYNTAX', 1);
  throwsAt(() => parseDcaseEventList('1\t2\n'), 'EVENTS_SYNTAX', 1);
});

test('TIMIT .PHN: samples at 16 kHz to seconds; malformed lines', () => {
  assert.deepEqual(parseTimitLabels('0 3050 h#\n3050 4559 sh\n', 'x.PHN'), [
    { start: 0, end: 3050 / 16000, label: 'h#' },
    { start: 3050 / 16000, end: 4559 / 16000, label: 'sh' },
  ]);
  throwsAt(() => parseTimitLabels('0 3050 h#\n3050 4559.5 sh\n', 'x.PHN'), 'TIMIT_SYNTAX', 2);
  throwsAt(() => parseTimitLabels('0 3050 h#\n4559 3050 sh\n', 'x.PHN'), 'TIMIT_BAD_TIMES', 2);
});

test("TextGrid default tier: MFA's '<speaker> - phones', ambiguous with two speakers", () => {
  const grid = (names: string[]): string =>
    `File type = "ooTextFile"\nObject class = "TextGrid"\n0\n1\n<exists>\n${names.length}\n` +
    names.map((n) => `"IntervalTier"\n"${n}"\n0\n1\n1\n0\n1\n"${n.replace(' - ', '_')}"\n`).join('');
  const one = parseTextGrid(grid(['anna - words', 'anna - phones']));
  assert.deepEqual(textGridToAlignment(one).map((s) => s.label), ['anna_phones']);
  const two = parseTextGrid(grid(['anna - phones', 'bob - phones']));
  assert.throws(() => textGridToAlignment(two, { file: 'x.TextGrid' }), (e: unknown) => isHibikiError(e, 'TEXTGRID_TIER_AMBIGUOUS') && e.found === 'anna - phones, bob - phones');
  assert.deepEqual(textGridToAlignment(two, { tier: 'bob - phones' }).map((s) => s.label), ['bob_phones']);
});
