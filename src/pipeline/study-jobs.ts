/**
 * `hibiki run ... --jobs N`: the runs of a study, N at a time, each in its own child process
 * (study-worker.ts). Training is single-threaded per process, so N runs use N cores; a run's
 * result does not depend on which process ran it or on what ran beside it.
 *
 * The pool only manages processes: it starts them, forwards their log lines (prefixed with the
 * run's tag) to one stream, collects each run's result or error, lets the other runs finish when
 * one fails, and stops every child on SIGINT/SIGTERM.
 */
import { fork, type ChildProcess, type Serializable } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HibikiError } from '../errors.js';
import type { StageLogger } from './logger.js';

/** What a worker sends back: its run's result, or why it failed. */
export type WorkerReply<T> = { ok: true; result: T } | { ok: false; message: string; code: string | null; internal: boolean };

/** One run to do. */
export interface StudyJob {
  index: number;
  tag: string;
}

/** How one run ended. */
export type JobOutcome<T> = (StudyJob & { ok: true; result: T }) | (StudyJob & { ok: false; message: string; code: string | null; internal: boolean });

export interface StudyJobsOptions {
  /** Runs at once (>= 1). */
  jobs: number;
  runs: readonly StudyJob[];
  /** The message a run's worker gets (study-worker.ts: `{ options }` for runRecipe). */
  message(job: StudyJob): Serializable;
  /** Where the workers' log lines go, prefixed with the run's tag; null drops them (they are in each run's run.log). */
  stream: NodeJS.WritableStream | null;
  /** The study's logger: a line when a run starts, ends or fails. */
  log: StageLogger;
  /** Worker module; default study-worker next to this file (.ts under tsx, .js when compiled). */
  worker?: string;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

function defaultWorker(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`./study-worker${ext}`, import.meta.url));
}

/** Node flags for a worker: this process's loaders (tsx under the tests), without test-runner flags. */
function workerExecArgv(worker: string): string[] {
  const argv = process.execArgv.filter((a) => !a.startsWith('--test'));
  if (worker.endsWith('.ts') && !argv.some((a) => a.includes('tsx'))) argv.push('--import', 'tsx');
  return argv;
}

/** Forwards whole lines of a child's output, each prefixed. */
function forwardLines(from: NodeJS.ReadableStream | null, to: NodeJS.WritableStream | null, prefix: string): void {
  if (from === null) return;
  let pending = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) to?.write(`${prefix}${line}\n`);
  });
  from.on('end', () => {
    if (pending !== '') to?.write(`${prefix}${pending}\n`);
    pending = '';
  });
}

/**
 * Runs every job in a worker process, at most `jobs` at once, in the order given.
 * @returns one outcome per job, in the order of `runs` (not of completion)
 * @throws HibikiError `RUN_INTERRUPTED` (exit code 128 + signal number) after SIGINT/SIGTERM,
 *   once every child has exited
 */
export async function runStudyJobs<T>(options: StudyJobsOptions): Promise<JobOutcome<T>[]> {
  const worker = options.worker ?? defaultWorker();
  const execArgv = workerExecArgv(worker);
  const outcomes = new Map<number, JobOutcome<T>>();
  const live = new Map<number, ChildProcess>();
  const queue = [...options.runs];
  let stopping: NodeJS.Signals | null = null;

  return new Promise<JobOutcome<T>[]>((resolve, reject) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping !== null) return;
      stopping = signal;
      options.log.warn(`${signal}: stopping ${live.size} running study run(s); ${queue.length} not started`);
      queue.length = 0;
      for (const child of live.values()) child.kill('SIGTERM');
      finishIfDone();
    };
    for (const s of SIGNALS) process.on(s, onSignal);

    function finishIfDone(): void {
      if (live.size > 0 || queue.length > 0) return;
      for (const s of SIGNALS) process.off(s, onSignal);
      if (stopping !== null) {
        reject(new HibikiError('RUN_INTERRUPTED', `study stopped by ${stopping}`, { expected: 'the study to finish', found: `${stopping} with ${outcomes.size} of ${options.runs.length} runs ended` }, 128 + SIGNAL_NUMBERS[stopping]!));
        return;
      }
      resolve(options.runs.map((job) => outcomes.get(job.index)!));
    }

    function start(job: StudyJob): void {
      const child = fork(worker, [], { execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
      live.set(job.index, child);
      options.log.info(`run ${job.tag}: started (process ${child.pid ?? '?'})`);
      const prefix = `[${job.tag}] `;
      forwardLines(child.stdout, options.stream, prefix);
      forwardLines(child.stderr, options.stream, prefix);
      let reply: WorkerReply<T> | undefined;
      let ended = false;
      child.on('message', (m: WorkerReply<T>) => (reply = m));
      child.on('error', (e) => {
        reply ??= { ok: false, message: `worker error: ${e.message}`, code: null, internal: true };
        // A process that never started emits no 'close'.
        if (child.pid === undefined) end(null, null);
      });
      // 'close' comes after the process has exited and its output and IPC channel are drained.
      child.on('close', (code, signal) => end(code, signal));
      const end = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (ended) return;
        ended = true;
        live.delete(job.index);
        let outcome: JobOutcome<T>;
        if (reply?.ok === true) outcome = { ...job, ok: true, result: reply.result };
        else if (reply !== undefined) outcome = { ...job, ...reply };
        else outcome = { ...job, ok: false, message: signal !== null ? `worker killed by ${signal}` : `worker exited with code ${String(code)} without a result`, code: null, internal: true };
        outcomes.set(job.index, outcome);
        if (outcome.ok) options.log.info(`run ${job.tag}: done`);
        else options.log.error(`run ${job.tag} failed: ${outcome.message}`);
        next();
      };
      try {
        child.send(options.message(job));
      } catch (e) {
        reply ??= { ok: false, message: `could not reach the worker: ${e instanceof Error ? e.message : String(e)}`, code: null, internal: true };
        child.kill('SIGTERM');
      }
    }

    function next(): void {
      while (stopping === null && live.size < options.jobs && queue.length > 0) start(queue.shift()!);
      finishIfDone();
    }
    next();
  });
}
