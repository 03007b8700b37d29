// Hand-computed cases for every frame metric (values worked out on paper in the comments).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  brierScore,
  calibrationFromPairs,
  confusionMatrix,
  evaluateFramePosteriors,
  evaluateMultiLabel,
  frameErrorRates,
  multiLabelMetrics,
  negativeLogLikelihood,
  readEvaluation,
  topLabelCalibration,
  type FramePosteriors,
} from '../../../src/eval/index.js';
import { isHibikiError } from '../../../src/errors.js';

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);

// 4 counted frames, K = 3, plus a masked frame and a frame with target -1 that must not count.
//  t  posteriors          target  argmax  conf  correct
//  0  .70 .20 .10          0       0      .70   yes
//  1  .10 .62 .28          2       1      .62   no
//  2  .19 .19 .62          2       2      .62   yes
//  3  .48 .42 .10          1       0      .48   no
//  4  0 1 0 (masked)       0
//  5  0 1 0                -1
const input: FramePosteriors = {
  posteriors: Float64Array.from([0.7, 0.2, 0.1, 0.1, 0.62, 0.28, 0.19, 0.19, 0.62, 0.48, 0.42, 0.1, 0, 1, 0, 0, 1, 0]),
  targets: Int32Array.from([0, 2, 2, 1, 0, -1]),
  numClasses: 3,
  mask: Uint8Array.from([1, 1, 1, 1, 0, 1]),
};

test('confusion matrix and frame error rates', () => {
  const m = confusionMatrix(input);
  assert.deepEqual(m, [
    [1, 0, 0],
    [1, 0, 0],
    [0, 1, 1],
  ]);
  const r = frameErrorRates(m);
  assert.equal(r.frames, 4);
  assert.equal(r.fer, 0.5);
  assert.deepEqual(r.perClass.map((c) => [c.count, c.errors, c.fer]), [
    [1, 0, 0],
    [1, 1, 1],
    [2, 1, 0.5],
  ]);
  // class 0 predicted twice (frames 0, 3), class 1 once (frame 1), class 2 once (frame 2)
  assert.deepEqual(r.perClass.map((c) => c.precision), [0.5, 0, 1]);
  assert.deepEqual(r.perClass.map((c) => c.f1), [2 / 3, 0, 2 / 3]);
});

test('NLL = -(ln .7 + ln .28 + ln .62 + ln .42) / 4', () => {
  close(negativeLogLikelihood(input), -(Math.log(0.7) + Math.log(0.28) + Math.log(0.62) + Math.log(0.42)) / 4);
});

test('Brier = (.14 + .9128 + .2166 + .5768) / 4 = .46155', () => {
  close(brierScore(input), 0.46155);
});

test('top-label ECE, 15 equal-width bins: .25*.3 + .5*.12 + .25*.48 = .255', () => {
  const c = topLabelCalibration(input);
  close(c.ece, 0.255);
  close(c.mce, 0.48);
  assert.equal(c.bins.length, 15);
  // conf .7 -> bin ceil(10.5)-1 = 10; .62 -> bin 9 (two frames, one right); .48 -> bin 7
  assert.deepEqual(c.bins.map((b) => b.count), [0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 1, 0, 0, 0, 0]);
  close(c.bins[9]!.confidence, 0.62);
  assert.equal(c.bins[9]!.accuracy, 0.5);
  close(c.bins[9]!.lo, 9 / 15);
  close(c.bins[9]!.hi, 10 / 15);
  assert.ok(Number.isNaN(c.bins[0]!.accuracy));
});

test('top-label ECE, 2 equal-mass bins: {.48 no, .62 no} and {.62 yes, .7 yes} -> .5*.55 + .5*.34 = .445', () => {
  const c = topLabelCalibration(input, 2, 'equal-mass');
  close(c.ece, 0.445);
  assert.deepEqual(c.bins.map((b) => [b.count, b.accuracy]), [
    [2, 0],
    [2, 1],
  ]);
  close(c.bins[0]!.lo, 0.48);
  close(c.bins[1]!.hi, 0.7);
});

test('calibration edge: confidence exactly 1 goes to the last bin, 0 to the first', () => {
  const c = calibrationFromPairs([0, 1], [0, 1], 10);
  assert.equal(c.bins[0]!.count, 1);
  assert.equal(c.bins[9]!.count, 1);
  assert.equal(c.ece, 0);
});

test('multi-label P/R/F1 at 0.5, micro/macro, per-class ECE', () => {
  // p = [[.9,.22],[.61,.7],[.3,.42],[.1,.83]], y = [[1,0],[0,1],[1,0],[0,0]]
  // class 0: pred 1 1 0 0 vs y 1 0 1 0 -> tp1 fp1 fn1 -> P .5 R .5 F .5
  // class 1: pred 0 1 0 1 vs y 0 1 0 0 -> tp1 fp1 fn0 -> P .5 R 1 F 2/3
  // micro: tp2 fp2 fn1 -> P .5 R 2/3 F 4/7; macro: P .5, R .75, F 7/12
  // ECE (one item per bin): class 0 (.1 + .61 + .7 + .1)/4 = .3775; class 1 (.22 + .3 + .42 + .83)/4 = .4425
  const m = multiLabelMetrics({
    posteriors: Float64Array.from([0.9, 0.22, 0.61, 0.7, 0.3, 0.42, 0.1, 0.83]),
    targets: Uint8Array.from([1, 0, 0, 1, 1, 0, 0, 0]),
    numClasses: 2,
  });
  assert.deepEqual(m.perClass.map((c) => [c.tp, c.fp, c.fn, c.tn]), [
    [1, 1, 1, 1],
    [1, 1, 0, 2],
  ]);
  close(m.perClass[0]!.f1, 0.5);
  close(m.perClass[1]!.f1, 2 / 3);
  close(m.micro.f1, 4 / 7);
  close(m.macro.recall, 0.75);
  close(m.macro.f1, 7 / 12);
  close(m.perClass[0]!.ece, 0.3775);
  close(m.perClass[1]!.ece, 0.4425);
  // per-class thresholds: class 1 at .75 keeps only frame 3 (.83, y=0) -> tp0 fp1 fn1
  const m2 = multiLabelMetrics({ posteriors: Float64Array.from([0.9, 0.22, 0.61, 0.7, 0.3, 0.42, 0.1, 0.83]), targets: Uint8Array.from([1, 0, 0, 1, 1, 0, 0, 0]), numClasses: 2 }, [0.5, 0.75]);
  assert.deepEqual([m2.perClass[1]!.tp, m2.perClass[1]!.fp, m2.perClass[1]!.fn], [0, 1, 1]);
});

test('multi-label: masked frames do not count', () => {
  // frame 1 (masked) would be a false positive of class 0 and would add a bin to its calibration
  const m = multiLabelMetrics({ posteriors: Float64Array.from([0.9, 0.1, 0.8, 0.1]), targets: Uint8Array.from([1, 0, 0, 0]), numClasses: 2, mask: Uint8Array.from([1, 0]) });
  assert.equal(m.frames, 1);
  assert.deepEqual([m.perClass[0]!.tp, m.perClass[0]!.fp], [1, 0]);
  close(m.perClass[0]!.ece, 0.1);
  assert.ok(Number.isNaN(m.perClass[1]!.precision) && Number.isNaN(m.perClass[1]!.recall));
  assert.ok(Number.isNaN(m.macro.recall) === false);
});

test('evaluateFramePosteriors writes metrics.json with NaN as null, readable back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-eval-'));
  const rec = evaluateFramePosteriors(input, { labels: ['sil', 'a', 'b'], outDir: dir, set: 'dev' });
  close(rec.frame!.fer, 0.5);
  const text = readFileSync(join(dir, 'metrics.json'), 'utf8');
  assert.match(text, /"confidence": null/);
  const back = readEvaluation(join(dir, 'metrics.json'));
  assert.equal(back.set, 'dev');
  assert.deepEqual(back.labels, ['sil', 'a', 'b']);
  close(back.frame!.ece, 0.255);
  close(back.frame!.brier, 0.46155);
  assert.deepEqual(back.frame!.confusion, rec.frame!.confusion);
  const ml = evaluateMultiLabel({ posteriors: Float32Array.from([0.9, 0.1]), targets: Uint8Array.from([1, 0]), numClasses: 2 }, { outDir: dir });
  assert.equal(ml.multilabel!.perClass[1]!.precision, NaN);
  assert.equal(readEvaluation(join(dir, 'metrics.json')).multilabel!.perClass[1]!.precision, null);
});

test('bad shapes and targets raise HibikiError with stable codes', () => {
  assert.throws(() => confusionMatrix({ posteriors: new Float32Array(5), targets: Int32Array.from([0, 1]), numClasses: 3 }), (e) => isHibikiError(e, 'EVAL_SHAPE'));
  assert.throws(() => confusionMatrix({ posteriors: new Float32Array(6), targets: Int32Array.from([0, 3]), numClasses: 3 }), (e) => isHibikiError(e, 'EVAL_TARGET_RANGE'));
  assert.throws(() => evaluateFramePosteriors(input, { labels: ['x'] }), (e) => isHibikiError(e, 'EVAL_SHAPE'));
});
