/**
 * `--set key=value` overrides. The key is a dotted path (see path.ts); the value is typed by
 * its text: `null`/`~`, `true`/`false`, numbers, JSON or YAML flow lists and mappings
 * (`[1, 2]`, `{kind: uniform, eps: 0.1}`), quoted strings (`"007"`), anything else a string.
 */
import { parse as parseYaml } from 'yaml';
import { HibikiError } from '../errors.js';
import { parsePath, setPath, type PathSegment } from './path.js';

/** One parsed override. `text` is what the user wrote, kept for messages and provenance. */
export interface ConfigOverride {
  path: PathSegment[];
  value: unknown;
  text: string;
}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Types the value text of an override.
 * @throws HibikiError `CONFIG_OVERRIDE` when a list/mapping or quoted string does not parse
 */
export function parseOverrideValue(text: string, context = text): unknown {
  const t = text.trim();
  if (t === 'null' || t === '~') return null;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (NUMBER.test(t)) return Number(t);
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      // Not JSON: YAML flow syntax allows unquoted strings, e.g. [uniform, boundary].
    }
    try {
      return parseYaml(t, { strict: true, uniqueKeys: true }) as unknown;
    } catch (cause) {
      throw new HibikiError('CONFIG_OVERRIDE', `cannot parse the value of --set ${context}`, {
        expected: 'a JSON or YAML flow list/mapping',
        found: t,
        cause,
      });
    }
  }
  if (t.startsWith('"')) {
    try {
      const s = JSON.parse(t) as unknown;
      if (typeof s === 'string') return s;
    } catch {
      // fall through to the error below
    }
    throw new HibikiError('CONFIG_OVERRIDE', `cannot parse the quoted string of --set ${context}`, {
      expected: 'a JSON string in double quotes',
      found: t,
    });
  }
  if (t.length >= 2 && t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1);
  return text;
}

/**
 * Parses `key=value` (the first `=` separates them).
 * @throws HibikiError `CONFIG_OVERRIDE` without `=`, `CONFIG_PATH` for a malformed key
 */
export function parseOverride(text: string): ConfigOverride {
  const eq = text.indexOf('=');
  if (eq <= 0) {
    throw new HibikiError('CONFIG_OVERRIDE', `malformed --set "${text}"`, {
      expected: 'key=value, e.g. train.lr=0.001',
      found: text,
    });
  }
  const key = text.slice(0, eq).trim();
  let path: PathSegment[];
  try {
    path = parsePath(key);
  } catch (e) {
    if (e instanceof HibikiError) {
      throw new HibikiError('CONFIG_PATH', `malformed key in --set "${text}"`, {
        ...(e.expected === undefined ? {} : { expected: e.expected }),
        ...(e.found === undefined ? {} : { found: e.found }),
      });
    }
    throw e;
  }
  return { path, value: parseOverrideValue(text.slice(eq + 1), text), text };
}

/** Applies overrides in order to a copy of `config` (later ones win). */
export function applyOverrides(config: unknown, overrides: readonly (ConfigOverride | string)[]): unknown {
  let out = config;
  for (const o of overrides) {
    const ov = typeof o === 'string' ? parseOverride(o) : o;
    out = setPath(out, ov.path, ov.value, `--set ${ov.text}`);
  }
  return out;
}

