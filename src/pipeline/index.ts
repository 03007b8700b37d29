/** Pipeline layer: the recipe runner (stages, stamps, studies) and its stage-kind registry. */
export {
  StageRegistry,
  defaultStageRegistry,
  registerStageKind,
  registerConfigSection,
  type StageKind,
  type StageContext,
  type StudyInfo,
  type StudyRunInfo,
} from './registry.js';
export type { StageLogger } from './logger.js';
export { BUILTIN_STAGE_KINDS, BUILTIN_CONFIG_SECTIONS } from './builtin.js';
export { recipeSchema, stageEntrySchema, studySchema, resolveRecipe, type RecipeConfig, type StageEntry, type StudySpec, type StagePlan } from './recipe.js';
export { expandStudy, axisValues, axisShortNames, sanitizeLabel, type StudyRun } from './study.js';
export { readStamp, signatureOf, type Stamp, type Signature } from './stamp.js';
export { runRecipe, formatRunSummary, stageIndex, type RunOptions, type RunSummary, type ExperimentSummary } from './runner.js';
export type { StageReport, StageStatus } from './execute.js';
export { findPrepareModule, type PrepareModule, type HibikiApi } from './prepare-module.js';
export * from './experiment/index.js';
export * from './stages/index.js';
