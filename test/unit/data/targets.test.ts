import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isHibikiError } from '../../../src/errors.js';
import { alignmentToFrameTargets } from '../../../src/data/targets/alignment.js';
import { eventsToFrameTargets } from '../../../src/data/targets/events.js';
import { alignmentTargetsOf, eventTargetsOf } from '../../../src/data/targets/data-dir.js';
import { frameCentreSec, numFramesForDuration, numFramesForSamples, type FrameGeometry } from '../../../src/data/targets/geometry.js';
import { Vocabulary } from '../../../src/data/vocab/vocabulary.js';

const SNIP: FrameGeometry = { lengthSec: 0.025, shiftSec: 0.01, snipEdges: true };
const NOSNIP: FrameGeometry = { lengthSec: 0.025, shiftSec: 0.01, snipEdges: false };
const V = Vocabulary.fromLabels(['a', 'b', 'c', 'sil', '<unk>']);
const [A, B, C, SIL] = [0, 1, 2, 3];
const ABC = [
  { start: 0, end: 0.0425, label: 'a' },
  { start: 0.0425, end: 0.08, label: 'b' },
  { start: 0.08, end: 0.1, label: 'c' },
];

test('frame counts and centres follow Kaldi (snip-edges true and false)', () => {
  assert.equal(numFramesForSamples(1600, 16000, SNIP), 8); // 1 + floor((1600 - 400) / 160)
  assert.equal(numFramesForSamples(399, 16000, SNIP), 0);
  assert.equal(numFramesForSamples(400, 16000, SNIP), 1);
  assert.equal(numFramesForSamples(1600, 16000, NOSNIP), 10); // (1600 + 80) / 160
  assert.equal(numFramesForSamples(1679, 16000, NOSNIP), 10);
  assert.equal(numFramesForSamples(1680, 16000, NOSNIP), 11);
  assert.equal(numFramesForDuration(0.1, SNIP), 8);
  assert.equal(numFramesForDuration(0.1, NOSNIP), 10);
  assert.equal(frameCentreSec(0, SNIP), 0.0125);
  assert.equal(frameCentreSec(3, SNIP), 0.0425);
  assert.equal(frameCentreSec(0, NOSNIP), 0.005);
});

test('alignment targets, snip-edges: labels, boundary distances and neighbours (hand-checked)', () => {
  // centres 12.5, 22.5, ..., 82.5 ms; boundaries a|b at 42.5 ms (exactly frame 3's centre), b|c at 80 ms
  const t = alignmentToFrameTargets(ABC, 8, SNIP, V);
  assert.deepEqual([...t.labels], [A, A, A, B, B, B, B, C]); // frame 3: tie at the centre -> the later segment
  assert.deepEqual([...t.boundaryDistance], [3, 2, 1, 0, 1, 1.75, 0.75, 0.25]);
  assert.deepEqual([...t.neighbourLabel], [B, B, B, A, A, C, C, B]);
});

test('alignment targets, snip-edges false: centres at i*shift + shift/2', () => {
  // centres 5, 15, ..., 95 ms
  const t = alignmentToFrameTargets(ABC, 10, NOSNIP, V);
  assert.deepEqual([...t.labels], [A, A, A, A, B, B, B, B, C, C]);
  assert.deepEqual([...t.boundaryDistance], [3.75, 2.75, 1.75, 0.75, 0.25, 1.25, 1.5, 0.5, 0.5, 1.5]);
  assert.deepEqual([...t.neighbourLabel], [B, B, B, B, A, A, C, C, B, B]);
});

test('equidistant boundaries: the earlier one counts', () => {
  const segs = [
    { start: 0, end: 0.0425, label: 'a' },
    { start: 0.0425, end: 0.0625, label: 'b' },
    { start: 0.0625, end: 0.1, label: 'c' },
  ];
  const t = alignmentToFrameTargets(segs, 8, SNIP, V);
  assert.equal(t.labels[4], B); // centre 52.5 ms, 10 ms from both boundaries
  assert.equal(t.boundaryDistance[4], 1);
  assert.equal(t.neighbourLabel[4], A);
});

test('odd frame length: the centre falls between samples', () => {
  // 401-sample window at 16 kHz: centre of frame 0 at sample 200.5 = 0.01253125 s
  const g: FrameGeometry = { lengthSec: 401 / 16000, shiftSec: 160 / 16000, snipEdges: true };
  const at200 = alignmentToFrameTargets([{ start: 0, end: 200 / 16000, label: 'a' }, { start: 200 / 16000, end: 1, label: 'b' }], 2, g, V);
  const at201 = alignmentToFrameTargets([{ start: 0, end: 201 / 16000, label: 'a' }, { start: 201 / 16000, end: 1, label: 'b' }], 2, g, V);
  assert.deepEqual([...at200.labels], [B, B]);
  assert.deepEqual([...at201.labels], [A, B]);
  assert.equal(at200.boundaryDistance[0], Math.fround(0.5 / 160)); // float32 storage
  assert.equal(at201.boundaryDistance[0], Math.fround(0.5 / 160)); // float32 storage
  assert.equal(at201.neighbourLabel[0], B);
});

test('empty utterances', () => {
  const none = alignmentToFrameTargets([], 0, SNIP, V);
  assert.equal(none.labels.length, 0);
  assert.throws(() => alignmentToFrameTargets([], 3, SNIP, V, { utterance: 'u0' }), (e: unknown) => isHibikiError(e, 'UNCOVERED_FRAME') && e.utterance === 'u0');
  const ignored = alignmentToFrameTargets([], 3, SNIP, V, { uncovered: 'ignore' });
  assert.deepEqual([...ignored.labels], [-1, -1, -1]);
  assert.deepEqual([...ignored.neighbourLabel], [-1, -1, -1]);
  const filled = alignmentToFrameTargets([], 3, SNIP, V, { uncovered: { label: 'sil' } });
  assert.deepEqual([...filled.labels], [SIL, SIL, SIL]);
  assert.deepEqual([...filled.boundaryDistance], [Infinity, Infinity, Infinity]);
  assert.deepEqual([...filled.neighbourLabel], [SIL, SIL, SIL]);
});

test('frames past the last segment follow the uncovered policy', () => {
  const segs = [{ start: 0, end: 0.05, label: 'a' }];
  assert.throws(
    () => alignmentToFrameTargets(segs, 8, SNIP, V, { utterance: 'u1' }),
    (e: unknown) => isHibikiError(e, 'UNCOVERED_FRAME') && e.utterance === 'u1' && /frame 4 /.test(e.message),
  );
  const sil = alignmentToFrameTargets(segs, 8, SNIP, V, { uncovered: { label: 'sil' } });
  assert.deepEqual([...sil.labels], [A, A, A, A, SIL, SIL, SIL, SIL]);
  assert.deepEqual([...sil.boundaryDistance], [3.75, 2.75, 1.75, 0.75, 0.25, 1.25, 2.25, 3.25]);
  assert.deepEqual([...sil.neighbourLabel], [SIL, SIL, SIL, SIL, A, A, A, A]);
  // ignoring: a label next to an ignored region has no boundary there
  const ign = alignmentToFrameTargets(segs, 8, SNIP, V, { uncovered: 'ignore' });
  assert.deepEqual([...ign.labels], [A, A, A, A, -1, -1, -1, -1]);
  assert.deepEqual([...ign.boundaryDistance].slice(0, 4), [Infinity, Infinity, Infinity, Infinity]);
  assert.deepEqual([...ign.neighbourLabel].slice(0, 4), [A, A, A, A]);
  // '<unk>' as the fill label
  const unk = alignmentToFrameTargets(segs, 8, SNIP, V, { uncovered: { label: '<unk>' } });
  assert.equal(unk.labels[7], V.index('<unk>'));
});

test('an unfilled gap puts the boundary in its middle', () => {
  const segs = [
    { start: 0, end: 0.03, label: 'a' },
    { start: 0.05, end: 0.1, label: 'b' },
  ];
  const t = alignmentToFrameTargets(segs, 8, SNIP, V, { uncovered: 'ignore' });
  assert.deepEqual([...t.labels], [A, A, -1, -1, B, B, B, B]);
  assert.equal(t.boundaryDistance[1], 1.75); // 40 - 22.5 ms
  assert.equal(t.neighbourLabel[1], B);
  assert.equal(t.boundaryDistance[4], 1.25); // 52.5 - 40 ms
  assert.equal(t.neighbourLabel[4], A);
});

test('contiguous segments with the same label make no boundary; overlap and unknown labels are errors', () => {
  const same = alignmentToFrameTargets([{ start: 0, end: 0.05, label: 'a' }, { start: 0.05, end: 0.1, label: 'a' }], 8, SNIP, V);
  assert.ok([...same.boundaryDistance].every((d) => d === Infinity));
  assert.throws(
    () => alignmentToFrameTargets([{ start: 0, end: 0.06, label: 'a' }, { start: 0.05, end: 0.1, label: 'b' }], 8, SNIP, V, { utterance: 'u2' }),
    (e: unknown) => isHibikiError(e, 'ALIGNMENT_OVERLAP') && e.utterance === 'u2',
  );
  assert.throws(
    () => alignmentToFrameTargets([{ start: 0, end: 0.1, label: 'zz' }], 8, SNIP, V, { utterance: 'u3' }),
    (e: unknown) => isHibikiError(e, 'UNKNOWN_LABEL') && e.utterance === 'u3' && e.found === 'zz',
  );
  const mapped = alignmentToFrameTargets([{ start: 0, end: 0.1, label: 'zz' }], 8, SNIP, V.withUnkPolicy('map'));
  assert.ok([...mapped.labels].every((l) => l === V.index('<unk>')));
  assert.throws(() => alignmentToFrameTargets(ABC, 8, { lengthSec: 0.025, shiftSec: 0, snipEdges: true }, V), (e: unknown) => isHibikiError(e, 'BAD_FRAME_GEOMETRY'));
});

test('segments given out of order give the same targets', () => {
  const a = alignmentToFrameTargets(ABC, 8, SNIP, V);
  const b = alignmentToFrameTargets([...ABC].reverse(), 8, SNIP, V);
  assert.deepEqual(b, a);
});

test('event targets: multi-label overlap, merging, per-class distances (hand-checked)', () => {
  const ev = Vocabulary.fromLabels(['dog', 'car', 'bird']);
  const events = [
    { onset: 0.02, offset: 0.06, label: 'dog' },
    { onset: 0.04, offset: 0.1, label: 'car' },
    { onset: 0.05, offset: 0.08, label: 'dog' }, // overlaps the first dog: dog active [20, 80) ms
  ];
  const t = eventsToFrameTargets(events, 8, SNIP, ev);
  assert.equal(t.frames, 8);
  assert.equal(t.classes, 3);
  const col = (k: number, a: ArrayLike<number>): number[] => Array.from({ length: 8 }, (_, i) => a[i * 3 + k] as number);
  assert.deepEqual(col(0, t.active), [0, 1, 1, 1, 1, 1, 1, 0]);
  assert.deepEqual(col(1, t.active), [0, 0, 0, 1, 1, 1, 1, 1]);
  assert.deepEqual(col(2, t.active), [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(col(0, t.boundaryDistance), [0.75, 0.25, 1.25, 2.25, 2.75, 1.75, 0.75, 0.25]);
  assert.deepEqual(col(1, t.boundaryDistance), [2.75, 1.75, 0.75, 0.25, 1.25, 2.25, 2.75, 1.75]);
  assert.ok(col(2, t.boundaryDistance).every((d) => d === Infinity));
});

test('event targets: touching events merge, onset at a centre is active, errors', () => {
  const ev = Vocabulary.fromLabels(['dog']);
  const t = eventsToFrameTargets([{ onset: 0.0225, offset: 0.04, label: 'dog' }, { onset: 0.04, offset: 0.0625, label: 'dog' }], 8, SNIP, ev);
  assert.deepEqual([...t.active], [0, 1, 1, 1, 1, 0, 0, 0]); // offset 62.5 = frame 5's centre: inactive (half-open)
  assert.deepEqual([...t.boundaryDistance], [1, 0, 1, 2, 1, 0, 1, 2]);
  assert.throws(() => eventsToFrameTargets([{ onset: 0.1, offset: 0.1, label: 'dog' }], 8, SNIP, ev), (e: unknown) => isHibikiError(e, 'BAD_TIMES'));
  assert.throws(() => eventsToFrameTargets([{ onset: 0, offset: 0.1, label: 'cat' }], 8, SNIP, ev, 'clip7'), (e: unknown) => isHibikiError(e, 'UNKNOWN_LABEL') && e.utterance === 'clip7');
  assert.equal(eventsToFrameTargets([], 0, SNIP, ev).active.length, 0);
});

test('snip-edges false: a last centre exactly at the end of the alignment takes the last label', () => {
  // 95 ms: round(95 / 10) = floor((95 + 5) / 10) = 10 frames; frame 9 is centred on 95 ms, the end
  assert.equal(numFramesForDuration(0.095, NOSNIP), 10);
  const t = alignmentToFrameTargets([{ start: 0, end: 0.05, label: 'a' }, { start: 0.05, end: 0.095, label: 'b' }], 10, NOSNIP, V);
  assert.equal(t.labels[9], B);
  assert.equal(t.boundaryDistance[9], 4.5);
  // one frame further is past the end: uncovered
  assert.throws(() => alignmentToFrameTargets([{ start: 0, end: 0.095, label: 'a' }], 11, NOSNIP, V), (e: unknown) => isHibikiError(e, 'UNCOVERED_FRAME'));
});

test('frame counts equal torchaudio Kaldi fbank (golden, test/golden/data-frames)', () => {
  const golden = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'golden', 'data-frames', 'frame-counts.json'), 'utf8')) as {
    cases: { numSamples: number; sampleRate: number; lengthMs: number; shiftMs: number; snipEdges: boolean; frames: number }[];
  };
  assert.ok(golden.cases.length > 150);
  for (const c of golden.cases) {
    const g: FrameGeometry = { lengthSec: c.lengthMs / 1000, shiftSec: c.shiftMs / 1000, snipEdges: c.snipEdges };
    assert.equal(numFramesForSamples(c.numSamples, c.sampleRate, g), c.frames, JSON.stringify(c));
  }
});

test('data-directory glue: targets by utterance id', () => {
  const data = {
    wavScp: new Map([
      ['u1', '/a.wav'],
      ['u2', '/b.wav'],
    ]),
    alignment: new Map([['u1', ABC]]),
    events: new Map([['u1', [{ onset: 0.02, offset: 0.05, label: 'a' }]]]),
  };
  const ali = alignmentTargetsOf(data, V, SNIP);
  assert.deepEqual([...ali('u1', 8).labels], [A, A, A, B, B, B, B, C]);
  assert.throws(() => ali('u2', 8), (e: unknown) => isHibikiError(e, 'NO_ALIGNMENT') && e.utterance === 'u2');
  const ev = eventTargetsOf(data, V, SNIP);
  assert.deepEqual(Array.from({ length: 8 }, (_, i) => ev('u1', 8).active[i * V.size]), [0, 1, 1, 1, 0, 0, 0, 0]); // centres 22.5, 32.5, 42.5 ms in [20, 50)
  assert.ok(ev('u2', 8).active.every((x) => x === 0));
});
