/** Messages between the extraction parent and its worker threads, and error transport. */
import { HibikiError } from '../../errors.js';
import type { ShardJob, ShardResult } from './shard.js';

/** Messages from the parent. */
export type ToWorker = { type: 'job'; job: ShardJob } | { type: 'exit' };

/** Messages to the parent. */
export type FromWorker =
  | { type: 'progress'; utt: string; frames: number; seconds: number }
  | { type: 'done'; result: ShardResult }
  | { type: 'error'; error: SerializedError };

/** A HibikiError (or other error) flattened for postMessage. */
export interface SerializedError {
  hibiki: boolean;
  code: string;
  message: string;
  file?: string;
  line?: number;
  utterance?: string;
  expected?: string;
  found?: string;
  stack?: string;
}

/** Rebuilds the error in the parent thread, keeping the worker's exact message. */
export function deserializeError(s: SerializedError): Error {
  if (!s.hibiki) {
    const e = new Error(s.message);
    if (s.stack !== undefined) e.stack = s.stack;
    return e;
  }
  const details: ConstructorParameters<typeof HibikiError>[2] = {};
  if (s.file !== undefined) details.file = s.file;
  if (s.line !== undefined) details.line = s.line;
  if (s.utterance !== undefined) details.utterance = s.utterance;
  if (s.expected !== undefined) details.expected = s.expected;
  if (s.found !== undefined) details.found = s.found;
  const e = new HibikiError(s.code, '', details);
  e.message = s.message;
  return e;
}

/** Flattens an error for postMessage. */
export function serializeError(e: unknown): SerializedError {
  if (e instanceof HibikiError) {
    const out: SerializedError = { hibiki: true, code: e.code, message: e.message };
    if (e.file !== undefined) out.file = e.file;
    if (e.line !== undefined) out.line = e.line;
    if (e.utterance !== undefined) out.utterance = e.utterance;
    if (e.expected !== undefined) out.expected = e.expected;
    if (e.found !== undefined) out.found = e.found;
    return out;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { hibiki: false, code: 'INTERNAL', message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}) };
}

