export * from './config.js';
export { buildModel, outputFrames, isSequenceModel, withOutputActivation, MODEL_BUILDERS, type ModelContext } from './build.js';
