/** CTC: loss with optional label smoothing, priors, decoding. */
export * from './core.js';
export * from './loss.js';
export * from './prior.js';
export * from './decode.js';
