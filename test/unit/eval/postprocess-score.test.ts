import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import {
  activeRuns,
  medianFilterBinary,
  parseEventList,
  posteriorsToEvents,
  readEventList,
  scoreEventFiles,
  scoreEventLists,
  writeEventList,
} from '../../../src/eval/index.js';
import { isHibikiError } from '../../../src/errors.js';
import { addScoreEvents } from '../../../src/cli/commands/score-events.js';

test('median filter: isolated frames flip, edges shrink the window', () => {
  assert.deepEqual([...medianFilterBinary(Uint8Array.from([0, 1, 0, 1, 1, 0, 1, 1, 1]), 3)], [0, 0, 1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual([...medianFilterBinary(Uint8Array.from([1, 0, 0, 0, 1]), 5)], [1, 0, 0, 0, 1]);
  assert.throws(() => medianFilterBinary(new Uint8Array(3), 2), (e) => isHibikiError(e, 'POSTPROCESS_OPTIONS'));
  assert.deepEqual(activeRuns(Uint8Array.from([1, 1, 0, 1])), [
    [0, 2],
    [3, 4],
  ]);
});

test('posteriorsToEvents: thresholds, frame-centre time convention, gap merging, minimum duration', () => {
  // 10 frames, shift 0.1 s, length 0.1 s (centres at 0.05 + 0.1 i); classes a, b.
  // a: frames 1-3 on, 5 on (gap of one frame = 0.1 s), b: frame 8 only.
  const a = [0, 0.9, 0.8, 0.7, 0.2, 0.6, 0, 0, 0, 0];
  const b = [0, 0, 0, 0, 0, 0, 0, 0, 0.95, 0];
  const post = new Float64Array(20);
  for (let t = 0; t < 10; t++) {
    post[t * 2] = a[t]!;
    post[t * 2 + 1] = b[t]!;
  }
  const base = { labels: ['a', 'b'], shiftSec: 0.1 };
  const ev = posteriorsToEvents(post, base).map((e) => [e.label, +e.onset.toFixed(6), +e.offset.toFixed(6)]);
  assert.deepEqual(ev, [
    ['a', 0.1, 0.4],
    ['a', 0.5, 0.6],
    ['b', 0.8, 0.9],
  ]);
  const merged = posteriorsToEvents(post, { ...base, mergeGapSec: 0.15, minDurationSec: 0.15 }).map((e) => [e.label, +e.onset.toFixed(6), +e.offset.toFixed(6)]);
  assert.deepEqual(merged, [['a', 0.1, 0.6]]);
  // per-class threshold: a needs 0.75 -> frames 1, 2 only
  const thr = posteriorsToEvents(post, { ...base, threshold: [0.75, 0.5] }).map((e) => [e.label, +e.onset.toFixed(6), +e.offset.toFixed(6)]);
  assert.deepEqual(thr[0], ['a', 0.1, 0.3]);
  // 25 ms frames with 10 ms shift: centre of frame i = 0.0125 + 0.01 i, so frames 1..3 -> [0.0175, 0.0475)
  const kaldi = posteriorsToEvents(Float64Array.from([0, 1, 1, 1, 0]), { labels: ['x'], shiftSec: 0.01, lengthSec: 0.025 });
  assert.ok(Math.abs(kaldi[0]!.onset - 0.0175) < 1e-12 && Math.abs(kaldi[0]!.offset - 0.0475) < 1e-12);
});

test('event list reader: layouts, header, empty files, errors with file and line', () => {
  const l = parseEventList('filename\tonset\toffset\tevent_label\nf1\t0.5\t1.0\tdog\nf2\nf1\t2\t3\tcat\n');
  assert.deepEqual(l.files, ['f1', 'f2']);
  assert.equal(l.events.length, 2);
  assert.deepEqual(parseEventList('0.1,0.2,speech\n').events, [{ file: '', onset: 0.1, offset: 0.2, label: 'speech' }]);
  assert.equal(parseEventList('a;scene;1;2;x\n').events[0]!.label, 'x');
  assert.throws(() => parseEventList('0.1\t0.2\tx\n0.5\tbad\tx\n', 'l.txt'), (e) => isHibikiError(e, 'EVENT_LIST_TIME') && e.line === 2 && e.file === 'l.txt');
  assert.throws(() => parseEventList('1\t0.5\tx\n'), (e) => isHibikiError(e, 'EVENT_LIST_TIME'));
  assert.throws(() => parseEventList('1\t2\n'), (e) => isHibikiError(e, 'EVENT_LIST_COLUMNS'));
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-ev-'));
  writeEventList(join(dir, 'e.tsv'), l.events);
  assert.deepEqual(readEventList(join(dir, 'e.tsv')).events, l.events);
});

test('scoreEventLists: perfect output scores F = 1, ER = 0; files only in the estimate count as insertions', () => {
  const ref = parseEventList('f1\t0\t1\tdog\nf1\t2\t3\tcat\n');
  const perfect = scoreEventLists(ref, ref);
  assert.equal(perfect.eventBased.overall.fMeasure.fMeasure, 1);
  assert.equal(perfect.segmentBased.overall.errorRate.errorRate, 0);
  const extra = scoreEventLists(ref, parseEventList('f1\t0\t1\tdog\nf1\t2\t3\tcat\nf9\t0\t1\tdog\n'));
  assert.deepEqual(extra.files, ['f1', 'f9']);
  assert.equal(extra.eventBased.overall.counts.Nfp, 1);
  // ER = I / Nref = 1 / 2 (up to sed_eval's eps)
  assert.ok(Math.abs(extra.eventBased.overall.errorRate.errorRate - 0.5) < 1e-12);
});

test('hibiki score events prints the report and writes JSON (NaN as null)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-score-'));
  writeFileSync(join(dir, 'ref.txt'), '0.0\t2.5\tcar\n2.8\t4.5\tcar\n6.0\t10.0\tcar\n1.0\t2.0\tbird\n');
  writeFileSync(join(dir, 'hyp.txt'), '0.2\t3.5\tcar\n6.0\t8.0\tcar\n');
  const score = new Command('score').exitOverride();
  addScoreEvents(score);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  // Buffers are the test runner's own reports (the CLI writes strings): they must reach the runner.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (typeof chunk !== 'string') return write(chunk, ...rest);
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await score.parseAsync(['node', 'score', 'events', '--ref', join(dir, 'ref.txt'), '--hyp', join(dir, 'hyp.txt'), '--json', join(dir, 'r.json')]);
  } finally {
    process.stdout.write = write;
  }
  assert.match(out, /Segment based metrics/);
  assert.match(out, /Event based metrics \(onset-offset\)/);
  const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
  // car: 2 of 3 matched (as sed_eval's direct-use case); bird: missed -> overall P 2/2, R 2/4
  assert.equal(json.eventBased.overall.fMeasure.precision, 1);
  assert.equal(json.eventBased.overall.fMeasure.recall, 0.5);
  assert.equal(json.eventBased.classWise[0].label, 'bird');
  assert.equal(json.eventBased.classWise[0].fMeasure.precision, null);
  const direct = scoreEventFiles({ ref: join(dir, 'ref.txt'), hyp: join(dir, 'hyp.txt'), tCollar: 0.2 });
  assert.equal(direct.result.eventBased.overall.counts.Ntp, 2);
  await assert.rejects(
    score.parseAsync(['node', 'score', 'events', '--ref', join(dir, 'ref.txt'), '--hyp', join(dir, 'hyp.txt'), '--collar', '-1']),
    (e) => isHibikiError(e, 'USAGE'),
  );
});
