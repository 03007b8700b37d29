/**
 * How the shipped stage kinds find each other's outputs. A prepare stage writes one data
 * directory per set under its output (`<stage>/<set>/`) and a `sets.json` naming them and the
 * task they are labelled for; a features stage writes one archive per set the same way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { validateConfig } from '../../config/index.js';
import { HibikiError } from '../../errors.js';
import { writeJsonAtomic } from '../../util/atomic.js';
import type { StageContext } from '../registry.js';

/** What a data-preparation stage produced. */
export interface SetsManifest {
  /** Set name -> data directory, relative to the stage's output directory. */
  sets: Record<string, string>;
  /** Free-form notes shown in logs and RESULTS (e.g. how the test set was chosen). */
  notes: string[];
  /** The data directories point at audio outside themselves (imported data): read with allowOutside. */
  allowOutside?: boolean;
}

export const SETS_FILE = 'sets.json';

/** Writes `sets.json` into a prepare stage's work directory. */
export function writeSets(outDir: string, manifest: SetsManifest): void {
  writeJsonAtomic(join(outDir, SETS_FILE), manifest);
}

/**
 * Reads the `sets.json` of an upstream prepare stage.
 * @throws HibikiError `STAGE_NO_SETS` when the stage wrote none (it is not a prepare stage)
 */
export function readSets(ctx: StageContext, stage: string): SetsManifest & { dir: string } {
  const dir = ctx.stageDir(stage);
  const file = join(dir, SETS_FILE);
  if (!existsSync(file)) {
    throw new HibikiError('STAGE_NO_SETS', `stage "${stage}" wrote no ${SETS_FILE}`, {
      file,
      expected: `the name of a prepare stage (prepare-synth-events, prepare-fsdd, ...) before stage "${ctx.stage.name}"`,
      found: 'no sets manifest',
    });
  }
  return { ...(JSON.parse(readFileSync(file, 'utf8')) as SetsManifest), dir };
}

/** Absolute data directory of set `name` of prepare stage `stage`. */
export function dataDirOf(ctx: StageContext, stage: string, name: string): string {
  const m = readSets(ctx, stage);
  const rel = m.sets[name];
  if (rel === undefined) {
    throw new HibikiError('STAGE_NO_SET', `stage "${stage}" has no set "${name}"`, { file: join(m.dir, SETS_FILE), expected: Object.keys(m.sets).join(', '), found: name });
  }
  return join(m.dir, rel);
}

/** Whether the sets of prepare stage `stage` must be read with allowOutside. */
export function allowOutsideOf(ctx: StageContext, stage: string): boolean {
  return readSets(ctx, stage).allowOutside === true;
}

/** Validates a config section read by a stage; errors name the recipe path (`data.sets.train`). */
export function sectionOf<S extends z.ZodType>(ctx: StageContext, key: string, schema: S): z.output<S> {
  return validateConfig(schema, ctx.config[key] ?? {}, { what: `recipe section "${key}" (stage ${ctx.stage.name})`, file: join(ctx.recipe.dir, 'recipe.yaml') });
}

/** Marker a skipped stage leaves in its output directory. */
export const SKIPPED_FILE = 'skipped.json';

/**
 * True when the recipe's top-level `skip` list names this stage (a study uses it to leave out,
 * e.g., the CTC model: `set: { skip: [train-ctc, eval-ctc] }`). The kinds list `skip` in their
 * config paths, so it is part of every stamp.
 */
export function isSkipped(ctx: StageContext): boolean {
  const skip = ctx.config['skip'];
  return Array.isArray(skip) && skip.includes(ctx.stage.name);
}

/** Writes the marker of a skipped stage. */
export function markSkipped(ctx: StageContext): void {
  writeJsonAtomic(join(ctx.outDir, SKIPPED_FILE), { stage: ctx.stage.name, reason: 'listed in the recipe\'s skip' });
  ctx.log.info('skipped: listed in skip');
}

/** True when stage `name` of this experiment was skipped. */
export function wasSkipped(ctx: StageContext, name: string): boolean {
  return existsSync(join(ctx.stageDir(name), SKIPPED_FILE));
}
