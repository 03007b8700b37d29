/** Messages between the trainer and its replica workers, and error transport across threads. */
import { HibikiError } from '../../errors.js';
import type { ReplicaSpec } from './types.js';

/** Messages to a worker. */
export type ToReplica =
  | {
      type: 'init';
      /** tfjs backend of the main thread (`cpu`, `wasm`, `tensorflow`). */
      backend: string;
      replica: ReplicaSpec;
      /** Shapes of the main model's weights (`model.weights` order), checked against the replica. */
      weightShapes: number[][];
      /** Shapes of its trainable weights (`model.trainableWeights` order). */
      gradShapes: number[][];
      /** The weights of each step, `weightShapes` laid out one after another (shared by all workers). */
      weights: SharedArrayBuffer;
      /** This worker's gradients, `gradShapes` laid out one after another. */
      grads: SharedArrayBuffer;
    }
  | {
      /** Compute a shard with the weights now in the shared weight buffer. */
      type: 'step';
      step: number;
      seed: number;
      shard: number;
      /** The gradients to return are those of `scale * loss` (the shard's share). */
      scale: number;
      batch: unknown;
    };

/** Messages from a worker. */
export type FromReplica =
  | { type: 'ready' }
  /** The gradients are in the worker's shared gradient buffer. */
  | { type: 'grads'; step: number; loss: number }
  | { type: 'error'; error: SerializedError };

/** An error flattened for postMessage. */
export interface SerializedError {
  hibiki: boolean;
  code: string;
  message: string;
  exitCode: number;
  file?: string;
  line?: number;
  utterance?: string;
  expected?: string;
  found?: string;
  stack?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof HibikiError) {
    const out: SerializedError = { hibiki: true, code: e.code, message: e.message, exitCode: e.exitCode };
    for (const k of ['file', 'line', 'utterance', 'expected', 'found'] as const) if (e[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = e[k];
    return out;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { hibiki: false, code: 'INTERNAL', message: err.message, exitCode: 1, ...(err.stack === undefined ? {} : { stack: err.stack }) };
}

/**
 * The worker's error in the main thread: a HibikiError keeps its code and message; anything
 * else becomes `TRAIN_WORKER_FAILED` naming the worker and the original message.
 */
export function deserializeError(s: SerializedError, worker: number): HibikiError {
  if (s.hibiki) {
    const details: ConstructorParameters<typeof HibikiError>[2] = {};
    for (const k of ['file', 'utterance', 'expected', 'found'] as const) if (s[k] !== undefined) details[k] = s[k];
    if (s.line !== undefined) details.line = s.line;
    const e = new HibikiError(s.code, '', details, s.exitCode);
    e.message = s.message;
    return e;
  }
  return workerFailed(worker, s.message, s.stack);
}

/** `TRAIN_WORKER_FAILED`: a replica worker threw, exited or could not start. */
export function workerFailed(worker: number, message: string, stack?: string): HibikiError {
  return new HibikiError('TRAIN_WORKER_FAILED', `data-parallel worker ${worker} failed: ${message}`, {
    expected: 'the worker to compute its shard',
    found: message,
    ...(stack === undefined ? {} : { cause: stack }),
  }, 1);
}
