/**
 * MFCC speed: hibiki (1 and 2 worker threads, and in the main thread) against
 * torchaudio.compliance.kaldi.mfcc (1 and 2 threads, through /usr/bin/python3 when torch is
 * installed) and Meyda, on the same 60 s of 16 kHz audio in the same run. Real-time factor =
 * audio seconds / compute seconds; the best of several runs after warm-up (the least disturbed
 * by other load), with the median beside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { computeFeatures, resolveFeatureConfig } from '../src/features/index.js';
import { Rng } from '../src/util/rng.js';
import { machineLine, startWorker, summarise } from './common.js';
import type { Benchmark } from './types.js';

const RATE = 16000;
const SECONDS = 60;
const REPS = 12;
const PYTHON = '/usr/bin/python3';

/** 60 s of speech-like test audio on the int16 grid: a few harmonics with vibrato, noise, pauses. */
function testAudio(): Float32Array {
  const rng = new Rng(2024);
  const n = RATE * SECONDS;
  const x = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    const f0 = 120 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * f0) / RATE;
    const voiced = Math.sin(2 * Math.PI * 0.25 * t) > -0.3 ? 1 : 0;
    let v = 0;
    for (let h = 1; h <= 8; h++) v += Math.sin(h * phase) / h;
    x[i] = Math.round(32767 * (0.15 * voiced * v + 0.01 * rng.normal())) / 32768;
  }
  return x;
}

function post(w: Worker, msg: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: number): void => {
      w.off('error', onError);
      resolve(m);
    };
    const onError = (e: Error): void => {
      w.off('message', onMessage);
      reject(e);
    };
    w.once('message', onMessage);
    w.once('error', onError);
    w.postMessage(msg);
  });
}

async function timeWorkers(audio: Float32Array, count: number): Promise<number[]> {
  const workers = Array.from({ length: count }, () => startWorker(new URL('./mfcc-worker.ts'.replace('.ts', import.meta.url.endsWith('.ts') ? '.ts' : '.js'), import.meta.url)));
  try {
    const part = Math.ceil(audio.length / count);
    await Promise.all(workers.map((w, i) => post(w, { samples: audio.slice(i * part, (i + 1) * part), rate: RATE })));
    for (let r = 0; r < 3; r++) await Promise.all(workers.map((w) => post(w, 'run')));
    const times: number[] = [];
    for (let r = 0; r < REPS; r++) {
      const t0 = performance.now();
      await Promise.all(workers.map((w) => post(w, 'run')));
      times.push((performance.now() - t0) / 1000);
    }
    return times;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Wall and process CPU seconds per run (CPU time is less disturbed by other load). */
function timeInThread(fn: () => void, reps: number, warmup: number): { times: number[]; cpu: number[] } {
  for (let r = 0; r < warmup; r++) fn();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { times, cpu };
}

interface TorchResult {
  times: number[];
  cpu: number[];
  torch: string;
  torchaudio: string;
}

function timeTorchaudio(rawPath: string, threads: number): TorchResult | string {
  const script = new URL('./mfcc_torchaudio.py', import.meta.url).pathname;
  const run = spawnSync(PYTHON, [script, rawPath, String(RATE), String(threads), String(REPS)], { encoding: 'utf8' });
  if (run.error !== undefined || run.status !== 0) return `not measured (${run.error?.message ?? run.stderr.trim().split('\n').pop() ?? 'failed'})`;
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as TorchResult;
}

interface Row {
  what: string;
  times: number[] | null;
  cpu?: number[];
  note?: string;
}

export const mfccBenchmark: Benchmark = {
  name: 'mfcc',
  title: 'MFCC real-time factor: hibiki (1 and 2 workers) vs torchaudio (1 and 2 threads) vs Meyda, 60 s at 16 kHz',
  async run(): Promise<string> {
    const where = machineLine();
    const audio = testAudio();
    const dir = mkdtempSync(join(tmpdir(), 'hibiki-bench-'));
    const raw = join(dir, 'audio.s16le');
    const int16 = Int16Array.from(audio, (v) => Math.round(v * 32768));
    writeFileSync(raw, new Uint8Array(int16.buffer));
    const config = resolveFeatureConfig({});
    const meydaConfig = resolveFeatureConfig({ flavour: 'meyda' });
    const rows: Row[] = [];
    try {
      // Interleaved so that load changes during the run hit every contender alike.
      const torch1 = timeTorchaudio(raw, 1);
      rows.push({ what: 'hibiki, 1 worker thread', times: await timeWorkers(audio, 1) });
      const torch2 = timeTorchaudio(raw, 2);
      rows.push({ what: 'hibiki, 2 worker threads', times: await timeWorkers(audio, 2) });
      rows.push({ what: 'hibiki, main thread (computeFeatures)', ...timeInThread(() => computeFeatures(audio, RATE, config), REPS, 3) });
      for (const [label, t] of [['torchaudio, 1 thread', torch1], ['torchaudio, 2 threads', torch2]] as const) {
        if (typeof t === 'string') rows.push({ what: label, times: null, note: t });
        else rows.push({ what: `${label} (torch ${t.torch}, torchaudio ${t.torchaudio})`, times: t.times, cpu: t.cpu });
      }
      rows.push({ what: 'Meyda (hibiki meyda flavour), main thread', ...timeInThread(() => computeFeatures(audio, RATE, meydaConfig), 3, 1) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const rtf = (row: Row | undefined): number | null => (row?.times != null ? SECONDS / summarise(row.times).best : null);
    const table = rows.map((r) => {
      if (r.times === null) return `| ${r.what} | ${r.note ?? 'not measured'} | | | |`;
      const s = summarise(r.times);
      const cpu = r.cpu !== undefined ? `${(SECONDS / summarise(r.cpu).best).toFixed(0)}x` : '';
      return `| ${r.what} | ${(SECONDS / s.best).toFixed(0)}x | ${(SECONDS / s.median).toFixed(0)}x | ${(s.best * 1000).toFixed(1)} ms | ${cpu} |`;
    });
    const h1 = rtf(rows[0]);
    const h2 = rtf(rows[1]);
    const t1 = rtf(rows.find((r) => r.what.startsWith('torchaudio, 1')));
    const t2 = rtf(rows.find((r) => r.what.startsWith('torchaudio, 2')));
    const ratio = (a: number | null, b: number | null): string => (a !== null && b !== null ? `${(a / b).toFixed(2)}x` : 'n/a');
    const cpuRtf = (row: Row | undefined): number | null => (row?.cpu !== undefined ? SECONDS / summarise(row.cpu).best : null);
    const hMain = rows.find((r) => r.what.startsWith('hibiki, main'));
    const tOne = rows.find((r) => r.what.startsWith('torchaudio, 1'));
    return [
      '## MFCC speed (bench/mfcc.ts)',
      '',
      `Kaldi-default MFCC (13 ceps, 23 mel bins, 25/10 ms, povey, use-energy) of the same 60 s of 16 kHz audio, best of ${REPS} runs after warm-up (median beside it). hibiki's workers each hold a contiguous part of the audio (2 workers: 30 s each); torchaudio uses torch.set_num_threads. Wall-clock ratios are only meaningful on an otherwise idle machine (see the load average); the CPU-time column (process CPU seconds, single-threaded contenders only) is less sensitive to other load.`,
      '',
      `Measured ${where}.`,
      '',
      '| contender | x real time (best) | x real time (median) | best time | x real time per CPU second (best) |',
      '|---|---|---|---|---|',
      ...table,
      '',
      '| ratio | measured | target |',
      '|---|---|---|',
      `| hibiki 1 worker / torchaudio 1 thread | ${ratio(h1, t1)} | >= 1.0x |`,
      `| hibiki main thread / torchaudio 1 thread, by CPU time | ${ratio(cpuRtf(hMain), cpuRtf(tOne))} | (>= 1.0x) |`,
      `| hibiki 2 workers / torchaudio 2 threads | ${ratio(h2, t2)} | >= 1.5x |`,
      `| hibiki 1 worker / Meyda | ${ratio(h1, rtf(rows.at(-1)))} | |`,
      '',
    ].join('\n');
  },
};
