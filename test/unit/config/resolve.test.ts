import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigValidationError, canonicalJson, hashConfig, resolveConfig, sha256Hex } from '../../../src/config/index.js';
import { isHibikiError } from '../../../src/errors.js';

const schema = z.object({
  name: z.string(),
  train: z.object({
    lr: z.number().positive().default(0.001),
    epochs: z.number().int().min(1).default(10),
    optimiser: z.enum(['adam', 'sgd']).default('adam'),
  }).strict().prefault({}),
  features: z.object({ numCeps: z.number().int().default(13), dither: z.number().default(0) }).strict().prefault({}),
}).strict();

function tmpFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-config-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('resolveConfig merges defaults < file < overrides and fills zod defaults', () => {
  const file = tmpFile('c.yaml', 'name: exp1\ntrain:\n  lr: 0.01\n  epochs: 5\n');
  const cfg = resolveConfig(schema, { file, defaults: { train: { epochs: 2, optimiser: 'sgd' } }, overrides: ['train.epochs=7'] });
  assert.deepEqual(cfg, { name: 'exp1', train: { lr: 0.01, epochs: 7, optimiser: 'sgd' }, features: { numCeps: 13, dither: 0 } });
});

test('YAML anchors, aliases and merge keys resolve', () => {
  const file = tmpFile('anchors.yaml', 'name: a\nbase: &b { lr: 0.5, epochs: 4 }\ntrain:\n  <<: *b\n  epochs: 2\n');
  const loose = z.looseObject({ name: z.string(), train: z.object({ lr: z.number(), epochs: z.number() }) });
  assert.deepEqual(resolveConfig(loose, { file }).train, { lr: 0.5, epochs: 2 });
});

test('JSON files load too', () => {
  const file = tmpFile('c.json', '{"name": "j", "features": {"numCeps": 20}}');
  assert.deepEqual(resolveConfig(schema, { file }).features, { numCeps: 20, dither: 0 });
});

test('every validation issue is listed with path, expected, found and line', () => {
  const file = tmpFile('bad.yaml', 'name: exp\ntrain:\n  lr: -1\n  epochs: 2.5\n  optimiser: adamw\nfeatures:\n  numCepz: 13\n');
  let err: unknown;
  try {
    resolveConfig(schema, { file });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ConfigValidationError);
  assert.equal(err.code, 'CONFIG_INVALID');
  assert.equal(err.file, file);
  const byPath = new Map(err.issues.map((i) => [i.path, i]));
  assert.deepEqual([...byPath.keys()].sort(), ['features.numCepz', 'train.epochs', 'train.lr', 'train.optimiser']);
  assert.deepEqual(byPath.get('train.lr'), { path: 'train.lr', expected: '> 0', found: 'the number -1', origin: file, line: 3 });
  assert.equal(byPath.get('train.epochs')!.expected, 'an integer');
  assert.equal(byPath.get('train.epochs')!.found, 'the number 2.5');
  assert.equal(byPath.get('train.epochs')!.line, 4);
  assert.equal(byPath.get('train.optimiser')!.expected, 'one of "adam", "sgd"');
  assert.equal(byPath.get('train.optimiser')!.found, 'the string "adamw"');
  assert.equal(byPath.get('features.numCepz')!.found, 'the unknown key "numCepz"');
  assert.equal(byPath.get('features.numCepz')!.line, 7);
  assert.equal(err.line, 3);
  for (const p of byPath.keys()) assert.ok(err.message.includes(p), `message lists ${p}`);
});

test('a single issue carries expected/found on the error, and an override is named as its origin', () => {
  const file = tmpFile('ok.yaml', 'name: exp\n');
  assert.throws(() => resolveConfig(schema, { file, overrides: ['train.lr=abc'] }), (e: unknown) =>
    e instanceof ConfigValidationError && e.expected === 'number' && e.found === 'the string "abc"' && e.issues[0]!.origin === '--set train.lr=abc' && e.message.includes('--set train.lr=abc'));
});

test('a missing required key reports "nothing (missing)"', () => {
  assert.throws(() => resolveConfig(schema, { value: {} }), (e: unknown) =>
    e instanceof ConfigValidationError && e.issues[0]!.path === 'name' && e.issues[0]!.found === 'nothing (missing)' && e.issues[0]!.expected === 'string');
});

test('YAML syntax errors carry file, line and column', () => {
  const file = tmpFile('syntax.yaml', 'name: x\ntrain:\n  lr: [1, 2\n  epochs: 3\n');
  assert.throws(() => resolveConfig(schema, { file }), (e: unknown) => isHibikiError(e, 'CONFIG_SYNTAX') && e.file === file && typeof e.line === 'number' && e.line >= 3 && /column \d+/.test(e.message));
  const dup = tmpFile('dup.yaml', 'name: x\nname: y\n');
  assert.throws(() => resolveConfig(schema, { file: dup }), (e: unknown) => isHibikiError(e, 'CONFIG_SYNTAX') && e.line === 2);
  const json = tmpFile('bad.json', '{\n  "name": "x",,\n}\n');
  assert.throws(() => resolveConfig(schema, { file: json }), (e: unknown) => isHibikiError(e, 'CONFIG_SYNTAX') && e.line === 2);
});

test('a missing file and a non-mapping top level are clear errors', () => {
  assert.throws(() => resolveConfig(schema, { file: '/nonexistent/x.yaml' }), (e: unknown) => isHibikiError(e, 'FILE_NOT_FOUND') && e.file === '/nonexistent/x.yaml');
  const list = tmpFile('list.yaml', '- a\n- b\n');
  assert.throws(() => resolveConfig(schema, { file: list }), (e: unknown) => isHibikiError(e, 'CONFIG_INVALID') && e.found === 'a list');
});

test('canonical JSON sorts keys at every level and the hash ignores key order', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, u: undefined }), '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  assert.equal(hashConfig({ x: 1, y: { b: 2, a: 1 } }), hashConfig({ y: { a: 1, b: 2 }, x: 1 }));
  assert.notEqual(hashConfig({ x: 1 }), hashConfig({ x: 2 }));
  assert.equal(canonicalJson(-0), '0');
  // sha256("abc") from FIPS 180-2.
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(hashConfig({}), sha256Hex('{}'));
  assert.throws(() => canonicalJson({ a: [1, Number.NaN] }), (e: unknown) => isHibikiError(e, 'CONFIG_NOT_SERIALISABLE') && e.message.includes('a[1]'));
  assert.throws(() => canonicalJson({ d: new Date(0) }), (e: unknown) => isHibikiError(e, 'CONFIG_NOT_SERIALISABLE'));
});
