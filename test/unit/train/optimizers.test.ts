import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  clipByGlobalNorm,
  initialPlateauState,
  learningRateAt,
  Optimizer,
  resolveOptimizerConfig,
  resolveTrainConfig,
  updatePlateau,
  type OptimizerConfig,
  type ScheduleConfig,
} from '../../../src/train/index.js';
import { isHibikiError } from '../../../src/errors.js';

await tf.setBackend('cpu');

interface Golden {
  w0: number[];
  b0: number[];
  grads: [number[], number[]][];
  lrs: number[];
  cases: Record<string, { config: Partial<OptimizerConfig> & { type: OptimizerConfig['type'] }; trace: [number[], number[]][] }>;
}
const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'golden', 'optim', 'optim.json'), 'utf8'),
) as Golden;

for (const [name, c] of Object.entries(golden.cases)) {
  test(`optimiser ${name} matches torch.optim step by step (changing lr)`, (tc) => {
    const w = tf.variable(tf.tensor(golden.w0, [3, 2]));
    const b = tf.variable(tf.tensor(golden.b0, [2]));
    const opt = new Optimizer(resolveOptimizerConfig({ learningRate: golden.lrs[0]!, ...c.config }), [w, b]);
    let worst = 0;
    golden.grads.forEach(([gw, gb], t) => {
      const grads = [tf.tensor(gw, [3, 2]), tf.tensor(gb, [2])];
      opt.apply(grads, golden.lrs[t]!);
      tf.dispose(grads);
      const [ew, eb] = c.trace[t]!;
      const got = [...w.dataSync(), ...b.dataSync()];
      [...ew, ...eb].forEach((e, i) => (worst = Math.max(worst, Math.abs(got[i]! - e))));
    });
    tc.diagnostic(`max abs diff vs torch ${worst.toExponential(2)}`);
    assert.ok(worst < 2e-6, `max abs diff ${worst}`);
    opt.dispose();
    tf.dispose([w, b]);
  });
}

test('optimiser state round-trips exactly, and a mismatched state is refused', () => {
  const make = () => {
    const w = tf.variable(tf.tensor(golden.w0, [3, 2]));
    return { w, opt: new Optimizer(resolveOptimizerConfig({ type: 'adamw', learningRate: 0.05 }), [w]) };
  };
  const a = make();
  const g = tf.tensor(golden.grads[0]![0], [3, 2]);
  a.opt.apply([g], 0.05);
  const b = make();
  b.w.assign(a.w);
  b.opt.setState(a.opt.getState());
  a.opt.apply([g], 0.05);
  b.opt.apply([g], 0.05);
  assert.deepEqual([...b.w.dataSync()], [...a.w.dataSync()]);
  const sgd = new Optimizer(resolveOptimizerConfig({ type: 'sgd', learningRate: 1, momentum: 0.5 }), [b.w]);
  assert.throws(() => sgd.setState(a.opt.getState()), (e) => isHibikiError(e, 'CHECKPOINT_MISMATCH'));
});

test('clipByGlobalNorm: hand-computed norm and scaling', () => {
  const g = [tf.tensor([3, 0]), tf.tensor([[0, 4]])];
  const { grads, norm } = clipByGlobalNorm(g, 1);
  assert.equal(norm.dataSync()[0], 5);
  const s = 1 / (5 + 1e-6);
  assert.deepEqual([...grads[0]!.dataSync()], [Math.fround(3 * Math.fround(s)), 0]);
  assert.ok(Math.abs(grads[1]!.dataSync()[1]! - 0.8) < 1e-6);
  const small = clipByGlobalNorm(g, 10);
  assert.deepEqual([...small.grads[0]!.dataSync()], [3, 0]);
  const off = clipByGlobalNorm(g, Infinity);
  assert.equal(off.grads[0], g[0]);
});

const base: ScheduleConfig = { warmupSteps: 0, decay: 'constant', minLearningRate: 0, stepSize: 10, gamma: 0.5, plateau: undefined };

test('schedules: warm-up, cosine, step, hand-computed', () => {
  const p = initialPlateauState();
  const warm = { ...base, warmupSteps: 4 };
  assert.deepEqual([0, 1, 2, 3, 4, 9].map((s) => learningRateAt(s, 100, 1, warm, p)), [0.25, 0.5, 0.75, 1, 1, 1]);
  const cos = { ...base, warmupSteps: 2, decay: 'cosine' as const, minLearningRate: 0.1 };
  assert.equal(learningRateAt(2, 12, 1, cos, p), 1);
  assert.ok(Math.abs(learningRateAt(7, 12, 1, cos, p) - (0.1 + 0.9 * 0.5)) < 1e-12); // half way
  assert.ok(Math.abs(learningRateAt(12, 12, 1, cos, p) - 0.1) < 1e-12);
  const step = { ...base, decay: 'step' as const };
  assert.deepEqual([0, 9, 10, 25].map((s) => learningRateAt(s, 100, 2, step, p)), [2, 2, 1, 0.5]);
});

test('reduce-on-plateau: factor after patience epochs without improvement, floored', () => {
  const cfg = { factor: 0.5, patience: 1, minLearningRate: 0.3 };
  const sched = { ...base, plateau: cfg };
  let s = initialPlateauState();
  s = updatePlateau(cfg, s, 1.0, true);
  s = updatePlateau(cfg, s, 1.1, false);
  assert.equal(s.scale, 1);
  s = updatePlateau(cfg, s, 1.2, false);
  assert.equal(s.scale, 0.5);
  assert.equal(learningRateAt(0, 10, 1, sched, s), 0.5);
  s = updatePlateau(cfg, s, 1.2, false);
  s = updatePlateau(cfg, s, 1.2, false);
  assert.equal(s.scale, 0.25);
  assert.equal(learningRateAt(0, 10, 1, sched, s), 0.3);
});

test('resolveTrainConfig: defaults filled, bad values listed as CONFIG_INVALID', () => {
  const c = resolveTrainConfig({ optimizer: { type: 'adamw' } });
  assert.equal(c.optimizer.weightDecay, 0.01);
  assert.equal(c.optimizer.learningRate, 1e-3);
  assert.equal(c.schedule.plateau, undefined);
  assert.equal(c.epochs, 10);
  assert.throws(
    () => resolveTrainConfig({ epochs: 0, optimizer: { type: 'rmsprop' }, clipnorm: 1 }),
    (e) => isHibikiError(e, 'CONFIG_INVALID') && /3 problems/.test(e.message),
  );
});
