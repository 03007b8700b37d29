/** Training layer: the loop, optimisers, schedules, checkpoints, resume, export. */
export { streamTask, type TrainTask } from './task.js';
export {
  batchParallelSupport,
  splitBatch,
  sliceBatch,
  shardRanges,
  lossNormaliser,
  MAX_JOBS,
  type ShardableBatch,
  type ReplicaSpec,
  type Replica,
  type ReplicaFactory,
  type ParallelSupport,
} from './parallel/index.js';
export { train, type TrainOptions, type TrainResult, type BestRecord } from './loop.js';
export { resolveTrainConfig, trainConfigSchema, type TrainConfig } from './config.js';
export { Optimizer, resolveOptimizerConfig, type OptimizerConfig, type OptimizerState } from './optimizers.js';
export {
  learningRateAt,
  updatePlateau,
  initialPlateauState,
  type ScheduleConfig,
  type PlateauConfig,
  type PlateauState,
} from './schedule.js';
export { clipByGlobalNorm } from './clip.js';
export {
  saveCheckpoint,
  readCheckpoint,
  loadLatestCheckpoint,
  listCheckpoints,
  pruneCheckpoints,
  checkpointName,
  type Checkpoint,
  type CheckpointManifest,
  type NamedTensor,
} from './checkpoint.js';
export { buildSeeded, withSeededMathRandom, withStepRandomness } from './seeded.js';
export { truncateTrainLog, type TrainStepRecord, type TrainEpochRecord, type TrainRecord } from './progress.js';
export { fileSaveHandler, fileLoadHandler, saveModelDir } from './model-io.js';
export {
  exportModel,
  loadExportedModel,
  experimentModelDir,
  type Frontend,
  type FrontendInput,
  type ExportOptions,
} from './export.js';
