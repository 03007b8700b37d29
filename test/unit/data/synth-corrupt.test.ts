import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corruptAlignment, corruptEvents, mergeShortSegments } from '../../../src/data/synth/index.js';
import type { MsEvent, MsSegment } from '../../../src/data/synth/index.js';
import { Rng } from '../../../src/util/rng.js';

function randomAlignment(rng: Rng): MsSegment[] {
  const segs: MsSegment[] = [];
  let t = 0;
  const n = 1 + rng.int(30);
  for (let i = 0; i < n; i++) {
    const d = 1 + rng.int(200);
    segs.push({ start: t, end: t + d, label: `p${i % 5}` });
    t += d;
  }
  return segs;
}

test('alignment jitter: boundaries move by at most J, order, coverage and minimum length kept', () => {
  const rng = new Rng(1);
  let moved = 0;
  for (let trial = 0; trial < 500; trial++) {
    const exact = randomAlignment(rng);
    const J = rng.int(80);
    const out = corruptAlignment(exact, rng.fork(`t${trial}`), { jitterMs: J, dropShortMs: 0, minDurationMs: 10 });
    assert.equal(out.length, exact.length);
    assert.equal(out[0]!.start, exact[0]!.start);
    assert.equal(out[out.length - 1]!.end, exact[exact.length - 1]!.end);
    out.forEach((s, i) => {
      const e = exact[i]!;
      assert.equal(s.label, e.label);
      assert.ok(Number.isInteger(s.start) && Number.isInteger(s.end));
      assert.ok(Math.abs(s.start - e.start) <= J && Math.abs(s.end - e.end) <= J, `shift > ${J}`);
      assert.ok(s.end - s.start >= Math.min(10, Math.floor((e.end - e.start) / 2)), 'too short');
      if (i > 0) assert.equal(s.start, out[i - 1]!.end);
      if (s.start !== e.start) moved++;
    });
  }
  assert.ok(moved > 1000, `only ${moved} boundaries moved`);
});

test('event jitter: onset/offset move by at most J, inside the file, onset < offset; short events dropped', () => {
  const rng = new Rng(2);
  for (let trial = 0; trial < 500; trial++) {
    const D = 10000;
    const exact: MsEvent[] = Array.from({ length: 1 + rng.int(8) }, (_, k) => {
      const on = rng.int(D - 1);
      return { onset: on, offset: Math.min(D, on + 1 + rng.int(2000)), label: `c${k % 3}` };
    }).sort((a, b) => a.onset - b.onset);
    const J = rng.int(100);
    const out = corruptEvents(exact, D, rng, { jitterMs: J, dropShortMs: 0, minDurationMs: 20 });
    assert.equal(out.length, exact.length);
    const used = new Set<number>();
    for (const o of out) {
      assert.ok(o.onset >= 0 && o.offset <= D && o.onset < o.offset);
      const k = exact.findIndex((e, i) => !used.has(i) && e.label === o.label && Math.abs(e.onset - o.onset) <= J && Math.abs(e.offset - o.offset) <= J);
      assert.ok(k >= 0, 'no exact event within J');
      used.add(k);
    }
  }
  const dropped = corruptEvents([{ onset: 0, offset: 50, label: 'a' }, { onset: 100, offset: 400, label: 'b' }], 1000, new Rng(3), { jitterMs: 0, dropShortMs: 100, minDurationMs: 20 });
  assert.deepEqual(dropped, [{ onset: 100, offset: 400, label: 'b' }]);
});

test('merging short segments: hand-checked cases', () => {
  const a: MsSegment[] = [
    { start: 0, end: 20, label: 'sil' },
    { start: 20, end: 120, label: 'a' },
    { start: 120, end: 150, label: 'n' },
    { start: 150, end: 300, label: 'i' },
    { start: 300, end: 310, label: 'i2' },
  ];
  assert.deepEqual(mergeShortSegments(a, 50), [
    { start: 0, end: 150, label: 'a' }, // sil (first) joins the next; n joins the previous
    { start: 150, end: 310, label: 'i' },
  ]);
  // neighbours that end up with the same label become one segment
  assert.deepEqual(mergeShortSegments([{ start: 0, end: 100, label: 'a' }, { start: 100, end: 110, label: 'b' }, { start: 110, end: 200, label: 'a' }], 50), [{ start: 0, end: 200, label: 'a' }]);
  assert.deepEqual(mergeShortSegments(a, 0), a);
});
