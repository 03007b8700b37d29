import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { buildLoss, resolveLossConfig, type LossExtras } from '../../../src/nn/losses/index.js';
import { isHibikiError } from '../../../src/errors.js';
import { Rng } from '../../../src/util/rng.js';

await tf.setBackend('cpu');

interface GoldenCase {
  name: string;
  config: Record<string, unknown>;
  logits: number[][];
  targets: number[] | number[][];
  mask: number[];
  loss: number;
  grad: number[][];
  prior?: number[];
  boundaryDistance?: number[];
  neighbourLabel?: number[];
}
const golden = JSON.parse(readFileSync(new URL('../../golden/losses/golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };

function runCase(c: GoldenCase, logits: number[][] = c.logits): { loss: number; grad: number[][] } {
  const cfg = resolveLossConfig(c.config);
  const k = c.logits[0]!.length;
  const fn = buildLoss(cfg, { numClasses: k, ...(c.prior ? { prior: c.prior } : {}) });
  const x = tf.tensor2d(logits);
  const targets = cfg.smoothing === 'binary' ? tf.tensor2d(c.targets as number[][]) : tf.tensor1d(c.targets as number[], 'int32');
  const extras: LossExtras = { mask: tf.tensor1d(c.mask) };
  if (c.boundaryDistance) extras.boundaryDistance = tf.tensor1d(c.boundaryDistance);
  if (c.neighbourLabel) extras.neighbourLabel = tf.tensor1d(c.neighbourLabel, 'int32');
  const value = fn(x, targets, extras);
  const g = tf.grad((l: tf.Tensor) => fn(l as tf.Tensor2D, targets, extras))(x);
  const out = { loss: value.dataSync()[0]!, grad: g.arraySync() as number[][] };
  tf.dispose([x, targets, value, g, ...Object.values(extras)]);
  return out;
}

test('losses match torch golden values and gradients (CrossEntropyLoss label_smoothing, soft targets, BCE)', () => {
  assert.ok(golden.cases.length >= 10);
  for (const c of golden.cases) {
    const { loss, grad } = runCase(c);
    assert.ok(Math.abs(loss - c.loss) < 1e-5 * Math.max(1, Math.abs(c.loss)), `${c.name}: loss ${loss} vs torch ${c.loss}`);
    let maxErr = 0;
    for (let i = 0; i < grad.length; i++) for (let j = 0; j < grad[i]!.length; j++) maxErr = Math.max(maxErr, Math.abs(grad[i]![j]! - c.grad[i]![j]!));
    assert.ok(maxErr < 2e-6, `${c.name}: max grad error ${maxErr}`);
  }
});

test('padded frames with garbage (NaN, Inf, huge) logits change neither loss nor gradients', () => {
  for (const c of golden.cases.filter((g) => g.mask.includes(0))) {
    const base = runCase(c);
    const garbage = c.logits.map((row, i) => (c.mask[i] === 0 ? row.map((_, j) => [NaN, Infinity, -1e30, 7][j % 4]!) : row));
    const dirty = runCase(c, garbage);
    assert.equal(dirty.loss, base.loss, c.name);
    assert.deepEqual(dirty.grad, base.grad, c.name);
    c.mask.forEach((m, i) => {
      if (m === 0) assert.ok(dirty.grad[i]!.every((v) => v === 0), `${c.name}: padded row ${i} has gradient`);
    });
  }
});

/** float64 reference of the softmax family, written from the formulas, for finite differences. */
function refSoftmaxLoss(logits: number[][], q: number[][], mask: number[], beta: number): number {
  let total = 0;
  let count = 0;
  logits.forEach((row, i) => {
    if (mask[i] === 0) return;
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    const logp = row.map((v) => v - lse);
    let ce = 0;
    let h = 0;
    logp.forEach((lp, k) => {
      ce -= q[i]![k]! * lp;
      h -= Math.exp(lp) * lp;
    });
    total += ce - beta * h;
    count++;
  });
  return count === 0 ? 0 : total / count;
}

test('gradients agree with float64 central finite differences (uniform others + confidence penalty, boundary)', () => {
  const rng = new Rng(7);
  const n = 6;
  const k = 5;
  const logits = Array.from({ length: n }, () => Array.from({ length: k }, () => rng.normal() * 1.5));
  const targets = [0, 3, 2, 4, 1, 1];
  const mask = [1, 1, 1, 1, 1, 0];
  const dist = [0.5, 1.5, 2.5, 0.5, 9, 0.5];
  const neigh = [1, 2, 2, 0, 1, 3];
  const eps = 0.2;
  const beta = 0.25;
  const width = 3;
  const cases: { cfg: Record<string, unknown>; q: number[][]; beta: number }[] = [
    {
      cfg: { smoothing: 'uniform', epsilon: eps, spread: 'others', confidencePenalty: beta },
      q: targets.map((t) => Array.from({ length: k }, (_, j) => (j === t ? 1 - eps : eps / (k - 1)))),
      beta,
    },
    {
      cfg: { smoothing: 'boundary', epsilon: eps, boundaryWidth: width },
      q: targets.map((t, i) => {
        const e = eps * Math.max(0, 1 - dist[i]! / width);
        return Array.from({ length: k }, (_, j) => (j === t ? 1 - e : 0) + (j === neigh[i] ? e : 0));
      }),
      beta: 0,
    },
  ];
  for (const c of cases) {
    const fn = buildLoss(resolveLossConfig(c.cfg), { numClasses: k });
    const extras: LossExtras = { mask: tf.tensor1d(mask), boundaryDistance: tf.tensor1d(dist), neighbourLabel: tf.tensor1d(neigh, 'int32') };
    const t = tf.tensor1d(targets, 'int32');
    const x = tf.tensor2d(logits);
    const loss = fn(x, t, extras).dataSync()[0]!;
    const grad = tf.grad((l: tf.Tensor) => fn(l as tf.Tensor2D, t, extras))(x).arraySync() as number[][];
    assert.ok(Math.abs(loss - refSoftmaxLoss(logits, c.q, mask, c.beta)) < 1e-5, `loss vs hand formula ${JSON.stringify(c.cfg)}`);
    const h = 1e-5;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        const plus = logits.map((r) => [...r]);
        const minus = logits.map((r) => [...r]);
        plus[i]![j]! += h;
        minus[i]![j]! -= h;
        const fd = (refSoftmaxLoss(plus, c.q, mask, c.beta) - refSoftmaxLoss(minus, c.q, mask, c.beta)) / (2 * h);
        assert.ok(Math.abs(fd - grad[i]![j]!) < 1e-5, `${JSON.stringify(c.cfg)} d/dx[${i}][${j}]: fd ${fd} vs ${grad[i]![j]}`);
      }
    }
  }
});

test('hand-computed: uniform smoothing of a confident correct frame, and K=2 binary smoothing', () => {
  // logits [0, ln 3] -> p = [1/4, 3/4]; target 1, eps 0.2 (all): q = [0.1, 0.9].
  const fn = buildLoss(resolveLossConfig({ smoothing: 'uniform', epsilon: 0.2 }), { numClasses: 2 });
  const v = fn(tf.tensor2d([[0, Math.log(3)]]), tf.tensor1d([1], 'int32')).dataSync()[0]!;
  assert.ok(Math.abs(v - (-0.1 * Math.log(0.25) - 0.9 * Math.log(0.75))) < 1e-6);
  // binary: logit 0 -> p = 0.5, any target gives ln 2.
  const b = buildLoss(resolveLossConfig({ smoothing: 'binary', epsilon: 0.3 }), { numClasses: 2 });
  const bv = b(tf.tensor2d([[0, 0]]), tf.tensor2d([[1, 0]])).dataSync()[0]!;
  assert.ok(Math.abs(bv - Math.LN2) < 1e-6);
  // all frames masked: loss 0, not NaN.
  const z = fn(tf.tensor2d([[1, 2]]), tf.tensor1d([0], 'int32'), { mask: tf.tensor1d([0]) }).dataSync()[0]!;
  assert.equal(z, 0);
});

test('bad configs and inputs raise HibikiError with stable codes', () => {
  assert.throws(() => resolveLossConfig({ smoothing: 'gaussian' }), (e) => isHibikiError(e, 'LOSS_CONFIG_INVALID'));
  assert.throws(() => resolveLossConfig({ epsilon: 1.5 }), (e) => isHibikiError(e, 'LOSS_CONFIG_INVALID'));
  assert.throws(() => resolveLossConfig({ smoothing: 'binary', confidencePenalty: 0.1 }), (e) => isHibikiError(e, 'LOSS_CONFIG_INVALID'));
  assert.throws(() => buildLoss(resolveLossConfig({ smoothing: 'unigram' }), { numClasses: 3 }), (e) => isHibikiError(e, 'LOSS_PRIOR_MISSING'));
  assert.throws(() => buildLoss(resolveLossConfig({ smoothing: 'unigram' }), { numClasses: 3, prior: [1, 2] }), (e) => isHibikiError(e, 'LOSS_PRIOR_INVALID'));
  const fn = buildLoss(resolveLossConfig({ smoothing: 'boundary' }), { numClasses: 3 });
  assert.throws(() => fn(tf.zeros([2, 3]), tf.tensor1d([0, 1], 'int32')), (e) => isHibikiError(e, 'LOSS_MISSING_INPUT'));
  assert.throws(() => fn(tf.zeros([2, 4]), tf.tensor1d([0, 1], 'int32')), (e) => isHibikiError(e, 'LOSS_SHAPE_MISMATCH'));
  const d = resolveLossConfig(undefined);
  assert.deepEqual(d, { smoothing: 'none', epsilon: 0.1, spread: 'all', boundaryWidth: 3, boundaryTarget: 'neighbour', confidencePenalty: 0 });
});
