/**
 * The main thread's side of data-parallel training: starts `jobs - 1` replica workers, sends
 * each its shard (the current weights travel in a SharedArrayBuffer, shared.ts), and collects
 * their losses and gradients. Any worker
 * failure (an error it reports, an uncaught exception, an unexpected exit) rejects the pending
 * step with a HibikiError, so the trainer fails instead of waiting forever.
 */
import { Worker } from 'node:worker_threads';
import { HibikiError } from '../../errors.js';
import { deserializeError, workerFailed, type FromReplica, type ToReplica } from './protocol.js';
import { sharedBufferFor, sharedViews } from './shared.js';
import type { ReplicaSpec } from './types.js';

/** One worker's answer for a step. */
export interface ShardResult {
  loss: number;
  /** Views of the worker's shared gradient buffer: valid until the next `post`. */
  grads: Float32Array[];
}

/**
 * How to start the worker: compiled JS from dist/ directly; TypeScript (hibiki's sources under
 * tsx in tests and `npm run hibiki`, or a replica module written in TypeScript) through a
 * bootstrap that registers tsx's loader in the worker first, because Node 20 does not apply
 * `--import tsx` hooks to a worker's entry (nor to what the replica module imports).
 */
function startWorker(replicaModule: string): Worker {
  const self = import.meta.url;
  // A worker logging "backend: wasm" at info level would repeat the parent's line once per job.
  const level = process.env['HIBIKI_LOG'];
  const env = { ...process.env, HIBIKI_LOG: level === undefined || level === 'info' ? 'warn' : level };
  const entry = new URL(self.endsWith('.ts') ? './worker.ts' : './worker.js', self).href;
  if (!self.endsWith('.ts') && !replicaModule.endsWith('.ts')) return new Worker(new URL(entry), { env });
  let api: string;
  try {
    api = import.meta.resolve('tsx/esm/api');
  } catch {
    throw workerFailed(0, `the replica module ${replicaModule} is TypeScript, and tsx (needed to load it) is not installed`);
  }
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, env });
}

interface Pending {
  resolve: (m: FromReplica) => void;
  reject: (e: HibikiError) => void;
}

/** A worker and the one request it may have outstanding. */
class ReplicaWorker {
  readonly worker: Worker;
  private pending: Pending | null = null;
  private failure: HibikiError | null = null;
  private closing = false;

  /** This worker's gradients, `trainableWeights` order. */
  readonly gradBuffer: SharedArrayBuffer;
  readonly grads: Float32Array[];

  constructor(readonly index: number, gradShapes: number[][], replicaModule: string) {
    this.gradBuffer = sharedBufferFor(gradShapes);
    this.grads = sharedViews(this.gradBuffer, gradShapes);
    this.worker = startWorker(replicaModule);
    this.worker.on('message', (m: FromReplica) => {
      const p = this.pending;
      this.pending = null;
      if (p === null) return;
      if (m.type === 'error') p.reject(deserializeError(m.error, index));
      else p.resolve(m);
    });
    this.worker.on('error', (e: Error) => this.fail(workerFailed(index, e.message, e.stack)));
    this.worker.on('exit', (code) => {
      if (!this.closing) this.fail(workerFailed(index, `exited with code ${code}`));
    });
  }

  private fail(e: HibikiError): void {
    this.failure ??= e;
    const p = this.pending;
    this.pending = null;
    p?.reject(e);
  }

  /** Sends `msg` and resolves with the worker's answer. */
  request(msg: ToReplica): Promise<FromReplica> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(msg);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}

/** `jobs - 1` workers holding replicas of the task (worker i computes shard i + 1). */
export class ReplicaGroup {
  private readonly weights: Float32Array[];

  private constructor(
    private readonly workers: ReplicaWorker[],
    private readonly weightBuffer: SharedArrayBuffer,
    weightShapes: number[][],
  ) {
    this.weights = sharedViews(weightBuffer, weightShapes);
  }

  /**
   * Starts the workers and builds a replica in each; resolves when all are ready.
   * @param weightShapes the main model's weight shapes (`model.weights` order)
   * @param gradShapes its trainable weights' shapes (`model.trainableWeights` order)
   * @throws HibikiError `TRAIN_WORKER_FAILED` / `TRAIN_REPLICA_INVALID` (or the factory's own error)
   */
  static async start(workers: number, backend: string, replica: ReplicaSpec, weightShapes: number[][], gradShapes: number[][]): Promise<ReplicaGroup> {
    const list: ReplicaWorker[] = [];
    try {
      for (let i = 0; i < workers; i++) list.push(new ReplicaWorker(i + 1, gradShapes, replica.module));
    } catch (e) {
      await Promise.all(list.map((w) => w.close()));
      throw e;
    }
    const group = new ReplicaGroup(list, sharedBufferFor(weightShapes), weightShapes);
    try {
      await Promise.all(list.map((w) => w.request({ type: 'init', backend, replica, weightShapes, gradShapes, weights: group.weightBuffer, grads: w.gradBuffer })));
    } catch (e) {
      await group.close();
      throw e;
    }
    return group;
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Posts shard `i + 1` to worker `i` (null: nothing to compute) and returns the pending answers
   * in shard order. Post first, then compute shard 0 in this thread, then await.
   * @param scales per posted shard, the factor of its loss (its share); default 1
   */
  post(step: number, seed: number, weights: Float32Array[], shards: (unknown | null)[], scales: number[] = []): Promise<(ShardResult | null)[]> {
    weights.forEach((w, i) => this.weights[i]!.set(w));
    return Promise.all(
      this.workers.map(async (w, i) => {
        const batch = shards[i];
        if (batch === null || batch === undefined) return null;
        const m = await w.request({ type: 'step', step, seed, shard: i + 1, scale: scales[i] ?? 1, batch });
        if (m.type !== 'grads' || m.step !== step) throw workerFailed(w.index, `answered ${m.type} out of turn`);
        return { loss: m.loss, grads: w.grads };
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
