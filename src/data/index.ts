export * from './batches/index.js';
export * from './datadir/index.js';
export * from './vocab/index.js';
export * from './targets/index.js';
export * from './importers/index.js';
