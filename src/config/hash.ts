/**
 * Canonical JSON and its sha256: the identity of a config slice in stamps. Keys are sorted at
 * every level so that the order a file lists them in never changes the hash.
 */
import { createHash } from 'node:crypto';
import { HibikiError } from '../errors.js';
import { isPlainObject } from './path.js';

/**
 * JSON with object keys sorted recursively and no whitespace. `undefined` object members are
 * dropped (as JSON.stringify does); `-0` is written as `0`.
 * @throws HibikiError `CONFIG_NOT_SERIALISABLE` for NaN, Infinity, functions, symbols, bigints
 *   and class instances other than plain objects and arrays
 */
export function canonicalJson(value: unknown): string {
  return encode(value, '');
}

function encode(v: unknown, at: string): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return JSON.stringify(v);
    case 'number':
      if (!Number.isFinite(v)) throw notSerialisable(at, String(v));
      return JSON.stringify(v === 0 ? 0 : v);
    case 'object': {
      if (Array.isArray(v)) return '[' + v.map((x, i) => (x === undefined ? 'null' : encode(x, `${at}[${i}]`))).join(',') + ']';
      if (!isPlainObject(v)) throw notSerialisable(at, `an instance of ${v.constructor?.name ?? 'a class'}`);
      const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
      return '{' + keys.map((k) => JSON.stringify(k) + ':' + encode(v[k], at === '' ? k : `${at}.${k}`)).join(',') + '}';
    }
    default:
      throw notSerialisable(at, typeof v);
  }
}

function notSerialisable(at: string, found: string): HibikiError {
  return new HibikiError('CONFIG_NOT_SERIALISABLE', `config value at ${at || '(root)'} cannot be hashed`, {
    expected: 'JSON data (finite numbers, strings, booleans, null, lists, mappings)',
    found,
  });
}

/** Hex sha256 of a string. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Hex sha256 of `canonicalJson(value)`. */
export function hashConfig(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
