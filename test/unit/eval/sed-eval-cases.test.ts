// Every case of sed_eval 0.2.1's own unit tests (tests/test_sound_event.py), with the values those
// tests assert. Event lists are copied from sed_eval into test/fixtures/sed_eval (MIT, LICENSE there).
// sed_eval's assert_almost_equals compares to 7 decimal places; constants given in full are
// checked to 1e-12.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  EventBasedMetrics,
  SegmentBasedMetrics,
  eventsOfFile,
  readEventList,
  uniqueLabels,
  type EventItem,
  type EventList,
} from '../../../src/eval/index.js';

const FIX = join('test', 'fixtures', 'sed_eval');
const load = (name: string): EventList => readEventList(join(FIX, name));
const almost = (actual: number, expected: number, tol = 5e-8): void => {
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);
};
const ev = (file: string, onset: number, offset: number, label: string): EventItem => ({ file, onset, offset, label });

/** Evaluates per file named by the reference, as sed_eval's tests filter by filename. */
function perFile(metrics: { evaluate(r: EventItem[], e: EventItem[], len?: number): unknown }, ref: EventList, est: EventList, length?: number): void {
  for (const f of ref.files) metrics.evaluate(eventsOfFile(ref.events, f), eventsOfFile(est.events, f), length);
}

test('sed_eval test_dcase_style: street_fold1 segment-based accuracy and ER, default and 1200 s length', () => {
  const ref = load('street_fold1_reference.txt');
  const est = load('street_fold1_detected.txt');
  const labels = uniqueLabels(ref.events);
  const m = new SegmentBasedMetrics(labels, { timeResolution: 1.0 });
  perFile(m, ref, est);
  const r = m.results();
  almost(r.overall.accuracy!.accuracy, 0.84244791666);
  almost(r.overall.errorRate.errorRate, 1.0616698292220115, 1e-12);
  const m2 = new SegmentBasedMetrics(labels, { timeResolution: 1.0 });
  perFile(m2, ref, est, 1200.0);
  const r2 = m2.results();
  almost(r2.overall.accuracy!.accuracy, 0.9719907407407408, 1e-12);
  almost(r2.overall.errorRate.errorRate, 1.0616698292220115, 1e-12);
  assert.equal(r2.evaluatedLength, 1200 * ref.files.length);
});

test('sed_eval test_binary: binary1+binary2 accumulated, segment-based and event-based', () => {
  const pairs = [
    ['binary1.txt', 'binary1_detected.txt'],
    ['binary2.txt', 'binary2_detected.txt'],
  ].map(([a, b]) => [load(a!), load(b!)] as const);
  const labels = uniqueLabels(pairs.flatMap(([r]) => r.events));
  assert.deepEqual(labels, ['event1']);
  const seg = new SegmentBasedMetrics(labels, { timeResolution: 1.0 });
  for (const [r, e] of pairs) seg.evaluate(r.events, e.events);
  const s = seg.results();
  almost(s.overall.accuracy!.accuracy, 0.666666666);
  assert.equal(s.overall.accuracy!.balancedAccuracy, 0.75);
  assert.equal(s.overall.accuracy!.sensitivity, 1.0);
  assert.equal(s.overall.accuracy!.specificity, 0.5);
  assert.equal(s.overall.errorRate.errorRate, 1.0);
  almost(s.overall.fMeasure.fMeasure, 0.66666666);
  const evm = new EventBasedMetrics(labels, { tCollar: 0.2 });
  for (const [r, e] of pairs) evm.evaluate(r.events, e.events);
  const e = evm.results();
  almost(e.overall.errorRate.errorRate, 0.9999999999999999);
  almost(e.overall.fMeasure.fMeasure, 0.6666666666666666);
});

test('sed_eval test_binary: binary5 evaluated file by file (files without events included)', () => {
  const ref = load('binary5.txt');
  const est = load('binary5_detected.txt');
  assert.equal(ref.files.length, 6);
  const m = new EventBasedMetrics(uniqueLabels(ref.events));
  perFile(m, ref, est);
  const r = m.results();
  assert.equal(r.evaluatedFiles, 6);
  almost(r.overall.errorRate.errorRate, 1.5);
  almost(r.overall.fMeasure.fMeasure, 0.0);
});

test('sed_eval test_audioset: identical lists, labels with commas', () => {
  const ref = load('audioset1.txt');
  const est = load('audioset1_detected.txt');
  assert.ok(ref.events.some((e) => e.label === 'Air horn, truck horn'));
  const m = new SegmentBasedMetrics(uniqueLabels(ref.events), { timeResolution: 1.0 });
  perFile(m, ref, est);
  const r = m.results();
  almost(r.overall.accuracy!.accuracy, 1.0);
  assert.equal(r.overall.accuracy!.balancedAccuracy, 1.0);
  assert.equal(r.overall.accuracy!.sensitivity, 1.0);
  assert.equal(r.overall.accuracy!.specificity, 1.0);
  assert.equal(r.overall.errorRate.errorRate, 0.0);
  assert.equal(r.overall.fMeasure.fMeasure, 1.0);
});

const carRef = [ev('b099', 0.0, 2.5, 'car'), ev('b099', 2.8, 4.5, 'car'), ev('b099', 6.0, 10.0, 'car')];

test('sed_eval test_direct_use_segment', () => {
  const m = new SegmentBasedMetrics(['car'], { timeResolution: 1.0 });
  m.evaluate(carRef, [ev('b099', 1.0, 3.5, 'car'), ev('b099', 7.0, 8.0, 'car')]);
  const r = m.results();
  almost(r.overall.accuracy!.accuracy, 0.5);
  almost(r.overall.errorRate.errorRate, 0.555555555555);
});

test('sed_eval test_direct_use_event', () => {
  const m = new EventBasedMetrics(['car'], { tCollar: 0.2 });
  m.evaluate(carRef, [ev('b099', 0.2, 3.5, 'car'), ev('b099', 6.0, 8.0, 'car')]);
  const r = m.results();
  almost(r.overall.fMeasure.fMeasure, 0.8);
  almost(r.overall.errorRate.errorRate, 0.3333333333333);
});

test('sed_eval test_event_matching: street_fold1 optimal equals greedy', () => {
  const ref = load('street_fold1_reference.txt');
  const est = load('street_fold1_detected.txt');
  const labels = uniqueLabels(ref.events);
  const opt = new EventBasedMetrics(labels, { tCollar: 0.2, matching: 'optimal' });
  const gr = new EventBasedMetrics(labels, { tCollar: 0.2, matching: 'greedy' });
  perFile(opt, ref, est);
  perFile(gr, ref, est);
  const a = opt.results();
  const b = gr.results();
  almost(a.overall.fMeasure.fMeasure, b.overall.fMeasure.fMeasure);
  almost(a.overall.errorRate.errorRate, b.overall.errorRate.errorRate);
  almost(a.classWiseAverage.errorRate.errorRate, b.classWiseAverage.errorRate.errorRate);
  assert.ok(a.overall.counts.Nref === 142 && a.overall.counts.Nsys === 218, "all events were read");
});

test('sed_eval test_event_matching: mini lists in two orders, onset only, collar 0.25', () => {
  const ref = load('mini_reference.txt');
  const run = (est: EventList, matching: 'optimal' | 'greedy') => {
    const m = new EventBasedMetrics(uniqueLabels(ref.events), { tCollar: 0.25, evaluateOffset: false, matching });
    m.evaluate(ref.events, est.events);
    return m.results();
  };
  for (const matching of ['optimal', 'greedy'] as const) {
    const a = run(load('mini_detected_a.txt'), matching);
    const b = run(load('mini_detected_b.txt'), matching);
    almost(a.overall.fMeasure.fMeasure, b.overall.fMeasure.fMeasure);
    almost(a.overall.errorRate.errorRate, b.overall.errorRate.errorRate);
    almost(a.classWiseAverage.errorRate.errorRate, b.classWiseAverage.errorRate.errorRate);
  }
});

test('sed_eval event matching: A/B orders, optimal equal everywhere, greedy BA = 0.5', () => {
  const A = [ev('', 1.0, 3.0, 'event A'), ev('', 1.5, 3.0, 'event A')];
  const sysA = [ev('', 1.25, 3.0, 'event A'), ev('', 1.75, 3.0, 'event A')];
  const B = [...A].reverse();
  const sysB = [...sysA].reverse();
  const f = (ref: EventItem[], est: EventItem[], matching: 'optimal' | 'greedy'): number => {
    const m = new EventBasedMetrics(['event A'], { tCollar: 0.25, evaluateOffset: false, matching });
    m.evaluate(ref, est);
    return m.results().overall.fMeasure.fMeasure;
  };
  const opt = [f(A, sysA, 'optimal'), f(A, sysB, 'optimal'), f(B, sysA, 'optimal'), f(B, sysB, 'optimal')];
  assert.deepEqual(opt, [1, 1, 1, 1]);
  assert.equal(f(A, sysA, 'greedy'), 1.0);
  assert.equal(f(A, sysB, 'greedy'), 1.0);
  assert.equal(f(B, sysB, 'greedy'), 1.0);
  assert.equal(f(B, sysA, 'greedy'), 0.5);
});

test('sed_eval test_empty_system_output_handling: class-wise average F 1.0 by default, 0.5 with zero score', () => {
  const ref = [ev('f1.wav', 0.3, 0.8, 'event A'), ev('f2.wav', 0.1, 0.8, 'event B')];
  const est = [ev('f1.wav', 0.2, 0.9, 'event A')];
  const labels = ['event A', 'event B'];
  const def = new EventBasedMetrics(labels, { tCollar: 0.2, percentageOfLength: 0.2 });
  const zero = new EventBasedMetrics(labels, { tCollar: 0.2, percentageOfLength: 0.2, emptySystemOutput: 'zero-score' });
  for (const f of ['f1.wav', 'f2.wav']) {
    def.evaluate(eventsOfFile(ref, f), eventsOfFile(est, f));
    zero.evaluate(eventsOfFile(ref, f), eventsOfFile(est, f));
  }
  assert.equal(def.results().classWiseAverage.fMeasure.fMeasure, 1.0);
  assert.ok(Number.isNaN(def.results().classWise[1]!.fMeasure.precision));
  assert.equal(zero.results().classWiseAverage.fMeasure.fMeasure, 0.5);
});
