/** Helpers shared by benchmarks: machine description, timing, starting TypeScript workers. */
import { cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';

/** One line saying where and when a benchmark ran (load average included: it skews timings). */
export function machineLine(): string {
  const cpu = cpus();
  return `${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, ${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown CPU'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) at the start`;
}

/** Minimum and median of timings. */
export function summarise(times: number[]): { best: number; median: number } {
  const s = [...times].sort((a, b) => a - b);
  return { best: s[0]!, median: s[Math.floor(s.length / 2)]! };
}

/** Starts a worker from a module next to the caller, as .ts through tsx or as compiled .js. */
export function startWorker(moduleUrl: URL): Worker {
  if (!moduleUrl.href.endsWith('.ts')) return new Worker(moduleUrl);
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(moduleUrl.href)}, ${JSON.stringify(moduleUrl.href)}))`;
  return new Worker(code, { eval: true });
}
