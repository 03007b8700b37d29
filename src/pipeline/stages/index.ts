/**
 * The shipped stage kinds (docs/recipes.md, "Shipped recipes"): data preparation for the synthetic
 * corpora, FSDD and any importer; features; stats; train; eval; decode; report; compare.
 */
import type { StageKind } from '../registry.js';
import { prepareSynthEvents, prepareSynthPhones } from './prepare-synth.js';
import { featuresStage } from './features.js';
import { prepareFsdd } from './prepare-fsdd.js';
import { prepareImport } from './prepare-import.js';
import { statsStage } from './stats.js';
import { trainStage } from './train.js';
import { decodeStage, evalStage } from './eval.js';
import { reportStage } from './report.js';
import { compareStage } from './compare.js';

export { synthDataSchema } from './prepare-synth.js';
export { fsddDataSchema, fsddSplits, DIGIT_WORDS } from './prepare-fsdd.js';
export { listFsdd, downloadFsdd, FSDD_URL, type FsddRecording } from './fsdd-source.js';
export { readSets, writeSets, dataDirOf, allowOutsideOf, type SetsManifest } from './sets.js';
export { importDataSchema, holdOutSplit } from './prepare-import.js';
export { experimentConfigOf, EXPERIMENT_KEYS } from './experiment-config.js';
export { chanceLevels, type SetStats } from './stats.js';
export { summarizeMetrics, type MetricSummary } from './summary.js';
export { aggregateRuns, meanStd, comparisonTable, type ComparisonRow } from './compare.js';
export type { EvalStageMetrics } from './eval.js';

/** Every shipped stage kind, registered in the default registry by builtin.ts. */
export const RECIPE_STAGE_KINDS: readonly StageKind[] = [prepareSynthEvents, prepareSynthPhones, prepareFsdd, prepareImport, featuresStage, statsStage, trainStage, evalStage, decodeStage, reportStage, compareStage];
