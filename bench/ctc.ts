/**
 * CTC loss benchmark (not a test): forward + backward on batch 16, 200 frames, 30 labels,
 * 40 classes, beside torch.nn.functional.ctc_loss with 1 and 2 threads in the same run when
 * Debian's /usr/bin/python3 has torch.
 *
 * Run alone: `node --import tsx bench/ctc.ts` (prints a markdown section), or through
 * `npm run bench -- ctc` (bench/run.ts, which writes docs/benchmarks.md) via `ctcBenchmark`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { ctcForwardBackward } from '../src/nn/ctc/core.js';
import { ctcLoss } from '../src/nn/ctc/loss.js';
import { Rng } from '../src/util/rng.js';

const B = 16;
const T = 200;
const L = 30;
const C = 40;
const REPEATS = 30;

/** Median and minimum of the timed runs, ms. The minimum is the better estimate on a busy machine. */
interface Timing {
  median: number;
  min: number;
}

function timeIt(fn: () => void): Timing {
  for (let i = 0; i < 5; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] as number, min: times[0] as number };
}

const TORCH_SCRIPT = `
import sys, time, torch
B, T, L, C, R = ${B}, ${T}, ${L}, ${C}, ${REPEATS}
torch.manual_seed(0)
x = torch.randn(T, B, C, requires_grad=True)
y = torch.randint(1, C, (B, L))
il = torch.full((B,), T, dtype=torch.long)
tl = torch.full((B,), L, dtype=torch.long)
for threads in (1, 2):
    torch.set_num_threads(threads)
    def step():
        x.grad = None
        loss = torch.nn.functional.ctc_loss(x.log_softmax(-1), y, il, tl, reduction="mean")
        loss.backward()
    for _ in range(5): step()
    ts = []
    for _ in range(R):
        t0 = time.perf_counter(); step(); ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    print(threads, ts[len(ts) // 2], ts[0])
`;

function torchTimes(): Map<number, Timing> | string {
  if (!existsSync('/usr/bin/python3')) return 'no /usr/bin/python3';
  const r = spawnSync('/usr/bin/python3', ['-c', TORCH_SCRIPT], { encoding: 'utf8' });
  if (r.status !== 0) return `torch unavailable (${(r.stderr ?? '').trim().split('\n').pop() ?? 'error'})`;
  const out = new Map<number, Timing>();
  for (const line of r.stdout.trim().split('\n')) {
    const [threads, median, min] = line.split(' ').map(Number);
    out.set(threads as number, { median: median as number, min: min as number });
  }
  return out;
}

/** Runs the benchmark on the current tfjs backend and returns a markdown section. */
export async function benchCtc(): Promise<string> {
  await tf.ready();
  const rng = new Rng(1);
  const logits = Float32Array.from({ length: B * T * C }, () => rng.normal());
  const labels = Array.from({ length: B }, () => Int32Array.from({ length: L }, () => 1 + rng.int(C - 1)));
  const inputLengths = new Int32Array(B).fill(T);
  const weights = new Float64Array(B).fill(1 / (B * L));
  const core = timeIt(() => {
    ctcForwardBackward({ logits, batch: B, frames: T, classes: C, layout: 'BTC', labels, inputLengths, blank: 0 }, { gradWeights: weights });
  });
  const x = tf.tensor3d(logits, [B, T, C]);
  const gradFn = tf.grad((v: tf.Tensor) => ctcLoss(v as tf.Tensor3D, labels, { inputLengths }));
  const op = timeIt(() => {
    const g = gradFn(x);
    g.dataSync();
    g.dispose();
  });
  x.dispose();
  const torch = torchTimes();
  const cpu = cpus();
  const lines = [
    '## CTC loss (bench/ctc.ts)',
    '',
    `${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, ${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ` +
      `load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end (timings on a loaded machine are inflated; ratios from the same run are the useful numbers).`,
    '',
    `Forward + backward, batch ${B}, ${T} frames, ${L} labels, ${C} classes, reduction mean; ${REPEATS} timed runs after 5 warm-up runs, all in one run of this script.`,
    '',
    '| implementation | median ms | min ms | ratio to torch 1 thread (median / min) |',
    '|---|---|---|---|',
  ];
  const t1 = typeof torch === 'string' ? undefined : torch.get(1);
  const row = (name: string, t: Timing): string =>
    `| ${name} | ${t.median.toFixed(2)} | ${t.min.toFixed(2)} | ` +
    (t1 === undefined ? 'n/a' : `${(t.median / t1.median).toFixed(2)} / ${(t.min / t1.min).toFixed(2)}`) +
    ' |';
  lines.push(row('hibiki core (typed arrays)', core));
  lines.push(row(`hibiki ctcLoss op + tf.grad (${tf.getBackend()} backend)`, op));
  if (typeof torch === 'string') lines.push(`| torch | ${torch} | | |`);
  else for (const [threads, t] of torch) lines.push(row(`torch ${threads} thread${threads > 1 ? 's' : ''}`, t));
  return lines.join('\n') + '\n';
}

/** The CTC entry of bench/run.ts (structurally a `Benchmark`). */
export const ctcBenchmark = {
  name: 'ctc',
  title: 'CTC loss forward + backward (batch 16, 200 frames, 30 labels, 40 classes) beside torch',
  run: benchCtc,
};

const isMain = process.argv[1] !== undefined && /bench[\\/]ctc\.ts$/.test(process.argv[1]);
if (isMain) {
  await tf.setBackend('cpu');
  process.stdout.write(await benchCtc());
}
