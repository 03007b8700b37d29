/**
 * hibiki's public API. Named exports only; recipes and users import from here.
 * Each layer re-exports its public surface through its own index.ts, in DESIGN.md's layer order.
 */
export * from './errors.js';
export * from './util/index.js';
export * from './config/index.js';
export * from './audio/index.js';
export * from './features/index.js';
export * from './data/index.js';
export * from './nn/index.js';
export * from './train/index.js';
export * from './eval/index.js';
export * from './pipeline/index.js';
