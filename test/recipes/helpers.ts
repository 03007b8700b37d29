/**
 * Smoke runs of the shipped recipes: each test runs a recipe in-process with tiny `--set`
 * overrides into a temporary exp root, then reads metrics.json and stats.json.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRecipe, type RunSummary } from '../../src/index.js';

/** The repository root (tests may run from anywhere). */
export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export function recipeDir(name: string): string {
  return join(REPO, 'recipes', name);
}

export function tempRoot(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `hibiki-recipe-${prefix}-`));
}

/** Runs a recipe with overrides into `root/exp` (data into `root/data`), without log output. */
export function run(name: string, root: string, overrides: readonly string[], extra: { tag?: string; stopStage?: string } = {}): Promise<RunSummary> {
  return runRecipe({ recipe: recipeDir(name), overrides, expRoot: join(root, 'exp'), dataRoot: join(root, 'data'), logStream: null, ...extra });
}

export interface EvalMetrics {
  task: string;
  sets: Record<string, Record<string, number | null>>;
  chance: Record<string, Record<string, number>>;
}

/** The top-level metrics.json of an eval stage. */
export function evalMetrics(summary: RunSummary, stage: string): EvalMetrics {
  const s = summary.stages.find((x) => x.name === stage);
  if (s === undefined) throw new Error(`no stage ${stage}`);
  return JSON.parse(readFileSync(join(s.dir, 'metrics.json'), 'utf8')) as EvalMetrics;
}

/** A metric that must exist. */
export function metric(m: EvalMetrics, set: string, name: string): number {
  const v = m.sets[set]?.[name];
  if (typeof v !== 'number') throw new Error(`metric ${set}.${name} missing: ${JSON.stringify(m.sets[set])}`);
  return v;
}

/** Statuses of every stage, e.g. to check that a rerun skips them all. */
export function statuses(summary: RunSummary): string[] {
  return summary.stages.map((s) => s.status);
}
