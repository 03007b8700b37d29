/**
 * `compare`: the study's comparison table. Runs are grouped by their labels on every axis but
 * the seed axes; each group's headline metrics (summary.ts) on one set are given as mean and
 * standard deviation (sample, n-1) over its seeds. Writes comparison.json, comparison.md (the
 * table RESULTS.md quotes) and report.html comparing one run (the first seed) of each group,
 * named by its labels.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { HibikiError } from '../../errors.js';
import { writeReport } from '../../eval/index.js';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomic.js';
import type { StageContext, StageKind } from '../registry.js';
import { readEvalMetrics } from './report.js';
import { fmtMetric, markdownTable, type MetricSummary } from './summary.js';

const optionsSchema = z.strictObject({
  /** The eval stage of every run. */
  eval: z.string().min(1).default('eval'),
  /** The set compared. */
  set: z.string().min(1).default('test'),
  /** Axes averaged over (dotted paths); default every axis named `seed` or ending in `.seed`. */
  average: z.array(z.string().min(1)).nullable().default(null),
  /** Also write report.html (one run per group). */
  report: z.boolean().default(true),
});

/** One row of the comparison: a group of runs differing only in the averaged axes. */
export interface ComparisonRow {
  labels: Record<string, string>;
  runs: number;
  mean: MetricSummary;
  std: MetricSummary;
  tags: string[];
}

/** Mean and sample standard deviation (null for fewer than 2 values or none). */
export function meanStd(values: readonly number[]): { mean: number | null; std: number | null } {
  if (values.length === 0) return { mean: null, std: null };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, std: null };
  const v = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(v) };
}

/** Groups runs and aggregates their metrics (see the module comment). */
export function aggregateRuns(runs: readonly { tag: string; labels: Record<string, string>; metrics: MetricSummary }[], keep: readonly string[]): ComparisonRow[] {
  const groups = new Map<string, { labels: Record<string, string>; items: typeof runs[number][] }>();
  for (const r of runs) {
    const labels = Object.fromEntries(keep.map((a) => [a, r.labels[a] ?? '']));
    const key = JSON.stringify(labels);
    if (!groups.has(key)) groups.set(key, { labels, items: [] });
    groups.get(key)!.items.push(r);
  }
  return [...groups.values()].map((g) => {
    const names = [...new Set(g.items.flatMap((i) => Object.keys(i.metrics)))];
    const mean: MetricSummary = {};
    const std: MetricSummary = {};
    for (const n of names) {
      const s = meanStd(g.items.map((i) => i.metrics[n]).filter((v): v is number => typeof v === 'number'));
      mean[n] = s.mean;
      std[n] = s.std;
    }
    return { labels: g.labels, runs: g.items.length, mean, std, tags: g.items.map((i) => i.tag) };
  });
}

/** A group's name in the report: its labels as `axis=value, ...` (the study's name with no axis kept). */
export function groupName(labels: Record<string, string>, fallback: string): string {
  return Object.entries(labels).map(([axis, value]) => `${axis}=${value}`).join(', ') || fallback;
}

/** comparison.md: one row per group, `mean ± std` per metric. */
export function comparisonTable(rows: readonly ComparisonRow[], axes: readonly string[]): string {
  const metrics = [...new Set(rows.flatMap((r) => Object.keys(r.mean)))];
  const cell = (r: ComparisonRow, m: string): string => (r.std[m] === null || r.std[m] === undefined ? fmtMetric(r.mean[m]) : `${fmtMetric(r.mean[m])} ± ${fmtMetric(r.std[m])}`);
  return markdownTable([...axes, 'runs', ...metrics], rows.map((r) => [...axes.map((a) => r.labels[a] ?? ''), String(r.runs), ...metrics.map((m) => cell(r, m))]));
}

export const compareStage: StageKind = {
  kind: 'compare',
  description: "a study's comparison table (mean and spread over seeds) and report",
  // 2: report.html names each group by its labels.
  version: 2,
  options: optionsSchema,
  async run(ctx: StageContext) {
    const o = ctx.options as z.output<typeof optionsSchema>;
    const study = ctx.study;
    if (study === undefined) {
      throw new HibikiError('STAGE_NOT_IN_STUDY', 'the compare stage runs only as a study\'s compare stage', { expected: 'studies.<name>.compare: { kind: compare }', found: `stage ${ctx.stage.name} in the stage list` });
    }
    const average = o.average ?? study.axes.filter((a) => a === 'seed' || a.endsWith('.seed'));
    const keep = study.axes.filter((a) => !average.includes(a));
    const runs = study.runs.map((r) => {
      const dir = r.stageDirs[o.eval];
      const m = dir === undefined ? null : readEvalMetrics(dir);
      const metrics = m?.sets[o.set];
      if (metrics === undefined) {
        throw new HibikiError('STUDY_RUN_INCOMPLETE', `run ${r.tag} has no ${o.set} metrics from stage "${o.eval}"`, { file: dir ?? r.expDir, expected: `${o.eval}/metrics.json with set ${o.set}`, found: 'none' });
      }
      return { tag: r.tag, labels: r.labels, metrics, evalDir: dir! };
    });
    const rows = aggregateRuns(runs, keep);
    writeJsonAtomic(join(ctx.outDir, 'comparison.json'), { study: study.name, set: o.set, axes: keep, averagedOver: average, rows });
    const table = comparisonTable(rows, keep);
    writeFileAtomic(join(ctx.outDir, 'comparison.md'), `Study ${study.name}, set ${o.set}: mean ± sample std over ${average.join(', ') || 'nothing'}.\n\n${table}`);
    ctx.log.info(`comparison (${o.set}):\n${table}`);
    if (o.report) {
      const firsts = rows.map((r) => runs.find((x) => x.tag === r.tags[0])!.evalDir);
      // Every run's eval folder has the same name: the report names each group by its labels.
      await writeReport({ expDirs: firsts, names: rows.map((r) => groupName(r.labels, study.name)), out: join(ctx.outDir, 'report.html'), maxTimelines: 1 });
    }
  },
};
