/**
 * Running one stage: the up-to-date check, the work directory that is renamed into place only on
 * success, the stamp written last. A stage killed at any moment leaves its previous output (or
 * none) under the final name and no stamp, so the next run redoes it from a clean state.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getPath, pickPaths } from '../config/index.js';
import { HibikiError } from '../errors.js';
import { Rng } from '../util/rng.js';
import { lockExperiment } from './lock.js';
import { createLogger, type LogSink } from './logger.js';
import type { StagePlan } from './recipe.js';
import type { StageContext, StageKind, StageRegistry, StudyInfo } from './registry.js';
import {
  newStampId,
  readStamp,
  removeStamp,
  signatureOf,
  staleReason,
  stampKey,
  stampParts,
  writeStamp,
  type Signature,
  type Stamp,
} from './stamp.js';

/** What happened to a stage in a run. */
export type StageStatus = 'ran' | 'skipped' | 'not-selected' | 'would-run' | 'failed';

export interface StageReport {
  index: number;
  name: string;
  kind: string;
  status: StageStatus;
  /** Why it ran (`no stamp`, `config changed`, `input changed: <path>`, `upstream <name> changed`, `forced`...), or `up to date`. */
  reason: string;
  seconds: number;
  /** The stamp id after this run (null when the stage has never completed). */
  id: string | null;
  /** The stage's final output directory (under `_shared/` for shared stages). */
  dir: string;
}

/** The experiment a stage belongs to. */
export interface ExperimentEnv {
  recipe: { name: string; dir: string };
  config: Record<string, unknown> & { seed: number };
  expDir: string;
  /** `<exp root>/<recipe>/_shared`: containers of shared stages. */
  sharedRoot: string;
  /** Stage name -> final output directory, filled as stages are planned (shared ones differ). */
  stageDirs: Map<string, string>;
  dataRoot: string;
  nj: number;
  registry: StageRegistry;
  sink: LogSink;
  force: boolean;
  dryRun: boolean;
  /** Final output directories of the stages run so far by this invocation. */
  ranThisInvocation: Set<string>;
}

const KEY_FILE = '.hibiki-key';

/** The final output directory of a stage. */
export function stageDirOf(expDir: string, name: string): string {
  return join(expDir, name);
}

/**
 * Brings one stage up to date (or reports what it would do).
 * @param selected false for stages outside --stage/--stop-stage: they are only reported
 * @param upstream upstream stage name -> stamp id (null when missing)
 */
export async function runPlannedStage(
  env: ExperimentEnv,
  plan: StagePlan,
  upstream: Record<string, string | null>,
  selected: boolean,
  study?: StudyInfo,
): Promise<StageReport> {
  const slice = pickPaths(env.config, plan.paths);
  const seed = getPath(env.config, plan.seedPath) as number;
  const kindVersion = env.registry.get(plan.kind)?.version;
  const parts = stampParts(kindVersion === undefined ? plan.kind : `${plan.kind}@${kindVersion}`, plan.options, slice, seed, upstream);
  const key = stampKey(parts);
  // A shared stage lives in a container named by its key, so equal keys find the same output.
  const container = plan.share ? join(env.sharedRoot, `${plan.name}-${key.slice(0, 16)}`) : env.expDir;
  const finalDir = stageDirOf(container, plan.name);
  env.stageDirs.set(plan.name, finalDir);
  const stamp = readStamp(container, plan.name);
  const base = { index: plan.index, name: plan.name, kind: plan.kind, dir: finalDir };
  if (!selected) return { ...base, status: 'not-selected', reason: 'outside --stage/--stop-stage', seconds: 0, id: stamp?.id ?? null };
  // --force redoes a stage once per invocation: a shared stage is not redone for every study run.
  const stale = env.force && !env.ranThisInvocation.has(finalDir) ? 'forced' : staleReason(stamp, parts, finalDir);
  if (stale === undefined) return { ...base, status: 'skipped', reason: 'up to date', seconds: 0, id: stamp!.id };
  if (env.dryRun) return { ...base, status: 'would-run', reason: stale, seconds: 0, id: `pending:${plan.name}:${Date.now()}` };
  const kind = env.registry.get(plan.kind);
  if (kind === undefined) throw new HibikiError('STAGE_KIND_UNKNOWN', `no stage kind "${plan.kind}"`, { expected: env.registry.kindNames().join(', '), found: plan.kind });
  const log = createLogger(env.sink, plan.name);
  for (const [name, id] of Object.entries(upstream)) {
    if (id === null) log.warn(`upstream stage ${name} has not completed; running anyway`);
  }
  log.info(`running (${stale})`, { kind: plan.kind, stage: plan.index });
  const started = performance.now();
  const release = plan.share ? lockExperiment(container) : undefined;
  try {
    const newStamp = await execute(env, container, plan, kind, key, parts, seed, study, log);
    env.ranThisInvocation.add(finalDir);
    const seconds = (performance.now() - started) / 1000;
    log.info(`done in ${seconds.toFixed(2)} s`);
    return { ...base, status: 'ran', reason: stale, seconds, id: newStamp.id };
  } catch (e) {
    log.error(`failed: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  } finally {
    release?.();
  }
}

async function execute(
  env: ExperimentEnv,
  expDir: string,
  plan: StagePlan,
  kind: StageKind,
  key: string,
  parts: Stamp['parts'],
  seed: number,
  study: StudyInfo | undefined,
  log: ReturnType<typeof createLogger>,
): Promise<Stamp> {
  // The stamp goes first: from here until the new stamp is written the stage counts as not done.
  removeStamp(expDir, plan.name);
  const workDir = join(expDir, `.${plan.name}.partial`);
  const oldDir = join(expDir, `.${plan.name}.old`);
  rmSync(oldDir, { recursive: true, force: true });
  const keyFile = join(workDir, KEY_FILE);
  const resumed = kind.resumable === true && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key;
  if (!resumed) {
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    writeFileSync(keyFile, key);
  } else {
    log.info('resuming from the partial output of an interrupted attempt');
  }
  const inputs = new Map<string, Signature>();
  const outputs = new Set<string>();
  const ctx: StageContext = {
    recipe: env.recipe,
    stage: { name: plan.name, kind: plan.kind, index: plan.index },
    config: env.config,
    slice: pickPaths(env.config, plan.paths),
    options: plan.options,
    expDir: env.expDir,
    outDir: workDir,
    resumed,
    stageDir: (name) => env.stageDirs.get(name) ?? stageDirOf(env.expDir, name),
    dataRoot: env.dataRoot,
    rng: new Rng(seed).fork(`stage:${plan.name}`),
    nj: env.nj,
    log,
    input(path) {
      const abs = resolve(path);
      const sig = signatureOf(abs);
      if (sig.type === 'missing') throw new HibikiError('STAGE_INPUT_MISSING', `stage ${plan.name}: input not found`, { file: path, expected: 'an existing file or directory', found: 'nothing' });
      inputs.set(abs, sig);
      return abs;
    },
    output(path) {
      const abs = resolve(path);
      outputs.add(abs);
      return abs;
    },
    study,
  };
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  try {
    await kind.run(ctx);
  } catch (e) {
    // A resumable stage keeps its partial work for the next attempt; others start clean.
    if (kind.resumable !== true) rmSync(workDir, { recursive: true, force: true });
    throw e;
  }
  rmSync(keyFile, { force: true });
  const outputSigs = [...outputs].map((p) => {
    const sig = signatureOf(p);
    if (sig.type === 'missing') {
      throw new HibikiError('STAGE_OUTPUT_MISSING', `stage ${plan.name} declared an output it did not write`, { file: p, expected: 'the file written', found: 'nothing' });
    }
    return sig;
  });
  const finalDir = stageDirOf(expDir, plan.name);
  if (existsSync(finalDir)) renameSync(finalDir, oldDir);
  renameSync(workDir, finalDir);
  rmSync(oldDir, { recursive: true, force: true });
  const outDir = signatureOf(finalDir);
  const finishedAt = new Date().toISOString();
  const stamp: Stamp = {
    version: 1,
    stage: plan.name,
    kind: plan.kind,
    key,
    parts,
    inputs: [...inputs.values()],
    outputs: outputSigs,
    outDir,
    id: newStampId(key, finishedAt, outDir),
    startedAt,
    finishedAt,
    seconds: (performance.now() - t0) / 1000,
  };
  writeStamp(expDir, stamp);
  return stamp;
}
