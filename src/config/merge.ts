/** Deep merge of config layers (defaults < file < overrides). */
import { isPlainObject } from './path.js';

/**
 * Merges `over` onto `base`: mappings merge key by key, recursively; everything else (lists,
 * scalars, null) in `over` replaces what `base` had. Lists replace rather than concatenate so that
 * a file can shorten a default list. `undefined` in `over` leaves `base` unchanged. Inputs are not
 * modified.
 */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/** Merges several layers left to right. */
export function mergeLayers(...layers: unknown[]): unknown {
  return layers.reduce<unknown>((acc, layer) => deepMerge(acc, layer), undefined);
}
