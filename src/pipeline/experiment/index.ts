/** Experiments: config, training, evaluation, decoding and inference of frame, multi-label and CTC models. */
export {
  EXPERIMENT_TASKS,
  experimentConfigSchema,
  resolveExperimentConfig,
  parseExperimentConfig,
  readExperimentConfig,
  writeExperimentConfig,
  experimentConfigPath,
  loopConfigOf,
  defaultMonitor,
  type ExperimentConfig,
  type ExperimentTask,
} from './config.js';
export { openDataset, buildVocabulary, labelPriorOf, eventFileName, type DatasetRef, type OpenDataset, type OpenDatasetOptions } from './datasets.js';
export { normaliseFeatures, forwardUtterance, forwardUtterances, UTTERANCE_BATCH, activateInPlace, argmaxRows, type FrameScores, type NetworkShape, type Normalisation } from './predict.js';
export { frontendOf, networkShapeOf, loadExperimentModel, resolveModelDir, FRONTEND_TASKS, type LoadedModel, type ExperimentFrontendSection } from './frontend.js';
export { devValidator, decodeCtc, type CtcDecodeOptions } from './scoring.js';
export { trainExperiment, EXPERIMENT_FILES, type TrainExperimentOptions, type TrainSummary, type ExperimentProgress } from './train.js';
export {
  evaluateExperiment,
  decodeExperiment,
  evalDir,
  decodeDir,
  frameRuns,
  type EvaluateExperimentOptions,
  type DecodeExperimentOptions,
  type DecodeSummary,
  type ExperimentMetrics,
  type CtcMetricsRecord,
} from './evaluate.js';
export { inferFiles, featuresOfFile, type InferOptions, type InferResult, type InferSegment } from './infer.js';
