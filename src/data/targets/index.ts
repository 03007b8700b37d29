export * from './geometry.js';
export * from './alignment.js';
export * from './events.js';
export * from './data-dir.js';
