import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { ctcLabelsFromPadded, ctcLoss, type CtcReduction } from '../../../src/nn/ctc/loss.js';
import { ctcForwardBackward } from '../../../src/nn/ctc/core.js';

// Fixtures: test/golden/ctc/make_golden.py (torch.nn.functional.ctc_loss on log_softmax(logits)).
interface Case {
  name: string;
  T: number;
  B: number;
  C: number;
  blank: number;
  reduction: CtcReduction;
  zeroInfinity: boolean;
  inputLengths: number[];
  labels: number[][];
  logits: number[];
  loss: number | string | (number | string)[];
  grad: (number | string)[];
}
const cases = JSON.parse(readFileSync('test/golden/ctc/ctc.json', 'utf8')) as Case[];
const num = (v: number | string): number => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === 'nan' ? NaN : (v as number));

/** [T,B,C] -> [B,T,C] */
function toBTC(x: ArrayLike<number>, T: number, B: number, C: number): Float32Array {
  const out = new Float32Array(T * B * C);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let k = 0; k < C; k++) out[(b * T + t) * C + k] = x[(t * B + b) * C + k] as number;
  return out;
}

function close(got: number, want: number, tol: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= tol;
}

let maxLossDiff = 0;
let maxGradDiff = 0;

function runCase(c: Case, layout: 'BTC' | 'TBC'): void {
  const logitsTBC = Float32Array.from(c.logits.map(num));
  const data = layout === 'TBC' ? logitsTBC : toBTC(logitsTBC, c.T, c.B, c.C);
  const shape: [number, number, number] = layout === 'TBC' ? [c.T, c.B, c.C] : [c.B, c.T, c.C];
  const x = tf.tensor3d(data, shape);
  const f = (v: tf.Tensor): tf.Tensor =>
    ctcLoss(v as tf.Tensor3D, c.labels, { inputLengths: c.inputLengths, blank: c.blank, reduction: c.reduction, zeroInfinity: c.zeroInfinity, layout });
  const loss = f(x);
  const grad = tf.grad((v: tf.Tensor) => tf.sum(f(v)))(x);
  const lossData = loss.dataSync();
  const wantLoss = Array.isArray(c.loss) ? c.loss.map(num) : [num(c.loss)];
  assert.equal(lossData.length, wantLoss.length);
  for (let i = 0; i < wantLoss.length; i++) {
    const w = wantLoss[i] as number;
    // float32 output: allow one float32 rounding on large losses (the 'extreme' case is ~1e3 nats).
    const tol = 1e-4 + 1.2e-7 * Math.abs(Number.isFinite(w) ? w : 0);
    assert.ok(close(lossData[i] as number, w, tol), `${c.name} ${layout} loss[${i}]: got ${lossData[i]}, torch ${w}`);
    if (Number.isFinite(w) && Math.abs(w) < 800) maxLossDiff = Math.max(maxLossDiff, Math.abs((lossData[i] as number) - w));
  }
  const wantGradTBC = Float64Array.from(c.grad.map(num));
  const wantGrad = layout === 'TBC' ? wantGradTBC : Float64Array.from(toBTC(wantGradTBC, c.T, c.B, c.C));
  const g = grad.dataSync();
  for (let i = 0; i < g.length; i++) {
    const w = wantGrad[i] as number;
    assert.ok(close(g[i] as number, w, 1e-4), `${c.name} ${layout} grad[${i}]: got ${g[i]}, torch ${w}`);
    if (Number.isFinite(w)) maxGradDiff = Math.max(maxGradDiff, Math.abs((g[i] as number) - w));
  }
  tf.dispose([x, loss, grad]);
}

for (const c of cases) {
  test(`ctcLoss equals torch: ${c.name}`, () => {
    runCase(c, 'TBC');
    runCase(c, 'BTC');
  });
}

test('scaled and log-space recursions agree; peaky inputs take the log-space path', () => {
  for (const c of cases) {
    const inputs = { logits: Float32Array.from(c.logits.map(num)), batch: c.B, frames: c.T, classes: c.C, layout: 'TBC' as const, labels: c.labels, inputLengths: c.inputLengths, blank: c.blank };
    const w = new Float64Array(c.B).fill(1);
    const a = ctcForwardBackward(inputs, { gradWeights: w });
    const b = ctcForwardBackward(inputs, { gradWeights: w, forceLogSpace: true });
    for (let i = 0; i < c.B; i++) assert.ok(close(a.nll[i] as number, b.nll[i] as number, 1e-9 * Math.max(1, Math.abs(b.nll[i] as number))), c.name);
    for (let i = 0; i < (a.grad as Float32Array).length; i++) assert.ok(close(a.grad![i] as number, b.grad![i] as number, 1e-6), `${c.name} grad ${i}`);
    if (c.name === 'peaky' || c.name === 'extreme') assert.deepEqual([...a.usedLogSpace], new Array(c.B).fill(1), `${c.name} used log space`);
    if (c.name === 'random-none') assert.ok(a.usedLogSpace.every((v) => v === 0), 'random logits stay in the scaled domain');
  }
});

test('report max abs diffs', () => {
  console.log(`ctc golden: max |loss diff| ${maxLossDiff.toExponential(2)} (losses < 800), max |grad diff| ${maxGradDiff.toExponential(2)}`);
  assert.ok(maxGradDiff <= 1e-4);
});

test('ctcLoss and its gradient leave no tensors behind inside tf.tidy', () => {
  const x = tf.randomNormal([2, 9, 5], 0, 1, 'float32', 3) as tf.Tensor3D;
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const g = tf.grad((v: tf.Tensor) => ctcLoss(v as tf.Tensor3D, [[1, 2], [3, 3]], { inputLengths: [9, 7] }))(x);
    assert.equal(g.shape.join(','), '2,9,5');
  });
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});

test('default input lengths are all frames; BTC and TBC layouts agree', () => {
  const x = tf.randomNormal([3, 6, 4], 0, 2, 'float32', 5) as tf.Tensor3D;
  const labels = [[1], [2, 3], []];
  const a = ctcLoss(x, labels, { reduction: 'none' }).dataSync();
  const b = ctcLoss(x, labels, { reduction: 'none', inputLengths: [6, 6, 6] }).dataSync();
  const c = ctcLoss(tf.transpose(x, [1, 0, 2]) as tf.Tensor3D, labels, { reduction: 'none', layout: 'TBC' }).dataSync();
  assert.deepEqual([...a], [...b]);
  assert.deepEqual([...a], [...c]);
});

test('labels from a padded matrix are views of the right rows', () => {
  const padded = Int32Array.from([1, 2, -1, 3, -1, -1, -1, -1, -1]);
  const labels = ctcLabelsFromPadded(padded, [2, 1, 0], 3);
  assert.deepEqual(labels.map((l) => [...l]), [[1, 2], [3], []]);
  assert.throws(() => ctcLabelsFromPadded(padded, [4, 0, 0], 3), /CTC_BAD_LABELS/);
  assert.throws(() => ctcLabelsFromPadded(padded, [1, 1], 3), /CTC_BAD_LABELS/);
});
