/**
 * A recipe's optional prepare module (`prepare.ts`, `prepare.js` or `prepare.mjs` beside
 * recipe.yaml) adds recipe-specific stage kinds and config sections. It may export:
 *
 * - `stageKinds`: `StageKind[]`, or a function `(hibiki) => StageKind[]`;
 * - `configSections`: `Record<string, zod schema>`, or a function `(hibiki) => ...`.
 *
 * `hibiki` is this library's public API, passed in so that the module needs no runtime import of
 * hibiki (an `import type` is erased) and always uses the same copy as the runner. A `.ts` module
 * loads directly under tsx (npm run hibiki) or Node with type stripping; from the compiled CLI it
 * is loaded through tsx's `tsImport` when tsx is installed; otherwise use `prepare.js`/`.mjs`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { HibikiError } from '../errors.js';
import type { StageKind, StageRegistry } from './registry.js';

/** The public API handed to prepare modules. */
export type HibikiApi = typeof import('../index.js');

type OrFactory<T> = T | ((hibiki: HibikiApi) => T);

/** What a prepare module may export. */
export interface PrepareModule {
  stageKinds?: OrFactory<StageKind[]>;
  configSections?: OrFactory<Record<string, z.ZodType>>;
}

const CANDIDATES = ['prepare.ts', 'prepare.mts', 'prepare.js', 'prepare.mjs'];

/** The prepare module file of a recipe folder, if any. */
export function findPrepareModule(recipeDir: string): string | undefined {
  const found = CANDIDATES.map((n) => join(recipeDir, n)).filter((p) => existsSync(p));
  if (found.length > 1) {
    throw new HibikiError('RECIPE_PREPARE_AMBIGUOUS', 'more than one prepare module', { file: recipeDir, expected: 'one of ' + CANDIDATES.join(', '), found: found.join(', ') });
  }
  return found[0];
}

async function importModule(file: string): Promise<unknown> {
  const url = pathToFileURL(file).href;
  try {
    return await import(url);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw wrap(file, e);
  }
  // Plain Node without a TypeScript loader: borrow tsx when it is installed.
  let tsx: { tsImport: (specifier: string, parent: string) => Promise<unknown> };
  try {
    const spec = 'tsx/esm/api';
    tsx = (await import(spec)) as typeof tsx;
  } catch {
    throw new HibikiError('RECIPE_PREPARE_TS', 'cannot load a TypeScript prepare module from plain Node', {
      file,
      expected: 'tsx installed (npm i -D tsx), running through tsx, or the module compiled to prepare.js',
      found: 'prepare.ts and no TypeScript loader',
    });
  }
  try {
    return await tsx.tsImport(url, import.meta.url);
  } catch (e) {
    throw wrap(file, e);
  }
}

function wrap(file: string, e: unknown): unknown {
  if (e instanceof HibikiError) return e;
  return new HibikiError('RECIPE_PREPARE_FAILED', `the prepare module failed to load: ${e instanceof Error ? e.message : String(e)}`, { file, cause: e });
}

/**
 * Loads the recipe's prepare module (when there is one) and registers what it exports.
 * @returns the module path, or undefined when the recipe has none
 */
export async function loadPrepareModule(recipeDir: string, registry: StageRegistry): Promise<string | undefined> {
  const file = findPrepareModule(recipeDir);
  if (file === undefined) return undefined;
  const mod = (await importModule(file)) as PrepareModule;
  const api = (await import('../index.js')) as HibikiApi;
  const kinds = typeof mod.stageKinds === 'function' ? mod.stageKinds(api) : mod.stageKinds;
  const sections = typeof mod.configSections === 'function' ? mod.configSections(api) : mod.configSections;
  if (kinds !== undefined && !Array.isArray(kinds)) {
    throw new HibikiError('RECIPE_PREPARE_INVALID', 'stageKinds must be a list of stage kinds', { file, expected: 'StageKind[]', found: typeof kinds });
  }
  for (const k of kinds ?? []) {
    if (typeof k !== 'object' || k === null || typeof k.kind !== 'string' || typeof k.run !== 'function') {
      throw new HibikiError('RECIPE_PREPARE_INVALID', 'a stage kind needs a string `kind` and a `run` function', { file, expected: '{ kind, run(ctx) }', found: JSON.stringify(k)?.slice(0, 80) ?? String(k) });
    }
    registry.register(k);
  }
  for (const [name, schema] of Object.entries(sections ?? {})) registry.registerSection(name, schema);
  return file;
}
