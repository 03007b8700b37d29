export * from './types.js';
export * from './text-file.js';
export * from './paths.js';
export * from './audio-header.js';
export * from './read.js';
export * from './write.js';
export * from './validate.js';
