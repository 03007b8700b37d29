/**
 * The one way to turn user input into a typed config: defaults < file < `--set` overrides,
 * merged, then validated once by a zod schema whose defaults fill every optional field.
 */
import type { z } from 'zod';
import { mergeLayers } from './merge.js';
import { applyOverrides, parseOverride, type ConfigOverride } from './override.js';
import { hasPath, isPlainObject, type PathSegment } from './path.js';
import { loadConfigFile, type ConfigSource } from './source.js';
import { ConfigValidationError, validateConfig, type Locator } from './validate.js';

/** Inputs to resolveConfig. */
export interface ConfigLayers {
  /** Lowest layer, usually a schema-independent base (the schema's own defaults apply anyway). */
  defaults?: unknown;
  /** A YAML or JSON file; its top level must be a mapping. */
  file?: string;
  /** An in-memory value used instead of (or, with `file`, on top of) the file. */
  value?: unknown;
  /** `key=value` strings or parsed overrides, applied last, in order. */
  overrides?: readonly (string | ConfigOverride)[];
}

/** The merged, not yet validated config and where each part came from. */
export interface MergedConfig {
  value: unknown;
  file: string | undefined;
  source: ConfigSource | undefined;
  overrides: ConfigOverride[];
  /** Where a path's value came from (override, file line, defaults). */
  locate: Locator;
}

/**
 * Loads and merges the layers without validating.
 * @throws HibikiError `FILE_NOT_FOUND`, `CONFIG_SYNTAX`, `CONFIG_OVERRIDE`, `CONFIG_PATH`, or
 *   `CONFIG_INVALID` when the file's top level is not a mapping
 */
export function mergeConfigLayers(layers: ConfigLayers): MergedConfig {
  const source = layers.file === undefined ? undefined : loadConfigFile(layers.file);
  if (source !== undefined && !isPlainObject(source.value)) {
    throw new ConfigValidationError([{ path: '', expected: 'a mapping of keys to values', found: Array.isArray(source.value) ? 'a list' : typeof source.value, origin: source.file, line: 1 }], source.file, 'config');
  }
  const overrides = (layers.overrides ?? []).map((o) => (typeof o === 'string' ? parseOverride(o) : o));
  const merged = applyOverrides(mergeLayers(layers.defaults ?? {}, source?.value, layers.value), overrides);
  const locate: Locator = (path) => {
    for (let i = overrides.length - 1; i >= 0; i--) {
      const o = overrides[i]!;
      if (isPrefix(o.path, path) || isPrefix(path, o.path)) return { origin: `--set ${o.text}` };
    }
    if (source !== undefined && (hasPath(source.value, path as PathSegment[]) || !hasPath(layers.defaults, path as PathSegment[]))) {
      const line = source.locate(path);
      return line === undefined ? { origin: source.file } : { origin: source.file, line };
    }
    if (hasPath(layers.defaults, path as PathSegment[])) return { origin: 'defaults' };
    return {};
  };
  return { value: merged, file: source?.file, source, overrides, locate };
}

function isPrefix(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  return a.length <= b.length && a.every((s, i) => String(s) === String(b[i]));
}

/**
 * Resolves a typed config: merges defaults, file and overrides, validates with `schema` (zod
 * defaults fill optional fields) and returns the parsed value.
 * @example resolveConfig(trainSchema, { file: 'train.yaml', overrides: ['lr=0.001'] })
 * @throws ConfigValidationError (`CONFIG_INVALID`) listing every problem with path, expected,
 *   found and origin; the error's `file` is the config file
 */
export function resolveConfig<S extends z.ZodType>(schema: S, layers: ConfigLayers = {}, what = 'config'): z.output<S> {
  const merged = mergeConfigLayers(layers);
  return validateConfig(schema, merged.value, { locate: merged.locate, what, ...(merged.file === undefined ? {} : { file: merged.file }) });
}
