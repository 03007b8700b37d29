export * from './vocabulary.js';
export * from './phone-map.js';
export * from './labels.js';
export * from './priors.js';
