/**
 * recipe.yaml: its schema, and resolution into a validated config plus an ordered stage plan.
 * Problems found anywhere (schema, unknown stage kinds, bad slice paths, section schemas, stage
 * options) are collected and reported together as one `CONFIG_INVALID` error.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import {
  ConfigValidationError,
  describeZodIssues,
  describeValue,
  getPath,
  formatPath,
  hasPath,
  mergeConfigLayers,
  parsePath,
  validateConfig,
  type ConfigIssue,
  type ConfigOverride,
  type Locator,
  type PathSegment,
} from '../config/index.js';
import { HibikiError } from '../errors.js';
import type { StageRegistry } from './registry.js';

const STAGE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const RESERVED_STAGE_NAMES = new Set(['stamps']);

/** One stage entry as written; a bare string `features` means `{ kind: features }`. */
export const stageEntrySchema = z.preprocess(
  (v) => (typeof v === 'string' ? { kind: v } : v),
  z
    .object({
      name: z.string().regex(STAGE_NAME).optional(),
      kind: z.string().min(1),
      config: z.array(z.string()).default([]),
      options: z.record(z.string(), z.unknown()).default({}),
      after: z.array(z.string()).optional(),
      seed: z.string().default('seed'),
      share: z.boolean().default(false),
    })
    .strict(),
);
export type StageEntry = z.output<typeof stageEntrySchema>;

const axisSchema = z.union([z.array(z.unknown()).min(1), z.record(z.string(), z.unknown())], {
  error: 'a list of values, or a mapping of label to value',
});

/** A study: a grid of runs over config axes, then one compare stage over all of them. */
export const studySchema = z
  .object({
    description: z.string().default(''),
    axes: z.record(z.string(), axisSchema).refine((a) => Object.keys(a).length > 0, { message: 'at least one axis' }),
    set: z.record(z.string(), z.unknown()).default({}),
    compare: stageEntrySchema.nullable().default(null),
  })
  .strict();
export type StudySpec = z.output<typeof studySchema>;

/** Top level of recipe.yaml. Other top-level keys are config sections (data, features, ...). */
export const recipeSchema = z.looseObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  description: z.string().default(''),
  seed: z.number().int().default(0),
  study: z.string().nullable().default(null),
  stages: z.array(stageEntrySchema).min(1),
  studies: z.record(z.string(), studySchema).default({}),
});
export type RecipeConfig = z.output<typeof recipeSchema>;

/** A stage ready to run. */
export interface StagePlan {
  index: number;
  name: string;
  kind: string;
  /** Dotted slice paths (the entry's, then the kind's own), and parsed. */
  config: string[];
  paths: PathSegment[][];
  /** Validated options (defaults filled when the kind has a schema). */
  options: unknown;
  /** Names of the stages whose stamps this one chains on. */
  after: string[];
  /** Config path of the integer that seeds `ctx.rng` and enters the stamp key (default `seed`). */
  seedPath: PathSegment[];
  /** Output kept under `<exp root>/<recipe>/_shared/`, keyed by the stamp key, reused by every tag and study run with the same key. */
  share: boolean;
}

/** A resolved recipe config and its stage plan. */
export interface ResolvedRecipe {
  config: RecipeConfig;
  stages: StagePlan[];
}

/** Where recipe.yaml is for a recipe folder (or the file itself). */
export function recipeFileOf(pathGiven: string): { dir: string; file: string } {
  const abs = resolve(pathGiven);
  // `file` keeps the user's spelling (relative stays relative) for error messages.
  if (existsSync(abs) && statSync(abs).isFile()) return { dir: dirname(abs), file: pathGiven };
  const file = join(pathGiven, 'recipe.yaml');
  if (!existsSync(join(abs, 'recipe.yaml'))) {
    throw new HibikiError('RECIPE_NOT_FOUND', 'no recipe.yaml here', { file: pathGiven, expected: 'a recipe folder with recipe.yaml', found: existsSync(abs) ? 'a folder without recipe.yaml' : 'no such path' });
  }
  return { dir: abs, file };
}

/** Reads recipe.yaml and applies `--set` overrides; no validation yet. */
export function mergeRecipe(file: string, overrides: readonly (string | ConfigOverride)[]) {
  return mergeConfigLayers({ file, overrides });
}

/**
 * Validates a merged recipe config and builds the stage plan.
 * @param value merged recipe.yaml + overrides
 * @throws ConfigValidationError (`CONFIG_INVALID`) listing every problem
 */
export function resolveRecipe(value: unknown, registry: StageRegistry, where: { file?: string; locate?: Locator }): ResolvedRecipe {
  const opts = { what: 'recipe', ...(where.file === undefined ? {} : { file: where.file }), ...(where.locate === undefined ? {} : { locate: where.locate }) };
  const config = validateConfig(recipeSchema, value, opts);
  const issues: ConfigIssue[] = [];
  const issue = (path: PathSegment[], expected: string, found: string): void => {
    const place = where.locate?.(path) ?? {};
    issues.push({ path: formatPath(path), expected, found, ...place });
  };
  for (const name of registry.sectionNames()) {
    if (!Object.hasOwn(config, name)) continue;
    const r = registry.section(name)!.safeParse(config[name], { reportInput: true });
    if (r.success) config[name] = r.data;
    else issues.push(...describeZodIssues(r.error.issues.map((i) => ({ ...i, path: [name, ...i.path] })), config, where.locate));
  }
  const stages = planStages(config.stages, config, registry, issue);
  if (config.study !== null && !Object.hasOwn(config.studies, config.study)) {
    const names = Object.keys(config.studies);
    issue(['study'], names.length === 0 ? 'a study defined under studies: (this recipe has none)' : `one of ${names.map((n) => JSON.stringify(n)).join(', ')}`, `"${config.study}"`);
  }
  for (const [studyName, study] of Object.entries(config.studies)) {
    for (const axis of Object.keys(study.axes)) checkPath(axis, ['studies', studyName, 'axes', axis], issue);
    for (const key of Object.keys(study.set)) checkPath(key, ['studies', studyName, 'set', key], issue);
    if (study.compare !== null) {
      planStages([compareEntry(study)!], config, registry, (p, e, f) => issue(['studies', studyName, 'compare', ...p.slice(2)], e, f));
    }
  }
  if (issues.length > 0) throw new ConfigValidationError(issues, where.file, 'recipe');
  return { config: inInputOrder(config, value), stages };
}

/** The config with its top-level keys in the order the user wrote them (defaults after). */
function inInputOrder(config: RecipeConfig, input: unknown): RecipeConfig {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(input as object)) if (Object.hasOwn(config, k)) out[k] = config[k];
  for (const k of Object.keys(config)) if (!Object.hasOwn(out, k)) out[k] = config[k];
  return out as RecipeConfig;
}

/** Builds StagePlans, reporting problems through `issue` (paths relative to the recipe). */
export function planStages(
  entries: readonly StageEntry[],
  config: Record<string, unknown>,
  registry: StageRegistry,
  issue: (path: PathSegment[], expected: string, found: string) => void,
): StagePlan[] {
  const seen = new Set<string>();
  const plans: StagePlan[] = [];
  entries.forEach((entry, index) => {
    const at: PathSegment[] = ['stages', index];
    const name = entry.name ?? entry.kind;
    if (!STAGE_NAME.test(name)) issue([...at, 'name'], 'a stage name of letters, digits, _ and - (set name: when the kind has other characters)', `"${name}"`);
    if (RESERVED_STAGE_NAMES.has(name)) issue([...at, 'name'], 'a name other than "stamps"', `"${name}"`);
    if (seen.has(name)) issue([...at, 'name'], 'a stage name used once (set name: to tell two stages of one kind apart)', `a second stage named "${name}"`);
    const kind = registry.get(entry.kind);
    let options: unknown = entry.options;
    if (kind === undefined) {
      const known = registry.kindNames();
      issue([...at, 'kind'], known.length === 0 ? 'a registered stage kind (none are registered)' : `one of ${known.join(', ')}`, `"${entry.kind}"`);
    } else if (kind.options !== undefined) {
      const r = kind.options.safeParse(entry.options, { reportInput: true });
      if (r.success) options = r.data;
      else for (const i of describeZodIssues(r.error.issues, entry.options)) issue([...at, 'options', ...(i.path === '' ? [] : parsePath(i.path))], i.expected, i.found);
    }
    const paths: PathSegment[][] = [];
    entry.config.forEach((key, j) => {
      const p = checkPath(key, [...at, 'config', j], issue);
      if (p === undefined) return;
      if (!hasPath(config, p)) issue([...at, 'config', j], 'a path present in the config', `"${key}", which is not set`);
      paths.push(p);
    });
    // The kind's own paths join the slice; they may be absent from a recipe (optional sections).
    const slicePaths = [...entry.config];
    for (const key of kind?.config ?? []) {
      if (slicePaths.includes(key)) continue;
      slicePaths.push(key);
      paths.push(parsePath(key));
    }
    let after: string[];
    if (entry.after !== undefined) {
      after = entry.after;
      entry.after.forEach((dep, j) => {
        if (!seen.has(dep)) issue([...at, 'after', j], 'the name of an earlier stage', `"${dep}"`);
      });
    } else {
      after = index > 0 ? [plans[index - 1]?.name ?? ''] : [];
    }
    seen.add(name);
    let seedPath: PathSegment[] = ['seed'];
    const sp = checkPath(entry.seed, [...at, 'seed'], issue);
    if (sp !== undefined) {
      const v = getPath(config, sp);
      if (typeof v !== 'number' || !Number.isInteger(v)) issue([...at, 'seed'], 'the path of an integer in the config', `"${entry.seed}", which is ${describeValue(v)}`);
      else seedPath = sp;
    }
    plans.push({ index, name, kind: entry.kind, config: slicePaths, paths, options, after, seedPath, share: entry.share });
  });
  return plans;
}

function checkPath(key: string, at: PathSegment[], issue: (path: PathSegment[], expected: string, found: string) => void): PathSegment[] | undefined {
  try {
    return parsePath(key);
  } catch (e) {
    if (e instanceof HibikiError) issue(at, e.expected ?? 'a dotted path', e.found ?? key);
    return undefined;
  }
}

/** A study's compare stage entry with its default name `compare`, or undefined when it has none. */
export function compareEntry(study: StudySpec): StageEntry | undefined {
  return study.compare === null ? undefined : { ...study.compare, name: study.compare.name ?? 'compare' };
}
