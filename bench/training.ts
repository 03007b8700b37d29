/**
 * Training throughput benchmark (not a test): frames per second of hibiki's own training step
 * (`trainStep`: forward, label-smoothed CE with eps 0.1 as the experiment tasks call it, backward,
 * gradient norm, hibiki's Adam) for
 *   - MLP 143-512-512-40 on spliced frames (11 x 13 MFCC), batch 256;
 *   - BiGRU-128 (one bidirectional layer, 40-dim input, 40 classes) on 100-frame chunks, batch 32;
 * on the tfjs cpu backend, the wasm backend as shipped (no hibiki kernel fixes; child process),
 * and wasm with hibiki's fixes, beside PyTorch CPU (Debian /usr/bin/python3, 2 threads, same
 * architecture, batch and loss) in the same run.
 *
 * Run alone: `node --import tsx bench/training.ts` (prints a markdown section), or through
 * `npm run bench -- training` (bench/run.ts, which writes docs/benchmarks.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { buildLoss, resolveLossConfig } from '../src/nn/losses/index.js';
import { buildModel, resolveModelConfig } from '../src/nn/models/index.js';
import { selectBackend, wasmBinaryDir } from '../src/nn/backend.js';
import { Optimizer, resolveOptimizerConfig, type OptimizerOptions } from '../src/train/optimizers.js';
import { trainStep } from '../src/train/step.js';
import type { TrainTask } from '../src/train/task.js';
import { Rng } from '../src/util/rng.js';
import { machineLine } from './common.js';
import { parallelTrainingRows } from './training-parallel.js';
import type { Benchmark } from './types.js';

const K = 40;
const MIN_SECONDS = 4;

interface Workload {
  name: string;
  model: Record<string, unknown>;
  inputDim: number;
  batch: number;
  frames: number; // 0 for frame classifiers
}

const MLP: Workload = { name: 'MLP 143-512-512-40, batch 256', model: { type: 'mlp', hidden: [512, 512] }, inputDim: 143, batch: 256, frames: 0 };
const BIGRU: Workload = { name: 'BiGRU-128, 32 x 100 frames', model: { type: 'bigru', units: 128, layers: 1 }, inputDim: 40, batch: 32, frames: 100 };

/** Wall-clock frames/s, and frames per second of process CPU time (less sensitive to machine load). */
interface Rate {
  wall: number;
  cpu: number;
}

/** A batch as the trainer's frame task holds it: plain arrays, turned into tensors inside the step. */
interface BenchBatch {
  x: Float32Array;
  y: Int32Array;
  mask: Float32Array;
  boundaryDistance: Float32Array;
  neighbourLabel: Int32Array;
}

/**
 * Frames per second of hibiki training steps on the current backend: `trainStep` (src/train/step.ts,
 * what `train()` runs: seeded step randomness, forward, loss, backward, global gradient norm,
 * hibiki's own Adam from src/train/optimizers.ts), with the loss called as the experiment tasks
 * call it (tensors made from the batch's arrays every step, real-frame mask, boundary inputs).
 */
function measure(w: Workload, modelOverride: Record<string, unknown> = {}, optimizerOptions: OptimizerOptions = {}): Rate {
  const cfg = resolveModelConfig({ ...w.model, ...modelOverride });
  const model = buildModel(cfg, { inputDim: w.inputDim, numClasses: K, seed: 1 });
  const loss = buildLoss(resolveLossConfig({ smoothing: 'uniform', epsilon: 0.1 }), { numClasses: K });
  const rng = new Rng(2);
  const n = w.batch * Math.max(1, w.frames);
  const shape = w.frames === 0 ? [w.batch, w.inputDim] : [w.batch, w.frames, w.inputDim];
  const batch: BenchBatch = {
    x: Float32Array.from({ length: n * w.inputDim }, () => rng.normal()),
    y: Int32Array.from({ length: n }, () => rng.int(K)),
    mask: new Float32Array(n).fill(1),
    boundaryDistance: Float32Array.from({ length: n }, () => 0.5 + rng.int(20)),
    neighbourLabel: Int32Array.from({ length: n }, () => rng.int(K)),
  };
  const task: TrainTask<BenchBatch> = {
    model,
    lossFn: (m, b, training) => {
      const logits = tf.reshape(m.apply(tf.tensor(b.x, shape), { training }) as tf.Tensor, [n, K]) as tf.Tensor2D;
      return loss(logits, tf.tensor1d(b.y, 'int32'), {
        mask: tf.tensor1d(b.mask),
        boundaryDistance: tf.tensor1d(b.boundaryDistance),
        neighbourLabel: tf.tensor1d(b.neighbourLabel, 'int32'),
      });
    },
    batchesPerEpoch: 1,
    batches: () => [batch],
    frames: () => n,
  };
  const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
  const opt = new Optimizer(resolveOptimizerConfig({ type: 'adam', learningRate: 1e-3 }), vars, optimizerOptions);
  let stepIndex = 0;
  const step = (): void => {
    trainStep(task, batch, vars, opt, 1e-3, null, 1, stepIndex++);
  };
  for (let i = 0; i < 2; i++) step();
  let steps = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  while (performance.now() - t0 < MIN_SECONDS * 1000 || steps < 3) {
    step();
    steps++;
  }
  const cpu = process.cpuUsage(c0);
  const fps = { wall: (steps * n) / ((performance.now() - t0) / 1000), cpu: (steps * n) / ((cpu.user + cpu.system) / 1e6) };
  opt.dispose();
  model.dispose();
  return fps;
}

const TORCH_SCRIPT = `
import json, time, torch
torch.manual_seed(0)
K, MIN_S = ${K}, ${MIN_SECONDS}
class BiGRU(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(${BIGRU.inputDim}, 128, batch_first=True, bidirectional=True)
        self.out = torch.nn.Linear(256, K)
    def forward(self, x):
        return self.out(self.gru(x)[0])
def run(model, x, y):
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    crit = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    def step():
        opt.zero_grad()
        loss = crit(model(x).reshape(-1, K), y)
        loss.backward()
        opt.step()
    for _ in range(2): step()
    n, t0, c0 = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - t0 < MIN_S or n < 3:
        step(); n += 1
    return {'wall': n * y.numel() / (time.perf_counter() - t0), 'cpu': n * y.numel() / (time.process_time() - c0)}
res = {'torch': torch.__version__}
for threads in (2, 1):
    torch.set_num_threads(threads)
    mlp = torch.nn.Sequential(torch.nn.Linear(143, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, K))
    res[f'mlp{threads}'] = run(mlp, torch.randn(256, 143), torch.randint(0, K, (256,)))
    res[f'bigru{threads}'] = run(BiGRU(), torch.randn(32, 100, ${BIGRU.inputDim}), torch.randint(0, K, (3200,)))
res.update({
  'blas': sorted({l.split()[-1].rsplit('/', 1)[-1] for l in open('/proc/self/maps') if 'blas' in l.lower() and '.so' in l}),
})
print(json.dumps(res))
`;

interface TorchResult {
  mlp2: Rate;
  bigru2: Rate;
  mlp1: Rate;
  bigru1: Rate;
  torch: string;
  blas: string[];
}

function torchResult(): TorchResult | string {
  if (!existsSync('/usr/bin/python3')) return 'no /usr/bin/python3';
  const r = spawnSync('/usr/bin/python3', ['-c', TORCH_SCRIPT], { encoding: 'utf8' });
  if (r.status !== 0) return `torch unavailable (${(r.stderr ?? '').trim().split('\n').pop() ?? 'error'})`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchResult;
}

/** The MLP on wasm without hibiki's kernel fixes, measured in a child process (the fixes are global). */
function rawWasm(): Rate | string {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--raw-wasm-mlp'], { encoding: 'utf8', env: { ...process.env, HIBIKI_LOG: 'error' } });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Rate;
  } catch {
    return `failed (${(r.stderr ?? '').trim().split('\n').pop() ?? ''})`;
  }
}

const fmt = (v: number): string => Math.round(v).toLocaleString('en-US');

/** Runs all measurements and returns the markdown section for docs/benchmarks.md. */
export async function benchTraining(): Promise<string> {
  const rows: { what: string; backend: string; fps: Rate | string; ref: 'mlp' | 'bigru' }[] = [];
  await selectBackend('cpu', {});
  rows.push({ what: MLP.name, backend: 'tfjs cpu', fps: measure(MLP), ref: 'mlp' });
  rows.push({ what: BIGRU.name + ' (fused)', backend: 'tfjs cpu', fps: measure(BIGRU), ref: 'bigru' });
  rows.push({ what: MLP.name, backend: 'tfjs wasm as shipped', fps: rawWasm(), ref: 'mlp' });
  const wasm = await selectBackend('wasm', {});
  rows.push({ what: MLP.name, backend: 'tfjs wasm + hibiki fixes', fps: measure(MLP), ref: 'mlp' });
  rows.push({ what: BIGRU.name + ' (tf.layers.bidirectional(gru))', backend: 'tfjs wasm + hibiki fixes', fps: measure(BIGRU, { implementation: 'tfjs' }), ref: 'bigru' });
  rows.push({ what: BIGRU.name + ' (fused)', backend: 'tfjs wasm + hibiki fixes', fps: measure(BIGRU), ref: 'bigru' });
  rows.push(...(await parallelTrainingRows(2)));
  const torch = torchResult();
  const lines = [
    '## Training throughput (bench/training.ts)',
    '',
    "Frames per second of hibiki's own training step (`trainStep` of src/train/step.ts, as `hibiki train` runs it: " +
      'forward, label-smoothed CE eps 0.1 called as the experiment tasks call it, backward, global gradient norm, ' +
      "hibiki's Adam of src/train/optimizers.ts, fused into one wasm kernel per variable on wasm; before 2026-11-30 this table measured `tf.train.adam`), " +
      `at least ${MIN_SECONDS} s each, in one run. PyTorch runs the same architecture, batch, loss (CrossEntropyLoss(label_smoothing=0.1)) and torch.optim.Adam. ` +
      'Targets (wall clock): MLP >= 0.25x PyTorch, BiGRU >= 0.12x PyTorch (2 threads).',
    `wasm: SIMD ${wasm.simd === true ? 'on' : 'off'}, ${wasm.threads ?? 1} thread (tfjs-backend-wasm disables its threaded build under Node).`,
    typeof torch === 'string' ? `PyTorch: ${torch}.` : `PyTorch ${torch.torch}, BLAS libraries loaded: ${torch.blas.join(', ') || 'unknown'}.`,
    `Measured ${machineLine()}.`,
    'On a loaded machine wall-clock rates are unreliable, and PyTorch with 2 OpenMP threads suffers most; ' +
      '"frames per CPU-second" (frames / process CPU time) is the less load-sensitive measure of the work each implementation needs.',
    '',
    '| model | backend | frames/s (wall) | ratio to PyTorch 2 threads (wall) | frames per CPU-second |',
    '|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const ref = typeof torch === 'string' ? undefined : torch[`${r.ref}2`].wall;
    const fps = typeof r.fps === 'string' ? undefined : r.fps;
    const ratio = fps !== undefined && ref !== undefined ? `${(fps.wall / ref).toFixed(3)}x` : 'n/a';
    lines.push(`| ${r.what} | ${r.backend} | ${fps === undefined ? String(r.fps) : fmt(fps.wall)} | ${ratio} | ${fps === undefined ? '' : fmt(fps.cpu)} |`);
  }
  if (typeof torch !== 'string') {
    for (const threads of [2, 1] as const) {
      lines.push(`| ${MLP.name} | PyTorch CPU, ${threads} thread${threads > 1 ? 's' : ''} | ${fmt(torch[`mlp${threads}`].wall)} | ${(torch[`mlp${threads}`].wall / torch.mlp2.wall).toFixed(3)}x | ${fmt(torch[`mlp${threads}`].cpu)} |`);
      lines.push(`| ${BIGRU.name} | PyTorch CPU, ${threads} thread${threads > 1 ? 's' : ''} | ${fmt(torch[`bigru${threads}`].wall)} | ${(torch[`bigru${threads}`].wall / torch.bigru2.wall).toFixed(3)}x | ${fmt(torch[`bigru${threads}`].cpu)} |`);
    }
  }
  return lines.join('\n') + '\n';
}

export const trainingBenchmark: Benchmark = {
  name: 'training',
  title: 'training throughput (frames/s) of the MLP and BiGRU on tfjs cpu/wasm beside PyTorch CPU',
  run: benchTraining,
};

const isMain = process.argv[1] !== undefined && /bench[\\/]training\.ts$/.test(process.argv[1]);
if (isMain && process.argv.includes('--raw-wasm-mlp')) {
  const wasmPkg = await import('@tensorflow/tfjs-backend-wasm');
  wasmPkg.setWasmPaths(wasmBinaryDir());
  await tf.setBackend('wasm');
  process.stdout.write(`${JSON.stringify(measure(MLP, {}, { fused: false }))}\n`);
} else if (isMain) {
  process.stdout.write(await benchTraining());
}
