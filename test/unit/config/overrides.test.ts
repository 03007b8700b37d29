import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOverrides, parseOverride, parseOverrideValue, parsePath, formatPath, setPath, getPath, pickPaths, deepMerge } from '../../../src/config/index.js';
import { isHibikiError } from '../../../src/errors.js';

test('override values are typed by their text', () => {
  const cases: [string, unknown][] = [
    ['3', 3], ['-2.5', -2.5], ['1e-3', 0.001], ['.5', 0.5], ['+7', 7],
    ['true', true], ['false', false], ['null', null], ['~', null],
    ['[1, 2, 3]', [1, 2, 3]], ['{"kind":"uniform","eps":0.1}', { kind: 'uniform', eps: 0.1 }],
    ['[uniform, boundary]', ['uniform', 'boundary']], ['{kind: unigram, eps: 0.2}', { kind: 'unigram', eps: 0.2 }],
    ['"007"', '007'], ["'true'", 'true'], ['hello world', 'hello world'], ['', ''], ['0x10', '0x10'], ['1.2.3', '1.2.3'],
    ['data/synth', 'data/synth'],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseOverrideValue(text), want, `value ${JSON.stringify(text)}`);
});

test('a malformed list value is a CONFIG_OVERRIDE error naming the override', () => {
  assert.throws(() => parseOverride('loss.kinds=[a, b'), (e: unknown) => isHibikiError(e, 'CONFIG_OVERRIDE') && e.message.includes('loss.kinds=[a, b'));
  assert.throws(() => parseOverride('novalue'), (e: unknown) => isHibikiError(e, 'CONFIG_OVERRIDE') && e.expected!.includes('key=value'));
  assert.throws(() => parseOverride('=3'), (e: unknown) => isHibikiError(e, 'CONFIG_OVERRIDE'));
});

test('paths parse dotted keys and list indices and format back', () => {
  assert.deepEqual(parsePath('a.b[2].c'), ['a', 'b', 2, 'c']);
  assert.deepEqual(parsePath('a.2.c'), ['a', 2, 'c']);
  assert.deepEqual(parsePath('studies.label-smoothing.axes'), ['studies', 'label-smoothing', 'axes']);
  assert.deepEqual(parsePath('m[0][1]'), ['m', 0, 1]);
  assert.equal(formatPath(['a', 'b', 2, 'c']), 'a.b[2].c');
  for (const bad of ['', 'a..b', '.a', 'a.', 'a[x]', 'a[1', '[0]', 'a[0]b', 'a b', 'a[-1]']) {
    assert.throws(() => parsePath(bad), (e: unknown) => isHibikiError(e, 'CONFIG_PATH'), `path ${JSON.stringify(bad)}`);
  }
});

test('overrides set nested keys, create missing ones, and index lists', () => {
  const base = { train: { lr: 0.1, epochs: 3 }, data: { sets: [{ name: 'a' }, { name: 'b' }] } };
  const out = applyOverrides(base, ['train.lr=0.001', 'data.sets[1].name=dev', 'data.sets[2]={name: test}', 'model.hidden=[256, 256]', 'train.lr=2e-3']);
  assert.deepEqual(out, {
    train: { lr: 0.002, epochs: 3 },
    data: { sets: [{ name: 'a' }, { name: 'dev' }, { name: 'test' }] },
    model: { hidden: [256, 256] },
  });
  // The input is untouched.
  assert.equal(base.train.lr, 0.1);
  assert.equal(base.data.sets.length, 2);
});

test('overrides through scalars or past the end of a list are CONFIG_PATH errors with expected/found', () => {
  const base = { train: { lr: 0.1 }, list: [1, 2] };
  assert.throws(() => applyOverrides(base, ['train.lr.value=3']), (e: unknown) =>
    isHibikiError(e, 'CONFIG_PATH') && e.message.includes('--set train.lr.value=3') && e.found === 'the number 0.1' && e.expected === 'a mapping at train.lr');
  assert.throws(() => applyOverrides(base, ['list[5]=3']), (e: unknown) => isHibikiError(e, 'CONFIG_PATH') && e.expected === 'an index in 0..2');
  assert.throws(() => applyOverrides(base, ['train[0]=3']), (e: unknown) => isHibikiError(e, 'CONFIG_PATH') && e.found === 'a mapping');
  assert.throws(() => applyOverrides(base, ['list.x=3']), (e: unknown) => isHibikiError(e, 'CONFIG_PATH') && e.found === 'a list of 2');
});

test('setPath/getPath round trip and pickPaths keeps structure', () => {
  const v = setPath({}, ['a', 'b', 0, 'c'], 5);
  assert.deepEqual(v, { a: { b: [{ c: 5 }] } });
  assert.equal(getPath(v, ['a', 'b', 0, 'c']), 5);
  assert.equal(getPath(v, ['a', 'x', 0]), undefined);
  const cfg = { features: { kind: 'mfcc' }, data: { sets: ['train'], root: 'x' }, train: { lr: 1 } };
  assert.deepEqual(pickPaths(cfg, [['data', 'sets'], ['features'], ['features', 'kind'], ['missing']]), { features: { kind: 'mfcc' }, data: { sets: ['train'] } });
});

test('deepMerge merges mappings and replaces lists and scalars', () => {
  assert.deepEqual(deepMerge({ a: { x: 1, y: [1, 2] }, b: 1 }, { a: { y: [3], z: null }, c: 2 }), { a: { x: 1, y: [3], z: null }, b: 1, c: 2 });
  assert.deepEqual(deepMerge({ a: 1 }, undefined), { a: 1 });
});
