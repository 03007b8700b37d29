/**
 * What an exported experiment model carries besides the network (frontend.json): the feature
 * config, CMVN, vocabulary, task, splice context, prior, and hibiki's own section (`experiment`)
 * with the network framing, the normalisation type and the post-processing / decoding settings,
 * so `hibiki infer` needs the model directory alone.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { validateConfig } from '../../config/index.js';
import type { CmvnStats, Vocabulary } from '../../data/index.js';
import { HibikiError } from '../../errors.js';
import { resolveFeatureConfig, type FeatureConfig } from '../../features/index.js';
import { isSequenceModel } from '../../nn/index.js';
import { loadExportedModel, type Frontend, type FrontendInput } from '../../train/index.js';
import type { ExperimentConfig, ExperimentTask } from './config.js';
import type { NetworkShape, Normalisation } from './predict.js';

/** frontend.json `task` per experiment task. */
export const FRONTEND_TASKS: Record<ExperimentTask, string> = { frame: 'frame-classification', multilabel: 'multi-label', ctc: 'ctc' };

const experimentSectionSchema = z.looseObject({
  task: z.enum(['frame', 'multilabel', 'ctc']),
  sequence: z.boolean(),
  subsampling: z.number().int().positive(),
  context: z.number().int().min(0),
  /** Zero-padded batches give the same outputs (masked recurrent model without subsampling). */
  padSafe: z.boolean().default(false),
  cmvn: z.object({ type: z.enum(['global', 'utterance', 'none']), normVars: z.boolean() }),
  postprocess: z.object({
    threshold: z.union([z.number(), z.array(z.number())]),
    medianFrames: z.number().int().positive(),
    mergeGapSec: z.number().min(0),
    minDurationSec: z.number().min(0),
  }),
  decode: z.object({ beam: z.number().int().min(0), blankPenalty: z.number().min(0), insertionBonus: z.number() }),
});

/** hibiki's section of frontend.json. */
export type ExperimentFrontendSection = z.output<typeof experimentSectionSchema>;

/** The network framing of an experiment's model. */
export function networkShapeOf(config: ExperimentConfig): NetworkShape {
  const sequence = isSequenceModel(config.model);
  const m = config.model;
  const padSafe = (m.type === 'bigru' || m.type === 'bilstm') && m.subsampling === 1;
  return { sequence, context: sequence ? 0 : config.batches.context, subsampling: m.type === 'mlp' ? 1 : m.subsampling, padSafe };
}

/** frontend.json contents for an experiment's exported model. */
export function frontendOf(config: ExperimentConfig, vocab: Vocabulary, cmvn: CmvnStats | undefined, prior: ArrayLike<number>): FrontendInput {
  const shape = networkShapeOf(config);
  const e = config.eval;
  const experiment: ExperimentFrontendSection = {
    task: config.task,
    sequence: shape.sequence,
    subsampling: shape.subsampling,
    context: shape.context,
    padSafe: shape.padSafe === true,
    cmvn: { type: config.cmvn.type, normVars: config.cmvn.normVars },
    postprocess: { threshold: e.threshold, medianFrames: e.medianFrames, mergeGapSec: e.mergeGapSec, minDurationSec: e.minDurationSec },
    decode: { beam: e.beam, blankPenalty: e.blankPenalty, insertionBonus: e.insertionBonus },
  };
  return {
    featureConfig: config.features,
    cmvn: cmvn === undefined ? null : cmvn,
    vocabulary: vocab.labels,
    task: FRONTEND_TASKS[config.task],
    ...(shape.sequence ? {} : { context: shape.context }),
    labelPrior: prior,
    experiment,
  };
}

/** A loaded exported model with everything inference needs. */
export interface LoadedModel {
  model: tf.LayersModel;
  frontend: Frontend;
  experiment: ExperimentFrontendSection;
  features: FeatureConfig;
  shape: NetworkShape;
  norm: Normalisation;
  labels: readonly string[];
  dir: string;
}

/**
 * The exported model directory of `path`: an experiment directory (its `model/`) or a model
 * directory itself (holding frontend.json).
 * @throws HibikiError `MODEL_NOT_FOUND`
 */
export function resolveModelDir(path: string): string {
  if (existsSync(join(path, 'frontend.json'))) return path;
  if (existsSync(join(path, 'model', 'frontend.json'))) return join(path, 'model');
  throw new HibikiError('MODEL_NOT_FOUND', 'no exported model here', {
    file: path,
    expected: 'an experiment directory with model/ (written by hibiki train) or a model directory with frontend.json',
    found: 'neither',
  });
}

/**
 * Loads an exported experiment model (experiment or model directory).
 * @throws HibikiError `MODEL_NOT_FOUND`, `MODEL_INVALID`, `CONFIG_INVALID`
 */
export async function loadExperimentModel(path: string): Promise<LoadedModel> {
  const dir = resolveModelDir(path);
  const { model, frontend } = await loadExportedModel(dir);
  const file = join(dir, 'frontend.json');
  const experiment = validateConfig(experimentSectionSchema, (frontend as Record<string, unknown>)['experiment'], { file, what: 'frontend.json experiment section' });
  const features = resolveFeatureConfig(frontend.featureConfig, file);
  const cmvn = frontend.cmvn;
  const norm: Normalisation = {
    type: experiment.cmvn.type,
    normVars: experiment.cmvn.normVars,
    ...(cmvn === null ? {} : { stats: { mean: cmvn.mean, ...(cmvn.variance === undefined ? {} : { variance: cmvn.variance }) } }),
  };
  return {
    model,
    frontend,
    experiment,
    features,
    shape: { sequence: experiment.sequence, context: experiment.context, subsampling: experiment.subsampling, padSafe: experiment.padSafe },
    norm,
    labels: frontend.vocabulary,
    dir,
  };
}
