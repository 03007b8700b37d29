/**
 * `train`: trains the recipe's experiment config (top-level sections, see experiment-config.ts)
 * on a set of a prepare stage, validating on another, with the features stage's archives. The
 * stage's output directory is the experiment directory (config.yaml, train.jsonl, checkpoints/,
 * model/). Resumable: an interrupted run continues from its last checkpoint when the stage's key
 * is unchanged.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { HibikiError } from '../../errors.js';
import { trainExperiment } from '../experiment/train.js';
import type { DatasetRef } from '../experiment/datasets.js';
import type { StageContext, StageKind } from '../registry.js';
import { EXPERIMENT_KEYS, experimentConfigOf } from './experiment-config.js';
import { allowOutsideOf, dataDirOf, isSkipped, markSkipped, readSets } from './sets.js';

const optionsSchema = z.strictObject({
  /** Prepare stage holding the data directories. */
  data: z.string().min(1).default('prepare'),
  /** Features stage holding the archives (null: extract into the experiment directory). */
  features: z.string().min(1).nullable().default('features'),
  /** Training set name. */
  train: z.string().min(1).default('train'),
  /** Validation set name (null: none; the last epoch's model is exported). */
  dev: z.string().min(1).nullable().default('dev'),
  /** A top-level section whose keys replace the experiment keys (a second model); list it in `config`. */
  section: z.string().min(1).nullable().default(null),
});
type Options = z.output<typeof optionsSchema>;

/** A set of the recipe as a DatasetRef (data directory + archive of the features stage). */
export function datasetRef(ctx: StageContext, o: { data: string; features: string | null }, name: string): DatasetRef {
  const ref: DatasetRef = { dataDir: dataDirOf(ctx, o.data, name), name };
  if (o.features === null) return ref;
  const f = readSets(ctx, o.features);
  const rel = f.sets[name];
  if (rel === undefined) {
    throw new HibikiError('STAGE_NO_SET', `features stage "${o.features}" has no archive of set "${name}"`, { file: f.dir, expected: Object.keys(f.sets).join(', '), found: name });
  }
  return { ...ref, archiveDir: join(f.dir, rel) };
}

export const trainStage: StageKind = {
  kind: 'train',
  description: 'trains the recipe experiment (task, model, loss, train...) and exports the model',
  version: 1,
  config: [...EXPERIMENT_KEYS, 'skip'],
  options: optionsSchema,
  resumable: true,
  async run(ctx: StageContext) {
    const o = ctx.options as Options;
    if (isSkipped(ctx)) return markSkipped(ctx);
    const config = experimentConfigOf(ctx, o.section);
    let lastEpoch = -1;
    const summary = await trainExperiment({
      config,
      expDir: ctx.outDir,
      train: datasetRef(ctx, o, o.train),
      ...(o.dev === null ? {} : { dev: datasetRef(ctx, o, o.dev) }),
      resume: ctx.resumed,
      allowOutside: allowOutsideOf(ctx, o.data),
      numJobs: ctx.nj > 1 ? ctx.nj : 0,
      onProgress: (p) => {
        if (p.stage === 'train' && p.epoch !== lastEpoch) {
          lastEpoch = p.epoch;
          ctx.log.info(`epoch ${p.epoch + 1}: ${p.batchesPerEpoch} batches`);
        }
      },
    });
    if (summary.status === 'interrupted') {
      throw new HibikiError('TRAIN_INTERRUPTED', 'training was interrupted; run again to resume from the last checkpoint', { file: ctx.outDir });
    }
    ctx.log.info(`trained: ${summary.status} after ${summary.epoch} epochs, ${summary.step} steps on ${summary.backend.name}${summary.best === null ? '' : `, best ${JSON.stringify(summary.best)}`}`);
  },
};
