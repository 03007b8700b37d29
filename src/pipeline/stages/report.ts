/**
 * `report`: one report.html (src/eval/report) over the eval stages listed, side by side when
 * there are several, plus `results.md`: their headline metrics beside the chance levels, the
 * table RESULTS.md quotes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { writeReport } from '../../eval/index.js';
import { writeFileAtomic } from '../../util/atomic.js';
import type { StageContext, StageKind } from '../registry.js';
import type { EvalStageMetrics } from './eval.js';
import { fmtMetric, markdownTable } from './summary.js';
import { markSkipped } from './sets.js';

const optionsSchema = z.strictObject({
  /** Eval stages to report, the first is the main one. */
  experiments: z.array(z.string().min(1)).min(1).default(['eval']),
  /** Timelines shown per evaluated set (sound events). */
  maxTimelines: z.number().int().min(0).default(3),
});

/** Reads an eval stage's top-level metrics.json. */
export function readEvalMetrics(dir: string): EvalStageMetrics | null {
  const file = join(dir, 'metrics.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as EvalStageMetrics) : null;
}

/** The markdown table of results.md: one row per (eval stage, set). */
export function resultsTable(entries: readonly { name: string; metrics: EvalStageMetrics }[]): string {
  const keys = [...new Set(entries.flatMap((e) => Object.values(e.metrics.sets).flatMap((s) => Object.keys(s))))];
  const rows: string[][] = [];
  for (const e of entries) {
    for (const [set, m] of Object.entries(e.metrics.sets)) {
      const chance = e.metrics.chance[set];
      rows.push([e.name, set, ...keys.map((k) => fmtMetric(m[k])), chance === undefined ? '-' : Object.entries(chance).map(([k, v]) => `${k} ${fmtMetric(v)}`).join(', ')]);
    }
  }
  return markdownTable(['stage', 'set', ...keys, 'chance level'], rows);
}

export const reportStage: StageKind = {
  kind: 'report',
  description: 'report.html over eval stages, and results.md with their headline metrics',
  version: 1,
  options: optionsSchema,
  async run(ctx: StageContext) {
    const o = ctx.options as z.output<typeof optionsSchema>;
    // Eval stages left out by `skip` have nothing to report.
    const names = o.experiments.filter((s) => readEvalMetrics(ctx.stageDir(s))?.skipped !== true);
    if (names.length === 0) return markSkipped(ctx);
    const dirs = names.map((s) => ctx.stageDir(s));
    const out = await writeReport({ expDirs: dirs, out: join(ctx.outDir, 'report.html'), maxTimelines: o.maxTimelines });
    const entries = names.flatMap((name, i) => {
      const metrics = readEvalMetrics(dirs[i]!);
      return metrics === null ? [] : [{ name, metrics }];
    });
    writeFileAtomic(join(ctx.outDir, 'results.md'), resultsTable(entries));
    // `out` is inside the partial directory, renamed into place when the stage succeeds: name the final path.
    ctx.log.info(`report: ${join(ctx.stageDir(ctx.stage.name), relative(ctx.outDir, out))}`);
  },
};
