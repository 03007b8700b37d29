/**
 * Dotted config paths: `train.lr`, `data.sets[2].name`, `stages[0]`. A path is a list of
 * segments, strings for object keys and numbers for list indices. Used by `--set` overrides,
 * stage config slices and error messages, so that every place names a value the same way.
 */
import { HibikiError } from '../errors.js';

/** One step of a path: an object key or a list index. */
export type PathSegment = string | number;

const KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Parses `a.b[2].c` into `['a', 'b', 2, 'c']`. Keys are identifiers (letters, digits, `_`, `-`,
 * `$`, not starting with a digit or `-`); indices are non-negative integers in brackets.
 * A key made only of digits after a dot (`a.2`) is also read as an index, as yq does.
 * @throws HibikiError `CONFIG_PATH` on a malformed path
 */
export function parsePath(text: string): PathSegment[] {
  const bad = (found: string): HibikiError =>
    new HibikiError('CONFIG_PATH', `malformed config path "${text}"`, {
      expected: 'dotted keys with optional [index], e.g. train.lr or data.sets[0].name',
      found,
    });
  if (text.length === 0) throw bad('an empty path');
  const out: PathSegment[] = [];
  let i = 0;
  let expectKey = true;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) throw bad(`an unclosed "[" at character ${i + 1}`);
      const inner = text.slice(i + 1, close);
      if (!/^\d+$/.test(inner)) throw bad(`"[${inner}]" (an index must be a non-negative integer)`);
      if (out.length === 0) throw bad('an index before any key');
      out.push(Number(inner));
      i = close + 1;
      expectKey = false;
      continue;
    }
    if (ch === '.') {
      if (expectKey) throw bad(`an empty key at character ${i + 1}`);
      i += 1;
      expectKey = true;
      if (i >= text.length) throw bad('a trailing "."');
      continue;
    }
    if (!expectKey) throw bad(`"${ch}" at character ${i + 1} (a "." or "[" must follow "]")`);
    let end = i;
    while (end < text.length && text[end] !== '.' && text[end] !== '[') end++;
    const key = text.slice(i, end);
    if (/^\d+$/.test(key) && out.length > 0) out.push(Number(key));
    else if (KEY.test(key)) out.push(key);
    else throw bad(`the key "${key}"`);
    i = end;
    expectKey = false;
  }
  return out;
}

/** Formats segments back to the dotted form (`['a', 0, 'b']` -> `a[0].b`); `''` for the root. */
export function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else s += (s.length === 0 ? '' : '.') + String(seg);
  }
  return s;
}

/** True for `{...}` objects (not arrays, null, class instances). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The value at `path`, or `undefined` when any step is missing. */
export function getPath(root: unknown, path: readonly PathSegment[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (!isPlainObject(cur) || !Object.hasOwn(cur, seg)) return undefined;
      cur = cur[seg];
    }
  }
  return cur;
}

/** True when every step of `path` exists (the value there may be null). */
export function hasPath(root: unknown, path: readonly PathSegment[]): boolean {
  let cur = root;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur) || seg >= cur.length) return false;
      cur = cur[seg];
    } else {
      if (!isPlainObject(cur) || !Object.hasOwn(cur, seg)) return false;
      cur = cur[seg];
    }
  }
  return true;
}

/**
 * Returns a copy of `root` with `value` at `path`; `root` is not modified. Missing object keys are
 * created (as objects, or lists when the next segment is an index). A list index may address an
 * existing element or append at `length`.
 * @throws HibikiError `CONFIG_PATH` when a step goes through a scalar, a key is used on a list,
 *   an index on an object, or an index lies past the end of the list
 */
export function setPath(root: unknown, path: readonly PathSegment[], value: unknown, what?: string): unknown {
  return setAt(root, path, 0, value, what ?? `"${formatPath(path)}"`);
}

function setAt(node: unknown, path: readonly PathSegment[], depth: number, value: unknown, what: string): unknown {
  if (depth === path.length) return value;
  const seg = path[depth]!;
  const here = formatPath(path.slice(0, depth)) || '(root)';
  const fail = (expected: string, found: string): HibikiError =>
    new HibikiError('CONFIG_PATH', `cannot set ${what}: ${here} is ${found}`, { expected, found });
  if (typeof seg === 'number') {
    const list = node === undefined ? [] : node;
    if (!Array.isArray(list)) return failWith(fail, `a list at ${here}`, node);
    if (seg > list.length) {
      throw fail(`an index in 0..${list.length}`, `a list of ${list.length} (index ${seg} is past its end)`);
    }
    const copy = list.slice();
    copy[seg] = setAt(list[seg], path, depth + 1, value, what);
    return copy;
  }
  const obj = node === undefined || node === null ? {} : node;
  if (!isPlainObject(obj)) return failWith(fail, `a mapping at ${here}`, node);
  return { ...obj, [seg]: setAt(obj[seg], path, depth + 1, value, what) };
}

function failWith(fail: (e: string, f: string) => HibikiError, expected: string, node: unknown): never {
  throw fail(expected, describeValue(node));
}

/** A short description of a value for error messages: `a list`, `the number 3`, `the string "x"`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (isPlainObject(v)) return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `the ${typeof v} ${String(v)}`;
  return typeof v;
}

/**
 * Picks the values at several paths into a new nested object with the same structure, e.g.
 * `pickPaths(cfg, ['features', 'data.sets'])` -> `{ features: ..., data: { sets: ... } }`.
 * Paths that are missing are left out.
 */
export function pickPaths(root: unknown, paths: readonly (readonly PathSegment[])[]): Record<string, unknown> {
  let out: unknown = {};
  const sorted = [...paths].sort((a, b) => a.length - b.length);
  for (const p of sorted) {
    if (!hasPath(root, p) || p.length === 0) continue;
    // A parent already picked contains this child.
    if (sorted.some((q) => q.length < p.length && q.every((s, i) => s === p[i]) && hasPath(root, q))) continue;
    out = setPathLoose(out, p, getPath(root, p));
  }
  return out as Record<string, unknown>;
}

/** Like setPath, but list indices in a picked slice become object keys so no holes appear. */
function setPathLoose(root: unknown, path: readonly PathSegment[], value: unknown): unknown {
  return setPath(root, path.map(String), value);
}
