/**
 * `hibiki run`: resolve a recipe (recipe.yaml + prepare module + `--set`), write the resolved
 * config, and bring the selected stages up to date in order; with `study=<name>`, do that for
 * every run of the study's grid and then run its compare stage once over all of them. With
 * `jobs` > 1 the runs of a study go to child processes (study-jobs.ts), after the shared stages
 * they all read have been brought up to date here, once.
 */
import { resolve, join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { applyOverrides, hashConfig, setPath, type Locator } from '../config/index.js';
import { HibikiError } from '../errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';
import { runPlannedStage, type ExperimentEnv, type StageReport } from './execute.js';
import { lockExperiment } from './lock.js';
import { createLogger, type LogSink } from './logger.js';
import { loadPrepareModule } from './prepare-module.js';
import { compareEntry, mergeRecipe, planStages, recipeFileOf, resolveRecipe, type RecipeConfig, type StagePlan } from './recipe.js';
import { defaultStageRegistry, StageRegistry, type StudyInfo } from './registry.js';
import { expandStudy } from './study.js';
import { runStudyJobs } from './study-jobs.js';

/** Options of `hibiki run`. */
export interface RunOptions {
  /** Recipe folder (with recipe.yaml) or the recipe.yaml itself. */
  recipe: string;
  /** `key=value` overrides, in order. */
  overrides?: readonly string[];
  /** Experiment tag; default `default` (for a study: the study name). */
  tag?: string;
  /** First stage to run: index (0-based) or name. Default: the first. */
  stage?: number | string;
  /** Last stage to run, inclusive: index or name. Default: the last. */
  stopStage?: number | string;
  /** Parallel jobs for stages that use them; default 1. */
  nj?: number;
  /** Study runs at once, each in its own child process; default 1 (one after another, in this process). */
  jobs?: number;
  /**
   * Internal (set by study-worker.ts in a child of `jobs` > 1): run only run `index` of the
   * study, whose shared stages the parent has brought up to date (`done`: their directories, so
   * that `force` does not redo them), without taking the study's lock, which the parent holds.
   */
  studyRun?: { index: number; done: string[] };
  /** Run the selected stages even when up to date. */
  force?: boolean;
  /** Report what would run without running anything. */
  dryRun?: boolean;
  /** Root of experiment directories; default `exp` (relative to the working directory). */
  expRoot?: string;
  /** Root for generated data; default `data`. */
  dataRoot?: string;
  /** Registry to look stage kinds up in (after the recipe's own); default the process-wide one. */
  registry?: StageRegistry;
  /** Where log lines go besides run.log; default process.stderr, null for none. */
  logStream?: NodeJS.WritableStream | null;
}

/** Result of one experiment. */
export interface ExperimentSummary {
  tag: string;
  expDir: string;
  stages: StageReport[];
}

/** Result of `hibiki run`. */
export interface RunSummary extends ExperimentSummary {
  recipe: string;
  /** Set when a study ran: its runs; `stages` then holds the compare stage. */
  study?: { name: string; runs: ExperimentSummary[] };
}

const TAG = /^[A-Za-z0-9][A-Za-z0-9._+-]*(\/[A-Za-z0-9][A-Za-z0-9._+-]*)*$/;

/** Index of a stage given as a number or a name; `extra` names stages after the list (compare). */
export function stageIndex(value: number | string, stages: readonly StagePlan[], extra: readonly string[] = [], flag = '--stage'): number {
  const names = [...stages.map((s) => s.name), ...extra];
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    const n = Number(value);
    if (n < names.length) return n;
    throw new HibikiError('STAGE_UNKNOWN', `${flag} ${value} is past the last stage`, { expected: `0..${names.length - 1}`, found: String(value) });
  }
  const i = names.indexOf(value);
  if (i < 0) throw new HibikiError('STAGE_UNKNOWN', `${flag}: no stage named "${value}"`, { expected: names.join(', '), found: value });
  return i;
}

/**
 * Runs a recipe (or a study of it).
 * @throws HibikiError for config problems (before anything runs) and for stage failures
 */
export async function runRecipe(options: RunOptions): Promise<RunSummary> {
  const { dir, file } = recipeFileOf(options.recipe);
  const registry = new StageRegistry(options.registry ?? defaultStageRegistry());
  await loadPrepareModule(dir, registry);
  const merged = mergeRecipe(file, options.overrides ?? []);
  const where = { file, locate: merged.locate };
  const { config, stages } = resolveRecipe(merged.value, registry, where);
  if (options.tag !== undefined && !TAG.test(options.tag)) {
    throw new HibikiError('RUN_BAD_TAG', 'bad --tag', { expected: 'letters, digits, . _ + - (and / between parts)', found: options.tag });
  }
  const nj = options.nj ?? 1;
  if (!Number.isInteger(nj) || nj < 1) throw new HibikiError('RUN_BAD_NJ', 'bad --nj', { expected: 'a positive integer', found: String(options.nj) });
  const jobs = options.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new HibikiError('RUN_BAD_JOBS', 'bad --jobs', { expected: 'a positive integer', found: String(options.jobs) });
  const expRoot = resolve(options.expRoot ?? 'exp');
  const common = {
    recipe: { name: config.name, dir },
    sharedRoot: join(expRoot, config.name, '_shared'),
    dataRoot: resolve(options.dataRoot ?? 'data'),
    nj,
    registry,
    force: options.force === true,
    ranThisInvocation: new Set<string>(),
    dryRun: options.dryRun === true,
  };
  const stream = options.logStream === undefined ? process.stderr : options.logStream;
  const study = config.study;
  if (study === null) {
    const tag = options.tag ?? 'default';
    const expDir = join(expRoot, config.name, tag);
    const range = selectRange(options, stages);
    const env: ExperimentEnv = { ...common, config, expDir, stageDirs: new Map(), sink: { files: [join(expDir, 'run.log')], stream } };
    const result = await runExperiment(env, stages, range, tag, options.overrides ?? []);
    return { recipe: config.name, ...result };
  }

  return runStudy({ options, common, config, stages, registry, merged, file, study, stream, expRoot });
}

interface StudyArgs {
  options: RunOptions;
  common: Omit<ExperimentEnv, 'config' | 'expDir' | 'stageDirs' | 'sink'>;
  config: RecipeConfig;
  stages: StagePlan[];
  registry: StageRegistry;
  merged: ReturnType<typeof mergeRecipe>;
  file: string;
  study: string;
  stream: NodeJS.WritableStream | null;
  expRoot: string;
}

/** Runs every run of a study, then its compare stage. */
async function runStudy(args: StudyArgs): Promise<RunSummary> {
  const { options, common, config, stages, registry, merged, file, study, stream, expRoot } = args;
  const spec = config.studies[study]!;
  const studyTag = options.tag ?? study;
  const studyDir = join(expRoot, config.name, studyTag);
  const compare = compareEntry(spec);
  const comparePlan = compare === undefined ? undefined : planStages([compare], config, registry, () => undefined)[0]!;
  const range = selectRange(options, stages, comparePlan === undefined ? [] : [comparePlan.name]);
  const runs = expandStudy(spec, study, studyTag);
  const baseValue = setPath(merged.value, ['study'], null);
  // Resolve every run before running any, so a bad axis value fails in seconds, not hours.
  const resolvedRuns = runs.map((run) => {
    const value = applyOverrides(baseValue, run.overrides);
    const locate: Locator = (path) => {
      const hit = [...run.overrides].reverse().find((o) => o.path.every((s, i) => String(s) === String(path[i])) || path.every((s, i) => String(s) === String(o.path[i])));
      return hit !== undefined ? { origin: hit.text } : merged.locate(path);
    };
    return { run, ...resolveRecipe(value, registry, { file, locate }) };
  });
  const studySink: LogSink = { files: [join(studyDir, 'run.log')], stream };
  const envOf = (r: (typeof resolvedRuns)[number]): ExperimentEnv => {
    const expDir = join(expRoot, config.name, r.run.tag);
    return { ...common, config: r.config, expDir, stageDirs: new Map(), sink: { files: [join(expDir, 'run.log'), join(studyDir, 'run.log')], stream } };
  };
  const runOne = (r: (typeof resolvedRuns)[number]): Promise<ExperimentSummary> =>
    runExperiment(envOf(r), r.stages, range, r.run.tag, [...(options.overrides ?? []), ...r.run.overrides.map((o) => o.text)]);
  if (options.studyRun !== undefined) {
    // In a worker process: one run; the parent holds the study's lock and does the rest.
    const r = resolvedRuns[options.studyRun.index];
    if (r === undefined) throw new HibikiError('STUDY_RUN_UNKNOWN', `study ${study} has no run ${options.studyRun.index}`, { expected: `0..${resolvedRuns.length - 1}`, found: String(options.studyRun.index) });
    for (const d of options.studyRun.done) common.ranThisInvocation.add(d);
    const summary = await runOne(r);
    return { recipe: config.name, tag: studyTag, expDir: studyDir, stages: [], study: { name: study, runs: [summary] } };
  }
  const jobs = options.jobs ?? 1;
  const release = lockExperiment(studyDir);
  const info: StudyInfo = { name: study, tag: studyTag, axes: Object.keys(spec.axes), runs: [] };
  try {
    if (!common.dryRun) writeFileAtomic(join(studyDir, 'config.yaml'), toYaml(config));
    if (!common.dryRun) writeJsonAtomic(join(studyDir, 'study.json'), { study, tag: studyTag, axes: info.axes, runs: runs.map((r) => ({ tag: r.tag, labels: r.labels, values: r.values })) });
    const studyLog = createLogger(studySink, 'study');
    studyLog.info(`study ${study}: ${runs.length} runs`, { tag: studyTag, jobs });
    let summaries: ExperimentSummary[] = [];
    if (jobs > 1 && !common.dryRun && resolvedRuns.length > 1) {
      if (options.registry !== undefined && options.registry !== defaultStageRegistry()) {
        throw new HibikiError('RUN_JOBS_REGISTRY', '--jobs > 1 runs study runs in child processes, which see only the default stage registry and the recipe\'s prepare module', { expected: 'no custom registry (register kinds in the recipe\'s prepare module)', found: 'a custom registry' });
      }
      // Shared stages that need nothing private run here, once, before any worker starts: no two
      // processes ever write one shared output (and --force redoes them once, not once per worker).
      const sharedOnly = new Set<string>();
      for (const plan of stages) if (plan.share && plan.after.every((a) => sharedOnly.has(a))) sharedOnly.add(plan.name);
      const ranHere = resolvedRuns.map(() => new Map<string, StageReport>());
      for (const [i, r] of resolvedRuns.entries()) {
        const env = envOf(r);
        const ids = new Map<string, string | null>();
        for (const plan of r.stages.filter((p) => sharedOnly.has(p.name))) {
          const report = await runPlannedStage(env, plan, Object.fromEntries(plan.after.map((n) => [n, ids.get(n) ?? null])), plan.index >= range.first && plan.index <= range.last);
          ids.set(plan.name, report.id);
          if (report.status === 'ran') ranHere[i]!.set(plan.name, report);
        }
      }
      // Runs with nothing to do are answered here: a rerun of a finished study starts no process.
      const upToDate = new Map<number, ExperimentSummary>();
      for (const [i, r] of resolvedRuns.entries()) {
        const dry = await runExperiment({ ...envOf(r), dryRun: true, sink: { files: [], stream: null } }, r.stages, range, r.run.tag, []);
        if (dry.stages.every((st) => st.status === 'skipped' || st.status === 'not-selected')) upToDate.set(i, dry);
      }
      const { studyRun: _, registry: __, logStream: ___, ...passed } = options;
      const done = [...common.ranThisInvocation];
      const outcomes = await runStudyJobs<ExperimentSummary>({
        jobs,
        runs: resolvedRuns.flatMap((r, index) => (upToDate.has(index) ? [] : [{ index, tag: r.run.tag }])),
        message: (job) => ({ options: { ...passed, studyRun: { index: job.index, done } } }),
        stream,
        log: studyLog,
      });
      const failed = outcomes.filter((o) => !o.ok);
      const total = resolvedRuns.length;
      if (failed.length > 0) {
        const what = failed.map((o) => `${o.tag}: ${o.ok ? '' : o.message.split('\n')[0]!}`).join('; ');
        throw new HibikiError('STUDY_RUNS_FAILED', `${failed.length} of ${total} study runs failed: ${failed.map((o) => o.tag).join(', ')}`, { expected: 'every run to finish', found: what }, failed.some((o) => !o.ok && o.internal) ? 1 : 2);
      }
      // The summary says where a shared stage ran, as a sequential study's would.
      const byIndex = new Map(outcomes.flatMap((o) => (o.ok ? [[o.index, o.result] as const] : [])));
      summaries = resolvedRuns.map((_r, i) => {
        const s = upToDate.get(i) ?? byIndex.get(i)!;
        return { ...s, stages: s.stages.map((st) => ranHere[i]!.get(st.name) ?? st) };
      });
    } else {
      for (const r of resolvedRuns) summaries.push(await runOne(r));
    }
    resolvedRuns.forEach((r, i) => {
      const summary = summaries[i]!;
      const stageDirs = Object.fromEntries(summary.stages.map((s) => [s.name, s.dir]));
      info.runs.push({ tag: r.run.tag, expDir: summary.expDir, stageDirs, labels: r.run.labels, values: r.run.values, config: r.config });
    });
    const reports: StageReport[] = [];
    if (comparePlan !== undefined) {
      const plan = { ...comparePlan, index: stages.length, after: [] };
      const upstream: Record<string, string | null> = {};
      for (const s of summaries) {
        const ids = s.stages.map((st) => st.id);
        upstream[s.tag] = ids.includes(null) ? null : hashConfig(ids);
      }
      const env: ExperimentEnv = { ...common, config, expDir: studyDir, stageDirs: new Map(), sink: studySink };
      const selected = plan.index >= range.first && plan.index <= range.last;
      reports.push(await runPlannedStage(env, plan, upstream, selected, info));
    }
    return { recipe: config.name, tag: studyTag, expDir: studyDir, stages: reports, study: { name: study, runs: summaries } };
  } finally {
    release();
  }
}

function selectRange(options: RunOptions, stages: readonly StagePlan[], extra: readonly string[] = []): { first: number; last: number } {
  const first = options.stage === undefined ? 0 : stageIndex(options.stage, stages, extra, '--stage');
  const last = options.stopStage === undefined ? stages.length + extra.length - 1 : stageIndex(options.stopStage, stages, extra, '--stop-stage');
  if (last < first) throw new HibikiError('STAGE_RANGE', '--stop-stage comes before --stage', { expected: `a stop stage >= ${first}`, found: String(last) });
  return { first, last };
}

async function runExperiment(
  env: ExperimentEnv,
  stages: readonly StagePlan[],
  range: { first: number; last: number },
  tag: string,
  overrides: readonly string[],
): Promise<ExperimentSummary> {
  const release = lockExperiment(env.expDir);
  try {
    if (!env.dryRun) writeFileAtomic(join(env.expDir, 'config.yaml'), toYaml(env.config as RecipeConfig));
    const log = createLogger(env.sink, 'run');
    log.info(`recipe ${env.recipe.name}, tag ${tag}`, { expDir: env.expDir, stages: `${range.first}..${range.last}`, overrides, nj: env.nj, force: env.force });
    const ids = new Map<string, string | null>();
    const reports: StageReport[] = [];
    for (const plan of stages) {
      const upstream = Object.fromEntries(plan.after.map((n) => [n, ids.get(n) ?? null]));
      const report = await runPlannedStage(env, plan, upstream, plan.index >= range.first && plan.index <= range.last);
      ids.set(plan.name, report.id);
      reports.push(report);
    }
    return { tag, expDir: env.expDir, stages: reports };
  } finally {
    release();
  }
}

/** A plain-text table of what each stage did, for the terminal. */
export function formatRunSummary(summary: RunSummary): string {
  const rows: string[][] = [['tag', 'stage', 'name', 'kind', 'status', 'seconds', 'reason']];
  const add = (tag: string, stages: readonly StageReport[]): void => {
    for (const s of stages) rows.push([tag, String(s.index), s.name, s.kind, s.status, s.status === 'ran' ? s.seconds.toFixed(2) : '-', s.reason]);
  };
  for (const run of summary.study?.runs ?? []) add(run.tag, run.stages);
  add(summary.tag, summary.stages);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n') + '\n';
}
