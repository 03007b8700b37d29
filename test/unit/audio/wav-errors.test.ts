import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAudio, encodeWav, readAudio } from '../../../src/audio/index.js';
import { HibikiError } from '../../../src/errors.js';

const good = (): Uint8Array => encodeWav(Float32Array.of(0.1, -0.2, 0.3, -0.4), 16000);
const floatGood = (): Uint8Array => encodeWav(Float32Array.of(0.1, -0.2, 0.3, -0.4), 16000, { format: 'float32' });

function withU16(b: Uint8Array, at: number, v: number): Uint8Array {
  const c = b.slice();
  new DataView(c.buffer).setUint16(at, v, true);
  return c;
}
function withU32(b: Uint8Array, at: number, v: number): Uint8Array {
  const c = b.slice();
  new DataView(c.buffer).setUint32(at, v, true);
  return c;
}

function expectCode(bytes: Uint8Array, code: string, message?: RegExp): HibikiError {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-bad-'));
  const path = join(dir, 'bad.wav');
  writeFileSync(path, bytes);
  let caught: unknown;
  try {
    readAudio(path);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof HibikiError, `expected HibikiError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.file, path);
  assert.ok(caught.message.includes(path));
  if (message !== undefined) assert.match(caught.message, message);
  return caught;
}

test('empty file, missing file', () => {
  expectCode(new Uint8Array(0), 'AUDIO_EMPTY');
  assert.throws(() => readAudio('/nonexistent/x.wav'), { code: 'AUDIO_NOT_FOUND', file: '/nonexistent/x.wav' });
});

test('truncated header at every length up to the data chunk header', () => {
  const b = good();
  for (let n = 1; n < 44; n++) {
    // 36 bytes = header and fmt chunk complete, nothing after: the data chunk is missing
    const e = expectCode(b.subarray(0, n), n === 36 ? 'WAV_MISSING_CHUNK' : 'WAV_TRUNCATED_HEADER');
    assert.ok(e.found !== undefined);
  }
});

test('wrong magic: RIFF, WAVE, RIFX, non-audio text', () => {
  expectCode(Uint8Array.from(Buffer.from('hello world, this is not audio at all')), 'AUDIO_UNKNOWN_FORMAT', /"RIFF"/);
  const rifx = good();
  rifx.set(Buffer.from('RIFX'), 0);
  expectCode(rifx, 'AUDIO_UNKNOWN_FORMAT', /RIFX/);
  const avi = good();
  avi.set(Buffer.from('AVI '), 8);
  expectCode(avi, 'AUDIO_UNKNOWN_FORMAT', /WAVE/);
});

test('data chunk longer than the file: error by default, read whole frames with onTruncated=warn', () => {
  const b = good();
  const cut = b.subarray(0, b.length - 3); // 4 samples -> 2.5 present
  const e = expectCode(cut, 'WAV_DATA_TRUNCATED');
  assert.equal(e.expected, '8 data bytes');
  assert.equal(e.found, '5 bytes');
  const d = decodeAudio(cut, 'cut.wav', { onTruncated: 'warn' });
  assert.deepEqual(Array.from(d.channels[0]!), [Math.round(0.1 * 32768) / 32768, Math.round(-0.2 * 32768) / 32768]);
  assert.equal(d.warnings.length, 1);
  expectCode(withU32(b, 40, 0xffffffff), 'WAV_DATA_TRUNCATED');
});

test('unsupported codecs name their format tag', () => {
  expectCode(withU16(good(), 20, 7), 'WAV_UNSUPPORTED_CODEC', /0x0007 \(mu-law/);
  expectCode(withU16(good(), 20, 6), 'WAV_UNSUPPORTED_CODEC', /0x0006 \(A-law/);
  expectCode(withU16(good(), 20, 2), 'WAV_UNSUPPORTED_CODEC', /0x0002 \(MS_ADPCM\)/);
  expectCode(withU16(good(), 20, 0x11), 'WAV_UNSUPPORTED_CODEC', /IMA_ADPCM/);
  const ext = encodeWav(Float32Array.of(0.5), 16000, { extensible: true });
  expectCode(withU16(ext, 44, 7), 'WAV_UNSUPPORTED_CODEC', /mu-law/);
  const badGuid = ext.slice();
  badGuid[50] = 0x42;
  expectCode(badGuid, 'WAV_UNSUPPORTED_CODEC', /GUID/);
  expectCode(withU16(good(), 34, 12), 'WAV_UNSUPPORTED_BIT_DEPTH');
  expectCode(withU16(floatGood(), 34, 16), 'WAV_UNSUPPORTED_BIT_DEPTH');
});

test('zero sample rate, zero channels, inconsistent block align', () => {
  expectCode(withU32(good(), 24, 0), 'WAV_BAD_FORMAT', /zero sample rate/);
  expectCode(withU16(good(), 22, 0), 'WAV_BAD_FORMAT', /zero channels/);
  expectCode(withU16(good(), 32, 3), 'WAV_BAD_FORMAT', /block align/);
});

test('missing chunks and chunks running past the end', () => {
  const noData = good().slice(0, 36);
  expectCode(noData, 'WAV_MISSING_CHUNK', /data/);
  const renamed = good();
  renamed.set(Buffer.from('junk'), 12); // fmt chunk renamed: skipped, then data without fmt
  expectCode(renamed, 'WAV_MISSING_CHUNK', /fmt/);
  expectCode(withU32(good(), 16, 1000), 'WAV_TRUNCATED_HEADER', /fmt/);
  expectCode(withU32(good(), 16, 8), 'WAV_BAD_FORMAT', /too short/);
});

test('NaN and infinite float samples are rejected, for float32 and float64', () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    const b = floatGood();
    new DataView(b.buffer).setFloat32(46 + 4 * 2, bad, true); // float header is 46 bytes (fmt size 18)
    expectCode(b, 'AUDIO_NONFINITE_SAMPLE', /NaN or infinite/);
    const d = encodeWav(Float32Array.of(0, 0), 8000, { format: 'float64' });
    new DataView(d.buffer).setFloat64(46 + 8, bad, true);
    expectCode(d, 'AUDIO_NONFINITE_SAMPLE');
  }
  assert.throws(() => encodeWav(Float32Array.of(0, NaN), 8000), { code: 'AUDIO_NONFINITE_SAMPLE' });
});
