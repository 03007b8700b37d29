export * from './batches/index.js';
