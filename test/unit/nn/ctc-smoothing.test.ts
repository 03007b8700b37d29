import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ctcLoss } from '../../../src/nn/ctc/loss.js';
import { ctcForwardBackward } from '../../../src/nn/ctc/core.js';
import { ctcPriorFromTranscripts, ctcUniformPrior } from '../../../src/nn/ctc/prior.js';
import { isHibikiError } from '../../../src/errors.js';

const near = (a: number, b: number, tol: number, msg?: string): void => assert.ok(Math.abs(a - b) <= tol, `${msg ?? ''} ${a} vs ${b}`);

test('priors: uniform, unigram with blank share and add-one (hand-computed)', () => {
  assert.deepEqual([...ctcUniformPrior(4)], [0.25, 0.25, 0.25, 0.25]);
  // counts 1:1, 2:3, 3:1, plus one each -> 2, 4, 2 of 8; labels share 0.6.
  const p = ctcPriorFromTranscripts([[1, 2, 2], [2, 3]], 4, { blankShare: 0.4 });
  [0.4, 0.15, 0.3, 0.15].forEach((v, k) => near(p[k]!, v, 1e-15));
  const q = ctcPriorFromTranscripts([[0, 1, 1]], 3, { blank: 2, blankShare: 0.5, pseudoCount: 0 });
  [0.5 / 3, 1 / 3, 0.5].forEach((v, k) => near(q[k]!, v, 1e-15));
  assert.throws(() => ctcPriorFromTranscripts([[0]], 3), (e) => isHibikiError(e, 'CTC_BAD_LABELS'));
  assert.throws(() => ctcPriorFromTranscripts([[1]], 3, { blankShare: 1 }), (e) => isHibikiError(e, 'CTC_BAD_PRIOR'));
});

test('smoothed loss and gradient, hand-computed (T=1, empty label; T=2, label [1])', () => {
  // T=1, p = [.25, .75]: CTC = -ln .25; KL(u || p) = .5 ln(.5/.25) + .5 ln(.5/.75).
  const x1 = tf.tensor3d([[[0, Math.log(3)]]]);
  const f1 = (v: tf.Tensor): tf.Tensor => ctcLoss(v as tf.Tensor3D, [[]], { reduction: 'none', smoothing: { epsilon: 0.1, prior: [0.5, 0.5] } });
  const kl1 = 0.5 * Math.log(2) + 0.5 * Math.log(2 / 3);
  near(f1(x1).dataSync()[0]!, Math.log(4) + 0.1 * kl1, 1e-6);
  // d/dx = (p - occupancy) + eps (p - prior) = ([.25,.75] - [1,0]) + .1 ([.25,.75] - [.5,.5])
  const g1 = tf.grad((v: tf.Tensor) => tf.sum(f1(v)))(x1).dataSync();
  near(g1[0]!, -0.775, 1e-6);
  near(g1[1]!, 0.775, 1e-6);

  // T=2, C=2, label [1], p_t = [b_t, a_t]: P = a0 a1 + a0 b1 + b0 a1.
  const probs = [[0.3, 0.7], [0.6, 0.4]];
  const x2 = tf.tensor3d([probs.map((r) => r.map(Math.log))]);
  const prior = [0.8, 0.2];
  const [b0, a0] = probs[0]!;
  const [b1, a1] = probs[1]!;
  const P = a0! * a1! + a0! * b1! + b0! * a1!;
  const kl = (p: number[]): number => prior[0]! * Math.log(prior[0]! / p[0]!) + prior[1]! * Math.log(prior[1]! / p[1]!);
  const want = -Math.log(P) + 0.5 * ((kl(probs[0]!) + kl(probs[1]!)) / 2);
  const f2 = (v: tf.Tensor): tf.Tensor => ctcLoss(v as tf.Tensor3D, [[1]], { reduction: 'sum', smoothing: { epsilon: 0.5, prior } });
  near(f2(x2).dataSync()[0]!, want, 1e-6);
  // Occupancy of 'a' at frame 0: (a0 a1 + a0 b1) / P; the KL term adds eps/T (p - prior) per frame.
  const occA0 = (a0! * a1! + a0! * b1!) / P;
  const g2 = tf.grad((v: tf.Tensor) => f2(v))(x2).dataSync();
  near(g2[1]!, a0! - occA0 + (0.5 / 2) * (a0! - prior[1]!), 1e-6);
  near(g2[0]!, b0! - (1 - occA0) + (0.5 / 2) * (b0! - prior[0]!), 1e-6);
});

test('reductions with smoothing: mean = mean_b(ctc_b / L_b) + eps * mean_b KL_b; sum and none agree', () => {
  const B = 3;
  const T = 7;
  const C = 4;
  const x = tf.randomNormal([B, T, C], 0, 1.5, 'float32', 9) as tf.Tensor3D;
  const labels = [[1, 2], [3], [2, 2, 1]];
  const inputLengths = [7, 4, 6];
  const prior = ctcPriorFromTranscripts(labels, C, { blankShare: 0.6 });
  const smoothing = { epsilon: 0.3, prior };
  const plain = ctcLoss(x, labels, { inputLengths, reduction: 'none' }).dataSync();
  const none = ctcLoss(x, labels, { inputLengths, reduction: 'none', smoothing }).dataSync();
  const r = ctcForwardBackward({ logits: x.dataSync() as Float32Array, batch: B, frames: T, classes: C, layout: 'BTC', labels, inputLengths, blank: 0 }, { priorTerm: { prior, weights: [1, 1, 1] } });
  for (let b = 0; b < B; b++) near(none[b]!, plain[b]! + 0.3 * r.priorKl[b]!, 1e-5);
  const mean = ctcLoss(x, labels, { inputLengths, reduction: 'mean', smoothing }).dataSync()[0]!;
  const wantMean = [0, 1, 2].reduce((s, b) => s + plain[b]! / labels[b]!.length / B + (0.3 * r.priorKl[b]!) / B, 0);
  near(mean, wantMean, 1e-5);
  near(ctcLoss(x, labels, { inputLengths, reduction: 'sum', smoothing }).dataSync()[0]!, none[0]! + none[1]! + none[2]!, 1e-4);
});

test('gradient of the smoothed loss equals finite differences (float64 core)', () => {
  const B = 2;
  const T = 6;
  const C = 4;
  let s = 12345;
  const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 2;
  const x = Float64Array.from({ length: B * T * C }, rnd);
  const labels = [[1, 3, 3], [2]];
  const inputLengths = [6, 5];
  const prior = ctcPriorFromTranscripts(labels, C, { blankShare: 0.3 });
  const gw = [0.7, 1.3];
  const kw = [0.4, 0.25];
  const f = (v: Float64Array): number => {
    const r = ctcForwardBackward({ logits: v, batch: B, frames: T, classes: C, layout: 'BTC', labels, inputLengths, blank: 0 }, { priorTerm: { prior, weights: kw } });
    return gw[0]! * r.nll[0]! + gw[1]! * r.nll[1]! + kw[0]! * r.priorKl[0]! + kw[1]! * r.priorKl[1]!;
  };
  const g = ctcForwardBackward({ logits: x, batch: B, frames: T, classes: C, layout: 'BTC', labels, inputLengths, blank: 0 }, { gradWeights: gw, priorTerm: { prior, weights: kw } }).grad!;
  const h = 1e-5;
  for (let i = 0; i < x.length; i++) {
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[i] = x[i]! + h;
    xm[i] = x[i]! - h;
    near(g[i]!, (f(xp) - f(xm)) / (2 * h), 2e-6, `grad[${i}]`);
  }
  // Padded frames (t >= length) get exactly zero gradient and do not change the loss.
  const padded = (1 * T + 5) * C;
  for (let k = 0; k < C; k++) assert.equal(g[padded + k], 0);
  const xp = Float64Array.from(x);
  xp[padded] = 100;
  assert.equal(f(xp), f(x));
});

test('bad smoothing settings are HibikiErrors', () => {
  const x = tf.zeros([1, 2, 3]) as tf.Tensor3D;
  assert.throws(() => ctcLoss(x, [[1]], { smoothing: { epsilon: 0.1, prior: [0.5, 0.5] } }), (e) => isHibikiError(e, 'CTC_BAD_PRIOR'));
  assert.throws(() => ctcLoss(x, [[1]], { smoothing: { epsilon: -1, prior: [0.2, 0.3, 0.5] } }), (e) => isHibikiError(e, 'CTC_BAD_SMOOTHING'));
  assert.throws(() => ctcLoss(x, [[1]], { smoothing: { epsilon: 0.1, prior: [0.2, 0.3, 0.6] } }), (e) => isHibikiError(e, 'CTC_BAD_PRIOR'));
  assert.throws(() => ctcLoss(x, [[0]]), (e) => isHibikiError(e, 'CTC_BAD_LABELS'));
  assert.throws(() => ctcLoss(x, [[1]], { inputLengths: [3] }), (e) => isHibikiError(e, 'CTC_BAD_LENGTHS'));
});
