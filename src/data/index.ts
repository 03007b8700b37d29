/** data layer: data directories, importers, targets, vocabularies, feature archives, batches, synthetic corpora. */
export * from './datadir/index.js';
export * from './importers/index.js';
export * from './targets/index.js';
export * from './vocab/index.js';
export * from './archive/index.js';
export * from './batches/index.js';
export * from './synth/index.js';
