/**
 * Profiles one training step of a model on a backend: step time, frames/s and the per-kernel
 * split from tf.profile. A diagnostic, not part of `npm run bench`.
 *
 *   npx tsx bench/profile-step.ts [--backend wasm] [--model crnn] [--batch 8] [--frames 200] [--steps 5]
 *                                 [--without tile,poolgrad,bngrad]
 *
 * `--without` puts tfjs-backend-wasm's own Tile / MaxPoolGrad+AvgPoolGrad / FusedBatchNorm
 * gradient back in place of hibiki's (src/nn/wasm/conv-block-kernels.ts), to measure each fix.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../src/nn/backend.js';
import { buildModel, resolveModelConfig } from '../src/nn/models/index.js';
import { Rng } from '../src/util/rng.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : def;
}
const backend = arg('backend', 'wasm') as 'wasm' | 'cpu';
const modelName = arg('model', 'crnn');
const B = Number(arg('batch', '8'));
const T = Number(arg('frames', '200'));
const steps = Number(arg('steps', '5'));
const D = 40;
const K = 10;

const without = new Set(arg('without', '').split(',').filter((w) => w !== ''));
// The shipped kernels and gradient, captured before selectBackend installs hibiki's.
const shipped = new Map([tf.Tile, tf.MaxPoolGrad, tf.AvgPoolGrad].map((k) => [k, tf.getKernel(k, 'wasm')!]));
const shippedBnGrad = tf.getGradient(tf.FusedBatchNorm)!;
await selectBackend(backend);
const restore = (name: string): void => {
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(shipped.get(name)!);
};
if (without.has('tile')) restore(tf.Tile);
if (without.has('poolgrad')) [tf.MaxPoolGrad, tf.AvgPoolGrad].forEach(restore);
if (without.has('bngrad')) tf.registerGradient(shippedBnGrad);
const cfg =
  modelName === 'crnn'
    ? { type: 'crnn', conv: [{ filters: 16, pool: 2 }, { filters: 16, pool: 2 }, { filters: 16, pool: 2 }], units: 32, layers: 1 }
    : { type: modelName, units: 32 };
const model = buildModel(resolveModelConfig(cfg), { inputDim: D, numClasses: K, seed: 1 });
const rng = new Rng(2);
const x = tf.tensor3d(Float32Array.from({ length: B * T * D }, () => rng.normal()), [B, T, D]);
const y = tf.tensor3d(Float32Array.from({ length: B * T * K }, () => (rng.uniform() < 0.2 ? 1 : 0)), [B, T, K]);
const opt = tf.train.adam(3e-3);
const step = (): void => {
  const c = opt.minimize(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor3D), true);
  c?.dataSync();
  c?.dispose();
};
for (let i = 0; i < 2; i++) step();
const c0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const ms = (performance.now() - t0) / steps;
const cpu = process.cpuUsage(c0);
const cpuMs = (cpu.user + cpu.system) / 1000 / steps;
const { loadavg } = await import('node:os');
console.log(`${modelName} ${backend}${without.size > 0 ? ` without ${[...without].join('+')}` : ''} batch ${B}x${T}: step ${ms.toFixed(1)} ms, ${((B * T) / ms * 1000).toFixed(0)} frames/s (cpu time ${cpuMs.toFixed(1)} ms/step, ${((B * T) / cpuMs * 1000).toFixed(0)} frames per cpu-s), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const prof = await tf.profile(() => {
  for (let i = 0; i < steps; i++) step();
});
const agg = new Map<string, [number, number]>();
for (const k of prof.kernels) {
  const a = agg.get(k.name) ?? [0, 0];
  a[0] += k.kernelTimeMs as number;
  a[1]++;
  agg.set(k.name, a);
}
const rows = [...agg].sort((a, b) => b[1][0] - a[1][0]).slice(0, 25);
for (const [n, [t, c]] of rows) console.log(`  ${n.padEnd(28)} ${(t / steps).toFixed(1).padStart(8)} ms  ${(c / steps).toFixed(0).padStart(5)} calls`);
