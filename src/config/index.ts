/** Config layer: loading, `--set` overrides, merging, validation and hashing of configs. */
export { parsePath, formatPath, getPath, hasPath, setPath, pickPaths, isPlainObject, describeValue, type PathSegment } from './path.js';
export { deepMerge, mergeLayers } from './merge.js';
export { parseOverride, parseOverrideValue, applyOverrides, type ConfigOverride } from './override.js';
export { parseConfigText, loadConfigFile, type ConfigSource } from './source.js';
export { validateConfig, describeZodIssues, ConfigValidationError, type ConfigIssue, type Locator } from './validate.js';
export { canonicalJson, hashConfig, sha256Hex } from './hash.js';
export { resolveConfig, mergeConfigLayers, type ConfigLayers, type MergedConfig } from './resolve.js';
