/**
 * The training config (the `train:` section of a recipe), validated once with zod; the result has
 * no optional fields. Defaults are listed in docs/training.md.
 */
import { z } from 'zod';
import { validateConfig } from '../config/validate.js';
import { resolveOptimizerConfig, type OptimizerConfig } from './optimizers.js';
import { MAX_JOBS } from './parallel/limits.js';
import type { ScheduleConfig } from './schedule.js';

const positiveInt = z.number().int().min(1);
const nonNegInt = z.number().int().min(0);

const optimizerSchema = z.strictObject({
  type: z.enum(['adam', 'adamw', 'sgd']).default('adam'),
  learningRate: z.number().positive().default(1e-3),
  beta1: z.number().min(0).lt(1).optional(),
  beta2: z.number().min(0).lt(1).optional(),
  epsilon: z.number().positive().optional(),
  weightDecay: z.number().min(0).optional(),
  decayOn: z.enum(['all', 'kernels']).optional(),
  momentum: z.number().min(0).lt(1).optional(),
  nesterov: z.boolean().optional(),
});

const scheduleSchema = z.strictObject({
  warmupSteps: nonNegInt.default(0),
  decay: z.enum(['constant', 'cosine', 'step']).default('constant'),
  minLearningRate: z.number().min(0).default(0),
  stepSize: positiveInt.default(1000),
  gamma: z.number().positive().default(0.1),
  plateau: z
    .strictObject({
      factor: z.number().positive().lt(1).default(0.5),
      patience: nonNegInt.default(1),
      minLearningRate: z.number().min(0).default(0),
    })
    .nullable()
    .default(null),
});

const monitorSchema = z.strictObject({
  metric: z.string().min(1),
  mode: z.enum(['min', 'max']),
  minDelta: z.number().min(0).default(0),
});

export const trainConfigSchema = z.strictObject({
  epochs: positiveInt.default(10),
  seed: z.number().int().default(0),
  optimizer: optimizerSchema.prefault({}),
  schedule: scheduleSchema.prefault({}),
  /** Global-norm gradient clipping threshold; null = off. */
  clipNorm: z.number().positive().nullable().default(null),
  logEvery: positiveInt.default(10),
  /** Checkpoint every N steps (0 = only at epoch ends). */
  checkpointEvery: nonNegInt.default(500),
  keepCheckpoints: positiveInt.default(3),
  monitor: monitorSchema.nullable().default(null),
  /** Epochs without improvement of the monitored metric before stopping; null = never. */
  earlyStoppingPatience: nonNegInt.nullable().default(null),
  progress: z.enum(['auto', 'bar', 'none']).default('auto'),
  /** Data-parallel jobs: each batch is split over this thread and `jobs - 1` worker threads. */
  jobs: positiveInt.max(MAX_JOBS).default(1),
});

/** A resolved training config. */
export interface TrainConfig {
  epochs: number;
  seed: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  clipNorm: number | null;
  logEvery: number;
  checkpointEvery: number;
  keepCheckpoints: number;
  monitor: { metric: string; mode: 'min' | 'max'; minDelta: number } | null;
  earlyStoppingPatience: number | null;
  progress: 'auto' | 'bar' | 'none';
  /** Data-parallel jobs (1 = this thread only); see docs/training.md. */
  jobs: number;
}

/**
 * Validates a training config (all fields optional; defaults filled).
 * @param source file name for error messages
 * @throws HibikiError `CONFIG_INVALID` listing every problem
 */
export function resolveTrainConfig(input: unknown, source?: string): TrainConfig {
  const c = validateConfig(trainConfigSchema, input ?? {}, { what: 'training config', ...(source === undefined ? {} : { file: source }) });
  const o = c.optimizer;
  const optimizer = resolveOptimizerConfig({
    type: o.type,
    learningRate: o.learningRate,
    ...(o.beta1 === undefined ? {} : { beta1: o.beta1 }),
    ...(o.beta2 === undefined ? {} : { beta2: o.beta2 }),
    ...(o.epsilon === undefined ? {} : { epsilon: o.epsilon }),
    ...(o.weightDecay === undefined ? {} : { weightDecay: o.weightDecay }),
    ...(o.decayOn === undefined ? {} : { decayOn: o.decayOn }),
    ...(o.momentum === undefined ? {} : { momentum: o.momentum }),
    ...(o.nesterov === undefined ? {} : { nesterov: o.nesterov }),
  });
  return {
    epochs: c.epochs,
    seed: c.seed,
    optimizer,
    schedule: { ...c.schedule, plateau: c.schedule.plateau ?? undefined },
    clipNorm: c.clipNorm,
    logEvery: c.logEvery,
    checkpointEvery: c.checkpointEvery,
    keepCheckpoints: c.keepCheckpoints,
    monitor: c.monitor,
    earlyStoppingPatience: c.earlyStoppingPatience,
    progress: c.progress,
    jobs: c.jobs,
  };
}
