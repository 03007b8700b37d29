import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic, writeChunksAtomic } from '../../../src/util/atomic.js';
import { appendJsonl, readJsonl, writeJsonl } from '../../../src/util/jsonl.js';
import { HibikiError, isHibikiError } from '../../../src/errors.js';

const dir = () => mkdtempSync(join(tmpdir(), 'hibiki-util-'));

test('atomic writes replace the file whole and leave no temporary files', () => {
  const d = dir();
  const path = join(d, 'sub', 'out.txt');
  writeFileAtomic(path, 'first version, longer than the second');
  writeFileAtomic(path, 'second');
  assert.equal(readFileSync(path, 'utf8'), 'second');
  writeChunksAtomic(path, [Buffer.from('ab'), new Uint8Array([99, 100])]);
  assert.equal(readFileSync(path, 'utf8'), 'abcd');
  writeJsonAtomic(join(d, 'x.json'), { a: [1, 2] });
  assert.deepEqual(JSON.parse(readFileSync(join(d, 'x.json'), 'utf8')), { a: [1, 2] });
  assert.deepEqual(readdirSync(join(d, 'sub')), ['out.txt']);
});

test('JSONL round-trips, drops a torn last line on request and names the bad line otherwise', () => {
  const d = dir();
  const path = join(d, 'log.jsonl');
  writeJsonl(path, [{ step: 1 }, { step: 2 }]);
  appendJsonl(path, { step: 3 });
  assert.deepEqual(readJsonl(path), [{ step: 1 }, { step: 2 }, { step: 3 }]);
  appendFileSync(path, '{"step": 4');
  assert.deepEqual(readJsonl(path, { tolerateTornTail: true }), [{ step: 1 }, { step: 2 }, { step: 3 }]);
  assert.throws(() => readJsonl(path), (e: unknown) => isHibikiError(e, 'JSONL_PARSE') && e.line === 4 && e.file === path);
  const middle = join(d, 'mid.jsonl');
  writeFileSync(middle, '{"a":1}\nnot json\n{"a":2}\n');
  assert.throws(() => readJsonl(middle, { tolerateTornTail: true }), (e: unknown) => isHibikiError(e, 'JSONL_PARSE') && e.line === 2);
  assert.throws(() => readJsonl(join(d, 'missing.jsonl')), (e: unknown) => isHibikiError(e, 'FILE_NOT_FOUND'));
});

test('HibikiError message carries code, place, expected and found; exit code 2 by default', () => {
  const e = new HibikiError('WAV_BAD_MAGIC', 'not a RIFF file', { file: 'a.wav', line: 3, expected: 'RIFF', found: 'OggS' });
  assert.equal(e.message, '[WAV_BAD_MAGIC] a.wav:3: not a RIFF file (expected RIFF, found OggS)');
  assert.equal(e.exitCode, 2);
  const u = new HibikiError('X', 'bad', { utterance: 'utt1' }, 1);
  assert.equal(u.message, '[X] utterance utt1: bad');
  assert.equal(u.exitCode, 1);
  assert.equal(isHibikiError(u, 'Y'), false);
});
