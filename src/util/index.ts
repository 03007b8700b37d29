export * from './rng.js';
export * from './atomic.js';
export * from './jsonl.js';
export * from './log.js';
