// Frame metrics against values computed independently with torch/numpy by
// test/golden/eval/make_golden.py (header there says how to regenerate frame-metrics.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { evaluateFramePosteriors, multiLabelMetrics, topLabelCalibration } from '../../../src/eval/index.js';

interface Golden {
  frame: { numClasses: number; posteriors: number[]; targets: number[]; mask: number[]; expected: { fer: number; nll: number; brier: number; ece15: number; binCounts15: number[]; eceEqualMass10: number; confusion: number[][] } };
  multilabel: { numClasses: number; posteriors: number[]; targets: number[]; expected: { tp: number[]; fp: number[]; fn: number[]; f1: number[]; microF1: number; macroF1: number } };
}
const g = JSON.parse(readFileSync('test/golden/eval/frame-metrics.json', 'utf8')) as Golden;
const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);

test('frame metrics equal torch/numpy: FER, NLL, Brier, ECE (15 bins and equal-mass), confusion', () => {
  const input = { posteriors: Float32Array.from(g.frame.posteriors), targets: Int32Array.from(g.frame.targets), numClasses: g.frame.numClasses, mask: Uint8Array.from(g.frame.mask) };
  const rec = evaluateFramePosteriors(input).frame!;
  const e = g.frame.expected;
  close(rec.fer, e.fer);
  close(rec.nll, e.nll, 1e-10);
  close(rec.brier, e.brier, 1e-10);
  close(rec.ece, e.ece15, 1e-10);
  assert.deepEqual(rec.reliability.map((b) => b.count), e.binCounts15);
  assert.deepEqual(rec.confusion, e.confusion);
  close(topLabelCalibration(input, 10, 'equal-mass').ece, e.eceEqualMass10, 1e-10);
});

test('multi-label counts and F1 equal numpy', () => {
  const m = multiLabelMetrics({ posteriors: Float32Array.from(g.multilabel.posteriors), targets: Uint8Array.from(g.multilabel.targets), numClasses: g.multilabel.numClasses });
  const e = g.multilabel.expected;
  assert.deepEqual(m.perClass.map((c) => c.tp), e.tp);
  assert.deepEqual(m.perClass.map((c) => c.fp), e.fp);
  assert.deepEqual(m.perClass.map((c) => c.fn), e.fn);
  m.perClass.forEach((c, i) => close(c.f1, e.f1[i]!));
  close(m.micro.f1, e.microF1);
  close(m.macro.f1, e.macroF1);
});
