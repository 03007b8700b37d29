/**
 * Data-parallel training throughput (not a test): the MLP and BiGRU workloads of
 * bench/training.ts trained with `train.jobs` = 2, i.e. each batch split over this thread and one
 * worker thread holding a replica (src/train/parallel), on the wasm backend with hibiki's fixes.
 * The step is the trainer's own `parallelTrainStep` on the experiment frame/chunk tasks' loss
 * (uniform smoothing eps 0.1) and replica, with hibiki's Adam.
 *
 * bench/training.ts adds the rows to its table. Run alone for jobs 1 and 2 side by side:
 * `node --import tsx bench/training-parallel.ts`.
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import type { ChunkBatch, FrameBatch } from '../src/data/index.js';
import { buildModel, resolveLossConfig, resolveModelConfig, selectBackend, type ModelConfig } from '../src/nn/index.js';
import { experimentReplicaSpec } from '../src/pipeline/experiment/replica.js';
import { taskLossFn, type TaskLossSpec } from '../src/pipeline/experiment/task-loss.js';
import { Optimizer, resolveOptimizerConfig } from '../src/train/optimizers.js';
import { batchParallelSupport, parallelTrainStep, startReplicas } from '../src/train/parallel/index.js';
import { buildSeeded } from '../src/train/seeded.js';
import { trainStep } from '../src/train/step.js';
import type { TrainTask } from '../src/train/task.js';
import { Rng } from '../src/util/rng.js';

const K = 40;
const MIN_SECONDS = 4;

/** A row of bench/training.ts's table. */
export interface ParallelRow {
  what: string;
  backend: string;
  fps: { wall: number; cpu: number } | string;
  ref: 'mlp' | 'bigru';
}

interface Workload {
  name: string;
  model: Record<string, unknown>;
  inputDim: number;
  ref: 'mlp' | 'bigru';
  batch: (rng: Rng) => FrameBatch | ChunkBatch;
}

const MLP: Workload = {
  name: 'MLP 143-512-512-40, batch 256',
  model: { type: 'mlp', hidden: [512, 512] },
  inputDim: 143,
  ref: 'mlp',
  batch: (rng) => ({
    kind: 'frames',
    size: 256,
    inputDim: 143,
    x: Float32Array.from({ length: 256 * 143 }, () => rng.normal()),
    y: Int32Array.from({ length: 256 }, () => rng.int(K)),
    boundaryDistance: Float32Array.from({ length: 256 }, () => 0.5 + rng.int(20)),
    neighbourLabel: Int32Array.from({ length: 256 }, () => rng.int(K)),
  }),
};

const BIGRU: Workload = {
  name: 'BiGRU-128, 32 x 100 frames (fused)',
  model: { type: 'bigru', units: 128, layers: 1 },
  inputDim: 40,
  ref: 'bigru',
  batch: (rng) => ({
    kind: 'chunks',
    size: 32,
    chunk: 100,
    dim: 40,
    x: Float32Array.from({ length: 3200 * 40 }, () => rng.normal()),
    mask: new Float32Array(3200).fill(1),
    y: Int32Array.from({ length: 3200 }, () => rng.int(K)),
    boundaryDistance: Float32Array.from({ length: 3200 }, () => 0.5 + rng.int(20)),
    neighbourLabel: Int32Array.from({ length: 3200 }, () => rng.int(K)),
  }),
};

/** Frames/s (wall, and per second of process CPU time, which counts the worker threads too). */
async function measure(w: Workload, jobs: number): Promise<{ wall: number; cpu: number }> {
  const model: ModelConfig = resolveModelConfig(w.model);
  const batch = w.batch(new Rng(2));
  const loss = resolveLossConfig({ smoothing: 'uniform', epsilon: 0.1 });
  const spec: TaskLossSpec = batch.kind === 'frames' ? { kind: 'frames', loss, classes: K, prior: new Float32Array(K).fill(1 / K) } : { kind: 'chunks', loss, classes: K, prior: new Float32Array(K).fill(1 / K) };
  const task: TrainTask<FrameBatch | ChunkBatch> = {
    model: buildSeeded(1, () => buildModel(model, { inputDim: w.inputDim, numClasses: K, seed: 1 })),
    lossFn: taskLossFn(spec),
    batchesPerEpoch: 1,
    batches: () => [batch],
    frames: (b) => b.size * (b.kind === 'chunks' ? b.chunk : 1),
    parallel: batchParallelSupport(experimentReplicaSpec({ model, seed: 1, inputDim: w.inputDim, classes: K, loss: spec })),
  };
  const vars = task.model.trainableWeights.map((v) => v.read() as tf.Variable);
  const opt = new Optimizer(resolveOptimizerConfig({ type: 'adam', learningRate: 1e-3 }), vars);
  const group = jobs > 1 ? await startReplicas(task, jobs) : null;
  const par = { ...task, parallel: task.parallel! };
  let stepIndex = 0;
  const step = async (): Promise<void> => {
    if (group === null) trainStep(task, batch, vars, opt, 1e-3, null, 1, stepIndex++);
    else await parallelTrainStep(par, group, batch, vars, opt, 1e-3, null, 1, stepIndex++);
  };
  try {
    for (let i = 0; i < 2; i++) await step();
    let steps = 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    while (performance.now() - t0 < MIN_SECONDS * 1000 || steps < 3) {
      await step();
      steps++;
    }
    const cpu = process.cpuUsage(c0);
    const n = task.frames(batch);
    return { wall: (steps * n) / ((performance.now() - t0) / 1000), cpu: (steps * n) / ((cpu.user + cpu.system) / 1e6) };
  } finally {
    await group?.close();
    opt.dispose();
    task.model.dispose();
  }
}

/** The rows "tfjs wasm + hibiki fixes, N data-parallel jobs" (MLP and BiGRU); selects the wasm backend. */
export async function parallelTrainingRows(jobs = 2): Promise<ParallelRow[]> {
  await selectBackend('wasm', {});
  const backend = `tfjs wasm + hibiki fixes, ${jobs} data-parallel jobs`;
  const rows: ParallelRow[] = [];
  for (const w of [MLP, BIGRU]) {
    let fps: ParallelRow['fps'];
    try {
      fps = await measure(w, jobs);
    } catch (e) {
      fps = `failed (${e instanceof Error ? e.message : String(e)})`;
    }
    rows.push({ what: w.name, backend, fps, ref: w.ref });
  }
  return rows;
}

const isMain = process.argv[1] !== undefined && /bench[\\/]training-parallel\.ts$/.test(process.argv[1]);
if (isMain) {
  for (const jobs of [1, 2]) {
    for (const r of await parallelTrainingRows(jobs)) {
      const f = typeof r.fps === 'string' ? r.fps : `${Math.round(r.fps.wall)} frames/s wall, ${Math.round(r.fps.cpu)} per CPU-second`;
      process.stdout.write(`${r.what} | jobs ${jobs} | ${f}\n`);
    }
  }
}
