import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/nn/backend.js';
import { activeHeapKernels } from '../../../src/nn/wasm/fused-optimizer.js';
import { Optimizer, resolveOptimizerConfig, type OptimizerConfig, type OptimizerState } from '../../../src/train/optimizers.js';
import { Rng } from '../../../src/util/rng.js';

// The fused wasm optimiser kernel (one SIMD pass per variable) against the tf-op path on wasm and
// on cpu, against torch.optim's golden values, and through a checkpoint state round trip.
const info = await selectBackend('wasm', {});
assert.equal(info.name, 'wasm');
assert.ok(activeHeapKernels() !== null, 'heap kernels instantiate on the wasm backend');

type Cfg = Partial<OptimizerConfig> & Pick<OptimizerConfig, 'type'>;
const CONFIGS: Record<string, Cfg> = {
  adam: { type: 'adam' },
  'adam+l2': { type: 'adam', weightDecay: 0.1 },
  adamw: { type: 'adamw', weightDecay: 0.05 },
  'adamw kernels only': { type: 'adamw', weightDecay: 0.05, decayOn: 'kernels' },
  sgd: { type: 'sgd' },
  'sgd momentum+l2': { type: 'sgd', momentum: 0.9, weightDecay: 0.01 },
  'sgd nesterov': { type: 'sgd', momentum: 0.8, nesterov: true },
};
// [37, 13] has 481 elements: the SIMD loop and the scalar tail both run.
const SHAPES = [[37, 13], [8], [3]];
const LRS = [0.01, 0.02, 0.005, 0.03, 0.001];

interface Trace {
  weights: Float32Array[];
  state: OptimizerState;
}

/** Five updates from seeded random weights and gradients on the current backend. */
function run(cfg: Cfg, fused: boolean, steps = LRS.length, seed = 7): Trace {
  const rng = new Rng(seed);
  const rand = (shape: number[]): tf.Tensor => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
  const vars = SHAPES.map((s) => tf.variable(rand(s)));
  const opt = new Optimizer(resolveOptimizerConfig({ learningRate: LRS[0]!, ...cfg }), vars, { fused });
  for (let t = 0; t < steps; t++) {
    const grads = SHAPES.map((s) => rand(s));
    opt.apply(grads, LRS[t]!);
    tf.dispose(grads);
  }
  const out = { weights: vars.map((v) => v.dataSync() as Float32Array), state: opt.getState() };
  opt.dispose();
  tf.dispose(vars);
  return out;
}

function maxDiff(a: Trace, b: Trace): number {
  let worst = 0;
  const pairs: [Float32Array, Float32Array][] = [
    ...a.weights.map((w, i) => [w, b.weights[i]!] as [Float32Array, Float32Array]),
    ...a.state.slots.map((s, i) => [s.values, b.state.slots[i]!.values] as [Float32Array, Float32Array]),
  ];
  for (const [x, y] of pairs) {
    assert.equal(x.length, y.length);
    for (let j = 0; j < x.length; j++) worst = Math.max(worst, Math.abs(x[j]! - y[j]!));
  }
  return worst;
}

for (const [name, cfg] of Object.entries(CONFIGS)) {
  test(`fused ${name} update on wasm equals the tf-op path (wasm and cpu), weights and state`, async (tc) => {
    await tf.setBackend('cpu');
    const cpu = run(cfg, true);
    await tf.setBackend('wasm');
    const unfused = run(cfg, false);
    let fused: Trace | undefined;
    const prof = await tf.profile(() => {
      fused = run(cfg, true);
    });
    // The fused kernel really ran: one call per variable and step, and no element-wise tf ops.
    const kernel = cfg.type === 'sgd' ? 'HibikiSgdUpdate' : 'HibikiAdamUpdate';
    assert.equal(prof.kernels.filter((k) => k.name === kernel).length, SHAPES.length * LRS.length);
    assert.equal(prof.kernels.filter((k) => k.name === 'Sqrt' || k.name === 'Sub').length, 0);
    if (fused === undefined) throw new Error('unreachable');
    assert.equal(fused.state.updates, LRS.length);
    const dw = maxDiff(fused, unfused);
    const dc = maxDiff(fused, cpu);
    tc.diagnostic(`max abs diff fused vs tf ops: wasm ${dw}, cpu ${dc}`);
    assert.ok(dw <= 1e-7, `fused vs unfused wasm: ${dw}`);
    assert.ok(dc <= 1e-7, `fused wasm vs cpu: ${dc}`);
  });
}

test('fused optimiser on wasm matches torch.optim golden values (changing lr)', (tc) => {
  interface Golden {
    w0: number[];
    b0: number[];
    grads: [number[], number[]][];
    lrs: number[];
    cases: Record<string, { config: Cfg; trace: [number[], number[]][] }>;
  }
  const golden = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'golden', 'optim', 'optim.json'), 'utf8')) as Golden;
  for (const [name, c] of Object.entries(golden.cases)) {
    const w = tf.variable(tf.tensor(golden.w0, [3, 2]));
    const b = tf.variable(tf.tensor(golden.b0, [2]));
    const opt = new Optimizer(resolveOptimizerConfig({ learningRate: golden.lrs[0]!, ...c.config }), [w, b]);
    let worst = 0;
    golden.grads.forEach(([gw, gb], t) => {
      const grads = [tf.tensor(gw, [3, 2]), tf.tensor(gb, [2])];
      opt.apply(grads, golden.lrs[t]!);
      tf.dispose(grads);
      const got = [...w.dataSync(), ...b.dataSync()];
      const [ew, eb] = c.trace[t]!;
      [...ew, ...eb].forEach((e, i) => (worst = Math.max(worst, Math.abs(got[i]! - e))));
    });
    tc.diagnostic(`${name}: max abs diff vs torch ${worst.toExponential(2)}`);
    assert.ok(worst < 2e-6, `${name}: max abs diff ${worst}`);
    opt.dispose();
    tf.dispose([w, b]);
  }
});

test('fused optimiser state round-trips bit for bit: resume after 3 steps equals 5 uninterrupted steps', () => {
  const cfg: Cfg = { type: 'adamw', weightDecay: 0.05 };
  const whole = run(cfg, true, 5, 11);
  // Interrupted: 3 steps, snapshot weights + state, new optimiser, restore, 2 more steps with the same gradients.
  const rng = new Rng(11);
  const rand = (shape: number[]): tf.Tensor => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
  const vars = SHAPES.map((s) => tf.variable(rand(s)));
  const first = new Optimizer(resolveOptimizerConfig({ learningRate: LRS[0]!, ...cfg }), vars);
  // Same draw order as run(): weights, then each step's gradients.
  const allGrads = LRS.map(() => SHAPES.map((s) => rand(s)));
  for (let t = 0; t < 3; t++) first.apply(allGrads[t]!, LRS[t]!);
  const saved = first.getState();
  const savedWeights = vars.map((v) => v.dataSync().slice() as Float32Array);
  first.dispose();
  const restoredVars = savedWeights.map((w, i) => tf.variable(tf.tensor(w, SHAPES[i]!)));
  const second = new Optimizer(resolveOptimizerConfig({ learningRate: LRS[0]!, ...cfg }), restoredVars);
  second.setState(saved);
  for (let t = 3; t < 5; t++) second.apply(allGrads[t]!, LRS[t]!);
  const resumed = { weights: restoredVars.map((v) => v.dataSync() as Float32Array), state: second.getState() };
  assert.equal(resumed.state.updates, 5);
  assert.deepEqual(resumed.state.slots.map((s) => s.name), whole.state.slots.map((s) => s.name));
  assert.equal(maxDiff(resumed, whole), 0);
  second.dispose();
  tf.dispose([...vars, ...restoredVars, ...allGrads.flat()]);
});
