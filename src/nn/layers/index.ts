/**
 * hibiki's custom tfjs layers. Importing this module registers them with
 * tf.serialization, which tf.loadLayersModel needs to read a model.json that uses them (in Node
 * or a browser bundle: it depends on @tensorflow/tfjs only).
 */
export { FusedBiGRU, type FusedBiGRUArgs } from './fused-bigru.js';
export { SeededDropout, setDropoutStep, type SeededDropoutArgs } from './seeded-dropout.js';
export { SpliceDense, type SpliceDenseArgs } from './splice-dense.js';
