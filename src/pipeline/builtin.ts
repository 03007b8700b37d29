/**
 * The library's own stage kinds and config sections, registered in the default registry when it
 * is first used. Real stages (prepare, features, stats, train, decode, score, report) are wired
 * here: add the kind to BUILTIN_STAGE_KINDS and, when it owns a config section, its zod schema to
 * BUILTIN_CONFIG_SECTIONS, so that `hibiki run` validates that section before running anything.
 */
import type { z } from 'zod';
import type { StageKind } from './registry.js';
import { RECIPE_STAGE_KINDS } from './stages/index.js';

/** Stage kinds every recipe can use. */
export const BUILTIN_STAGE_KINDS: StageKind[] = [...RECIPE_STAGE_KINDS];

/** Config sections validated (and defaulted) in every recipe that has them. */
export const BUILTIN_CONFIG_SECTIONS: Record<string, z.ZodType> = {};
