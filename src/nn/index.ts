/** nn layer: backend selection, model registry, label-smoothing losses. */
export * from './losses/index.js';
