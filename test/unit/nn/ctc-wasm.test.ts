import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { ctcLoss, type CtcReduction } from '../../../src/nn/ctc/loss.js';

// Same fixtures as ctc-loss.test.ts, run on the wasm backend (this file is its own process).
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
  loss: number | number[];
  grad: number[];
}
const cases = (JSON.parse(readFileSync('test/golden/ctc/ctc.json', 'utf8')) as Case[]).filter((c) =>
  ['random-mean', 'random-none', 'repeats', 'blank-middle', 'batch16'].includes(c.name),
);

test('ctcLoss on the wasm backend equals torch', async () => {
  const require = createRequire(import.meta.url);
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
  assert.ok(await tf.setBackend('wasm'));
  assert.equal(tf.getBackend(), 'wasm');
  for (const c of cases) {
    const x = tf.tensor3d(Float32Array.from(c.logits), [c.T, c.B, c.C]);
    const f = (v: tf.Tensor): tf.Tensor =>
      ctcLoss(v as tf.Tensor3D, c.labels, { inputLengths: c.inputLengths, blank: c.blank, reduction: c.reduction, layout: 'TBC' });
    const variable = tf.variable(x, true, `x_${c.name}`);
    const { value, grads } = tf.variableGrads(() => tf.sum(f(variable)) as tf.Scalar, [variable]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(f(v)))(x).dataSync();
    const wantTotal = Array.isArray(c.loss) ? c.loss.reduce((a, b) => a + b, 0) : c.loss;
    assert.ok(Math.abs(value.dataSync()[0]! - wantTotal) <= 1e-4 * Math.max(1, c.B), `${c.name} loss`);
    for (let i = 0; i < g.length; i++) assert.ok(Math.abs(g[i]! - c.grad[i]!) <= 1e-4, `${c.name} grad ${i}`);
    const vg = Object.values(grads)[0]!.dataSync();
    for (let i = 0; i < vg.length; i++) assert.ok(Math.abs(vg[i]! - c.grad[i]!) <= 1e-4, `${c.name} variable grad ${i}`);
    tf.dispose([x, variable, value, ...Object.values(grads)]);
  }
});
