/**
 * `features`: one feature archive per set of an upstream prepare stage (`<stage>/<set>/`, see
 * src/data/archive), with the recipe's `features` section, in `--nj` worker threads. The
 * archives carry the global CMVN sums the train stage normalises with.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { extractFeatureArchive, readArchiveItems } from '../../data/archive/index.js';
import { resolveFeatureConfig } from '../../features/index.js';
import type { StageContext, StageKind } from '../registry.js';
import { allowOutsideOf, dataDirOf, readSets, writeSets } from './sets.js';

const optionsSchema = z.strictObject({
  /** The prepare stage whose sets are extracted. */
  data: z.string().min(1).default('prepare'),
  /** Sets to extract; default every set of the prepare stage. */
  sets: z.array(z.string().min(1)).nullable().default(null),
});

export const featuresStage: StageKind = {
  kind: 'features',
  description: 'feature archives (.npy shards + index.jsonl + CMVN sums) of every set of a prepare stage',
  version: 1,
  config: ['features'],
  options: optionsSchema,
  async run(ctx: StageContext) {
    const o = ctx.options as z.output<typeof optionsSchema>;
    const config = resolveFeatureConfig(ctx.config['features'] ?? {}, join(ctx.recipe.dir, 'recipe.yaml'));
    const names = o.sets ?? Object.keys(readSets(ctx, o.data).sets);
    const sets: Record<string, string> = {};
    for (const name of names) {
      const summary = await extractFeatureArchive({
        items: readArchiveItems(dataDirOf(ctx, o.data, name), { allowOutside: allowOutsideOf(ctx, o.data) }),
        outDir: join(ctx.outDir, name),
        config,
        numJobs: ctx.nj > 1 ? ctx.nj : 0,
      });
      sets[name] = name;
      ctx.log.info(`features ${name}: ${summary.utterances} utterances, ${summary.frames} frames x ${summary.dim}, ${summary.realTimeFactor.toFixed(0)}x real time`);
      if (summary.tooShort.length > 0) ctx.log.warn(`features ${name}: ${summary.tooShort.length} utterances shorter than one frame left out`);
    }
    writeSets(ctx.outDir, { sets, notes: [] });
  },
};
