/**
 * The experiment config (docs/experiments.md): one YAML document that says what to train (task,
 * features, labels, batches, model, loss, loop, evaluation). Validated once, here, with zod; every
 * problem is reported with its dotted path (`CONFIG_INVALID`). Sections reuse the schemas of the
 * layers that own them (model registry, loss family, training loop), so a key means the same thing
 * everywhere.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import { loadConfigFile, resolveConfig, validateConfig, type ConfigLayers } from '../../config/index.js';
import { HibikiError } from '../../errors.js';
import { resolveFeatureConfig, type FeatureConfig } from '../../features/index.js';
import { BACKEND_NAMES } from '../../nn/backend.js';
import { lossConfigSchema, modelConfigSchema, type LossConfig, type ModelConfig } from '../../nn/index.js';
import { resolveTrainConfig, trainConfigSchema, type TrainConfig } from '../../train/index.js';
import { writeFileAtomic } from '../../util/atomic.js';

/** What an experiment learns: per-frame single labels, per-frame multi-label events, or token sequences. */
export const EXPERIMENT_TASKS = ['frame', 'multilabel', 'ctc'] as const;
export type ExperimentTask = (typeof EXPERIMENT_TASKS)[number];

const featuresSchema = z.unknown().transform((value, ctx): FeatureConfig => {
  try {
    return resolveFeatureConfig(value ?? {});
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e), input: value });
    return z.NEVER;
  }
});

const cmvnSchema = z.strictObject({
  /** `global`: train-set mean/variance (archive stats.json); `utterance`: per utterance; `none`. */
  type: z.enum(['global', 'utterance', 'none']).default('global'),
  /** Divide by the standard deviation too (else subtract the mean only). */
  normVars: z.boolean().default(true),
});

const labelsSchema = z.strictObject({
  /** Vocabulary file (one label per line, index = line); null: built from the training labels. */
  vocabulary: z.string().min(1).nullable().default(null),
  /** Unknown labels at evaluation: `error` or `map` (to `<unk>`, which must be in the vocabulary). */
  unk: z.enum(['error', 'map']).default('error'),
  /** Frames no alignment segment covers: `error`, `ignore` (not trained or scored), or a label name. */
  uncovered: z.string().min(1).default('error'),
  /**
   * Label file inside each data directory used for training, instead of the task's standard one
   * (`alignment`, `events.tsv`, `text`), e.g. a corrupted `alignment`; null: the standard file.
   */
  file: z.string().min(1).nullable().default(null),
  /** Label file for dev validation and evaluation (e.g. `alignment.exact`); null: as `file`. */
  evalFile: z.string().min(1).nullable().default(null),
  /** CTC: name of the blank output (index 0). */
  blank: z.string().min(1).default('<blank>'),
});

const batchesSchema = z.strictObject({
  /** Frames (mlp), chunks (sequence models, frame/multilabel tasks) or utterances (ctc) per batch. */
  batchSize: z.number().int().positive().default(256),
  /** mlp: frames of context spliced on each side. */
  context: z.number().int().min(0).default(5),
  /** mlp: shuffle-buffer capacity in frames. */
  bufferFrames: z.number().int().positive().default(20000),
  /** Sequence models on frame/multilabel tasks: chunk length in frames. */
  chunk: z.number().int().positive().default(200),
  /** Shuffle-buffer capacity in chunks. */
  bufferChunks: z.number().int().positive().default(256),
  /** ctc: length sorting of utterance batches. */
  sortByLength: z.enum(['none', 'bucket', 'global']).default('bucket'),
});

const lossSchema = lossConfigSchema.extend({
  /** ctc + unigram smoothing: probability mass of the blank in the prior. */
  blankShare: z.number().min(0).lt(1).default(0.5),
});

const evalSchema = z.strictObject({
  /** Calibration bins (ECE, reliability). */
  bins: z.number().int().positive().default(15),
  binning: z.enum(['equal-width', 'equal-mass']).default('equal-width'),
  /** multilabel: activity threshold (one, or one per class). */
  threshold: z.union([z.number().min(0).max(1), z.array(z.number().min(0).max(1))]).default(0.5),
  /** multilabel: median filter, frames (odd). */
  medianFrames: z.number().int().positive().refine((n) => n % 2 === 1, 'an odd number of frames').default(1),
  /** multilabel: gaps shorter than this (s) are merged. */
  mergeGapSec: z.number().min(0).default(0),
  /** multilabel: events shorter than this (s) are dropped. */
  minDurationSec: z.number().min(0).default(0),
  /** multilabel: event-based onset/offset collar, seconds. */
  collarSec: z.number().min(0).default(0.2),
  /** multilabel: segment length of segment-based metrics, seconds. */
  segmentSec: z.number().positive().default(1),
  /** ctc: beam width; 0 or 1 = greedy decoding. */
  beam: z.number().int().min(0).default(0),
  /** ctc: nats subtracted from the blank's log-probability in decoding. */
  blankPenalty: z.number().min(0).default(0),
  /** ctc: beam search token insertion bonus. */
  insertionBonus: z.number().default(0),
  /** ctc: scoring unit of the token error rate (`token` = exact tokens, as `sclite -s`). */
  scoreMode: z.enum(['token', 'word', 'char']).default('token'),
});

/** Zod schema of the experiment config (input form: every field but `task` optional). */
export const experimentConfigSchema = z
  .strictObject({
    task: z.enum(EXPERIMENT_TASKS),
    seed: z.number().int().default(0),
    backend: z.enum(BACKEND_NAMES).default('auto'),
    features: featuresSchema.prefault({}),
    cmvn: cmvnSchema.prefault({}),
    labels: labelsSchema.prefault({}),
    batches: batchesSchema.prefault({}),
    model: modelConfigSchema.prefault({ type: 'mlp' }),
    loss: lossSchema.prefault({}),
    train: trainConfigSchema.omit({ seed: true }).prefault({}),
    eval: evalSchema.prefault({}),
  })
  .superRefine((c, ctx) => {
    const bad = (path: (string | number)[], message: string, input: unknown): void => {
      ctx.addIssue({ code: 'custom', path, message, input });
    };
    const s = c.loss.smoothing;
    if (c.task === 'frame' && s === 'binary') bad(['loss', 'smoothing'], 'none | uniform | unigram | boundary (frame task)', s);
    if (c.task === 'multilabel' && s !== 'binary' && s !== 'none') bad(['loss', 'smoothing'], 'none | binary (multilabel task)', s);
    if (c.task === 'ctc') {
      if (s !== 'none' && s !== 'uniform' && s !== 'unigram') bad(['loss', 'smoothing'], 'none | uniform | unigram (ctc task: the KL prior)', s);
      if (c.loss.confidencePenalty > 0) bad(['loss', 'confidencePenalty'], '0 for the ctc task', c.loss.confidencePenalty);
      if (c.model.type === 'mlp') bad(['model', 'type'], 'a sequence model (tdnn | bigru | bilstm | crnn) for the ctc task', 'mlp');
    } else if (c.model.type !== 'mlp' && c.model.subsampling !== 1) {
      bad(['model', 'subsampling'], '1 for frame-level tasks (outputs must stay aligned with frames)', c.model.subsampling);
    }
    const monitor = c.train.monitor;
    if (monitor !== null && !DEV_METRICS[c.task].includes(monitor.metric)) {
      bad(['train', 'monitor', 'metric'], `a dev metric of the ${c.task} task: ${DEV_METRICS[c.task].join(' | ')}`, monitor.metric);
    }
  });

/** The dev metrics the validation function reports per task (see scoring.ts devValidator). */
export const DEV_METRICS: Record<ExperimentTask, readonly string[]> = { frame: ['fer', 'nll', 'ece'], multilabel: ['f1', 'precision', 'recall'], ctc: ['ter'] };

/** A resolved experiment config (no optional fields). */
export interface ExperimentConfig {
  task: ExperimentTask;
  seed: number;
  backend: (typeof BACKEND_NAMES)[number];
  features: FeatureConfig;
  cmvn: z.output<typeof cmvnSchema>;
  labels: z.output<typeof labelsSchema>;
  batches: z.output<typeof batchesSchema>;
  model: ModelConfig;
  loss: LossConfig & { blankShare: number };
  /** The loop config as the user wrote it (without seed: the experiment's `seed` drives it). */
  train: Omit<z.output<typeof trainConfigSchema>, 'seed'>;
  eval: z.output<typeof evalSchema>;
}

/**
 * Resolves an experiment config from layers (defaults < file < value < `--set` overrides).
 * @throws HibikiError `CONFIG_INVALID` listing every problem with its path and origin
 */
export function resolveExperimentConfig(layers: ConfigLayers): ExperimentConfig {
  return resolveConfig(experimentConfigSchema, layers, 'experiment config') as ExperimentConfig;
}

/** Validates an in-memory config object (e.g. a recipe's section). */
export function parseExperimentConfig(value: unknown, source?: string): ExperimentConfig {
  return validateConfig(experimentConfigSchema, value, { what: 'experiment config', ...(source === undefined ? {} : { file: source }) }) as ExperimentConfig;
}

/** The training-loop config of an experiment, with the experiment's seed and default monitor. */
export function loopConfigOf(config: ExperimentConfig, hasDev: boolean): TrainConfig {
  const monitor = config.train.monitor ?? (hasDev ? defaultMonitor(config.task) : null);
  return resolveTrainConfig({ ...config.train, seed: config.seed, monitor, schedule: { ...config.train.schedule } });
}

/** The dev metric monitored by default: frame error rate, micro F1, token error rate. */
export function defaultMonitor(task: ExperimentTask): { metric: string; mode: 'min' | 'max'; minDelta: number } {
  if (task === 'multilabel') return { metric: 'f1', mode: 'max', minDelta: 0 };
  return { metric: task === 'ctc' ? 'ter' : 'fer', mode: 'min', minDelta: 0 };
}

/** Path of an experiment's resolved config. */
export function experimentConfigPath(expDir: string): string {
  return join(expDir, 'config.yaml');
}

/** Writes the resolved config (and what ran it) as `config.yaml`, atomically. */
export function writeExperimentConfig(expDir: string, config: ExperimentConfig, extra: Record<string, unknown> = {}): void {
  const header = '# hibiki experiment config, resolved (every default filled in); replayable with hibiki train --config\n';
  const body = toYaml(JSON.parse(JSON.stringify(config)) as unknown);
  const notes = Object.keys(extra).length === 0 ? '' : '# run:\n' + toYaml(extra).split('\n').filter((l) => l !== '').map((l) => `#   ${l}`).join('\n') + '\n';
  writeFileAtomic(experimentConfigPath(expDir), header + notes + body);
}

/**
 * Reads the resolved config of a trained experiment.
 * @throws HibikiError `EXPERIMENT_NOT_FOUND`, `CONFIG_INVALID`
 */
export function readExperimentConfig(expDir: string): ExperimentConfig {
  const path = experimentConfigPath(expDir);
  if (!existsSync(path)) {
    throw new HibikiError('EXPERIMENT_NOT_FOUND', 'not an experiment directory (no config.yaml)', { file: expDir, expected: 'config.yaml written by hibiki train', found: 'none' });
  }
  return parseExperimentConfig(loadConfigFile(path).value, path);
}
