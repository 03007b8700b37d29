/**
 * `eval` and `decode`: run a train stage's exported model over sets of the recipe. Both work in a
 * view of the trained experiment (see view.ts), so their outputs (`eval/<set>/metrics.json`,
 * `decode/<set>/`) stay in their own stage directory. `eval` also writes `metrics.json` at the top
 * of its directory: set -> headline metrics (summary.ts) and the chance levels of a stats stage.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../../util/atomic.js';
import { decodeExperiment, evaluateExperiment } from '../experiment/evaluate.js';
import type { StageContext, StageKind } from '../registry.js';
import { summarizeMetrics, type MetricSummary } from './summary.js';
import { datasetRef } from './train.js';
import { makeView } from './view.js';
import { allowOutsideOf, isSkipped, markSkipped, wasSkipped } from './sets.js';

const optionsSchema = z.strictObject({
  /** The train stage whose model is evaluated. */
  model: z.string().min(1).default('train'),
  data: z.string().min(1).default('prepare'),
  features: z.string().min(1).nullable().default('features'),
  /** Sets to evaluate. */
  sets: z.array(z.string().min(1)).min(1).default(['test']),
  /** A stats stage whose chance levels are copied beside the metrics (null: none). */
  stats: z.string().min(1).nullable().default(null),
  /** ctc: beam width override (null: the config's eval.beam). */
  beam: z.number().int().min(0).nullable().default(null),
});
type Options = z.output<typeof optionsSchema>;

/** Top-level metrics.json of an eval stage. */
export interface EvalStageMetrics {
  task: string;
  sets: Record<string, MetricSummary>;
  chance: Record<string, Record<string, number>>;
  /** The stage or its model was skipped (`skip`): no sets. */
  skipped?: boolean;
}

function chanceOf(ctx: StageContext, stats: string | null, sets: readonly string[]): Record<string, Record<string, number>> {
  if (stats === null) return {};
  const file = join(ctx.stageDir(stats), 'stats.json');
  if (!existsSync(file)) return {};
  const s = JSON.parse(readFileSync(file, 'utf8')) as { sets: Record<string, { chance: Record<string, number> }> };
  return Object.fromEntries(sets.filter((n) => s.sets[n] !== undefined).map((n) => [n, s.sets[n]!.chance]));
}

export const evalStage: StageKind = {
  kind: 'eval',
  description: 'evaluates a trained model on sets (eval/<set>/metrics.json, detected.tsv, trn files)',
  version: 1,
  config: ['skip'],
  options: optionsSchema,
  async run(ctx: StageContext) {
    const o = ctx.options as Options;
    if (isSkipped(ctx) || wasSkipped(ctx, o.model)) {
      markSkipped(ctx);
      writeJsonAtomic(join(ctx.outDir, 'metrics.json'), { task: '', sets: {}, chance: {}, skipped: true });
      return;
    }
    makeView(ctx.stageDir(o.model), ctx.outDir);
    const sets: Record<string, MetricSummary> = {};
    let task = '';
    for (const name of o.sets) {
      const record = await evaluateExperiment({ expDir: ctx.outDir, data: datasetRef(ctx, o, name), numJobs: 0, allowOutside: allowOutsideOf(ctx, o.data), ...(o.beam === null ? {} : { beam: o.beam }) });
      task = record.task;
      sets[name] = summarizeMetrics(record);
      ctx.log.info(`eval ${name}: ${Object.entries(sets[name]).map(([k, v]) => `${k} ${v === null ? '-' : v.toFixed(4)}`).join(', ')}`);
    }
    const result: EvalStageMetrics = { task, sets, chance: chanceOf(ctx, o.stats, o.sets) };
    writeJsonAtomic(join(ctx.outDir, 'metrics.json'), result);
  },
};

export const decodeStage: StageKind = {
  kind: 'decode',
  description: 'decodes sets with a trained model (hyp.trn, frame labels or detected events) into decode/<set>/',
  version: 1,
  config: ['skip'],
  options: optionsSchema.omit({ stats: true }),
  async run(ctx: StageContext) {
    const o = ctx.options as Omit<Options, 'stats'>;
    if (isSkipped(ctx) || wasSkipped(ctx, o.model)) return markSkipped(ctx);
    makeView(ctx.stageDir(o.model), ctx.outDir);
    for (const name of o.sets) {
      const s = await decodeExperiment({ expDir: ctx.outDir, data: datasetRef(ctx, o, name), numJobs: 0, allowOutside: allowOutsideOf(ctx, o.data), ...(o.beam === null ? {} : { beam: o.beam }) });
      ctx.log.info(`decode ${name}: ${s.utterances} utterances -> ${s.outDir}`);
    }
  },
};
