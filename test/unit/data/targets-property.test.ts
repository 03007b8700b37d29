import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { alignmentToFrameTargets } from '../../../src/data/targets/alignment.js';
import { eventsToFrameTargets } from '../../../src/data/targets/events.js';
import { numFramesForDuration, type FrameGeometry } from '../../../src/data/targets/geometry.js';
import { Vocabulary } from '../../../src/data/vocab/vocabulary.js';

const V = Vocabulary.fromLabels(['a', 'b', 'c']);

const geometry = fc.record({
  lengthMs: fc.constantFrom(20, 25, 30, 32),
  shiftMs: fc.constantFrom(5, 10, 12),
  snipEdges: fc.boolean(),
});

/** Contiguous segments from 0, integer-millisecond durations. */
const alignment = fc.array(fc.record({ ms: fc.integer({ min: 1, max: 60 }), label: fc.constantFrom('a', 'b', 'c') }), { minLength: 1, maxLength: 12 });

test('alignment targets equal a brute-force reading of the rules (random alignments and geometries)', () => {
  fc.assert(
    fc.property(alignment, geometry, (parts, g) => {
      const frame: FrameGeometry = { lengthSec: g.lengthMs / 1000, shiftSec: g.shiftMs / 1000, snipEdges: g.snipEdges };
      let t = 0;
      const segs = parts.map((p) => {
        const s = { start: t / 1000, end: (t + p.ms) / 1000, label: p.label, s: t, e: t + p.ms };
        t += p.ms;
        return s;
      });
      const n = numFramesForDuration(t / 1000, frame);
      const got = alignmentToFrameTargets(segs, n, frame, V);
      // boundaries in ms: where consecutive labels differ
      const bounds: { at: number; left: string; right: string }[] = [];
      for (let k = 1; k < segs.length; k++) {
        const prev = segs[k - 1]!;
        const cur = segs[k]!;
        if (prev.label !== cur.label) bounds.push({ at: cur.s, left: prev.label, right: cur.label });
      }
      for (let i = 0; i < n; i++) {
        const c = g.snipEdges ? i * g.shiftMs + g.lengthMs / 2 : i * g.shiftMs + g.shiftMs / 2;
        // half-open segments, except that the end of the last one is closed
        const own = segs.find((s) => s.s <= c && c < s.e) ?? (c === t ? segs[segs.length - 1]! : assert.fail(`frame ${i} uncovered`));
        assert.equal(got.labels[i], V.index(own.label));
        let best: { d: number; label: string } | undefined;
        for (const b of bounds) {
          const d = Math.abs(c - b.at);
          if (best === undefined || d < best.d) best = { d, label: b.at <= c ? b.left : b.right };
        }
        if (best === undefined) {
          assert.equal(got.boundaryDistance[i], Infinity);
          assert.equal(got.neighbourLabel[i], got.labels[i]);
        } else {
          assert.equal(got.boundaryDistance[i], Math.fround(best.d / g.shiftMs));
          assert.equal(got.neighbourLabel[i], V.index(best.label));
        }
      }
    }),
    { numRuns: 300, seed: 20261130 },
  );
});

test('event targets equal a brute-force reading: active iff some event covers the centre', () => {
  const event = fc.record({ on: fc.integer({ min: 0, max: 200 }), len: fc.integer({ min: 1, max: 80 }), label: fc.constantFrom('a', 'b', 'c') });
  fc.assert(
    fc.property(fc.array(event, { maxLength: 8 }), geometry, (evs, g) => {
      const frame: FrameGeometry = { lengthSec: g.lengthMs / 1000, shiftSec: g.shiftMs / 1000, snipEdges: g.snipEdges };
      const n = numFramesForDuration(0.3, frame);
      const got = eventsToFrameTargets(evs.map((e) => ({ onset: e.on / 1000, offset: (e.on + e.len) / 1000, label: e.label })), n, frame, V);
      for (let i = 0; i < n; i++) {
        const c = g.snipEdges ? i * g.shiftMs + g.lengthMs / 2 : i * g.shiftMs + g.shiftMs / 2;
        for (let k = 0; k < 3; k++) {
          const mine = evs.filter((e) => V.index(e.label) === k);
          const active = mine.some((e) => e.on <= c && c < e.on + e.len);
          assert.equal(got.active[i * 3 + k], active ? 1 : 0);
          // distance to the nearest edge of the class's activity (edges inside the union are not edges)
          const covered = (t: number): boolean => mine.some((e) => e.on <= t && t < e.on + e.len);
          const edges = mine.flatMap((e) => [e.on, e.on + e.len]).filter((t) => covered(t - 1e-6) !== covered(t));
          const d = edges.length === 0 ? Infinity : Math.min(...edges.map((t) => Math.abs(c - t))) / g.shiftMs;
          assert.equal(got.boundaryDistance[i * 3 + k], Math.fround(d));
        }
      }
    }),
    { numRuns: 300, seed: 7 },
  );
});
