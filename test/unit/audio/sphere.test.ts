import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAudio, readAudio, readAudioChannels } from '../../../src/audio/index.js';
import { HibikiError } from '../../../src/errors.js';

interface SphereCase { name: string; channels: number; sampleRate: number; int16Interleaved: number[]; sphBase64: string }
const golden = JSON.parse(readFileSync(new URL('../../golden/audio/sphere_sox.json', import.meta.url), 'utf8')) as { cases: SphereCase[] };

/** A SPHERE file with a 1024-byte header, as TIMIT ships them. */
function sphere(fields: string[], body: Uint8Array): Uint8Array {
  const text = `NIST_1A\n   1024\n${fields.join('\n')}\nend_head\n`;
  const out = new Uint8Array(1024 + body.length);
  out.fill(0x20, 0, 1024);
  out.set(Buffer.from(text, 'latin1'), 0);
  out.set(body, 1024);
  return out;
}

function int16Bytes(values: number[], littleEndian: boolean): Uint8Array {
  const b = new Uint8Array(values.length * 2);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setInt16(2 * i, x, littleEndian));
  return b;
}

const TIMIT_FIELDS = ['database_id -s5 TIMIT', 'database_version -s3 1.0', 'utterance_id -s8 aks0_sa1', 'channel_count -i 1', 'sample_count -i 5', 'sample_rate -i 16000', 'sample_min -i -32768', 'sample_max -i 32767', 'sample_n_bytes -i 2', 'sample_byte_format -s2 01', 'sample_sig_bits -i 16'];

test('sox-written SPHERE files (big- and little-endian, mono and stereo) decode exactly', () => {
  for (const c of golden.cases) {
    const d = decodeAudio(new Uint8Array(Buffer.from(c.sphBase64, 'base64')), `${c.name}.sph`);
    assert.equal(d.format.container, 'sphere');
    assert.equal(d.sampleRate, c.sampleRate);
    assert.equal(d.channels.length, c.channels);
    const frames = c.int16Interleaved.length / c.channels;
    for (let ch = 0; ch < c.channels; ch++) {
      const want = Array.from({ length: frames }, (_, i) => c.int16Interleaved[i * c.channels + ch]! / 32768);
      assert.deepEqual(Array.from(d.channels[ch]!), want, `${c.name} channel ${ch}`);
    }
  }
});

test('TIMIT-style header (no sample_coding field), little-endian; WSJ-style big-endian', () => {
  const values = [-32768, -1, 0, 1, 32767];
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-sph-'));
  const path = join(dir, 'SA1.WAV');
  writeFileSync(path, sphere(TIMIT_FIELDS, int16Bytes(values, true)));
  const sig = readAudio(path);
  assert.equal(sig.sampleRate, 16000);
  assert.deepEqual(Array.from(sig.samples), values.map((x) => x / 32768));
  const be = sphere(['sample_count -i 5', 'sample_n_bytes -i 2', 'channel_count -i 1', 'sample_byte_format -s2 10', 'sample_rate -i 16000', 'sample_coding -s3 pcm'], int16Bytes(values, false));
  assert.deepEqual(Array.from(decodeAudio(be, 'wsj.wv1').channels[0]!), values.map((x) => x / 32768));
  const stereoPath = join(dir, 'st.sph');
  writeFileSync(stereoPath, sphere(['sample_count -i 2', 'channel_count -i 2', 'sample_rate -i 8000', 'sample_n_bytes -i 2', 'sample_byte_format -s2 01'], int16Bytes([100, 200, 300, 400], true)));
  assert.deepEqual(Array.from(readAudio(stereoPath, { channel: 1 }).samples), [200 / 32768, 400 / 32768]);
  assert.deepEqual(Array.from(readAudioChannels(stereoPath).channels[0]!), [100 / 32768, 300 / 32768]);
});

test('shorten / wavpack compressed SPHERE says so and points to sph2pipe', () => {
  for (const coding of ['pcm,embedded-shorten-v2.00', 'pcm,embedded-wavpack', 'pcm,embedded-shortpack-v2.0']) {
    const b = sphere(['sample_count -i 5', 'sample_rate -i 16000', `sample_coding -s${coding.length} ${coding}`], new Uint8Array(10));
    assert.throws(() => decodeAudio(b, 'wsj.wv1'), (e: unknown) => {
      assert.ok(e instanceof HibikiError);
      assert.equal(e.code, 'SPHERE_COMPRESSED');
      assert.equal(e.file, 'wsj.wv1');
      assert.match(e.message, /compressed SPHERE/);
      assert.match(e.message, /sph2pipe/);
      return true;
    });
  }
  assert.throws(() => decodeAudio(sphere(['sample_rate -i 8000', 'sample_coding -s4 ulaw', 'sample_n_bytes -i 1'], new Uint8Array(4)), 'sw.sph'), { code: 'SPHERE_UNSUPPORTED' });
});

test('malformed SPHERE headers and short data', () => {
  const ok = sphere(TIMIT_FIELDS, int16Bytes([1, 2, 3, 4, 5], true));
  assert.throws(() => decodeAudio(ok.subarray(0, 1030), 'a.sph'), { code: 'SPHERE_DATA_TRUNCATED' });
  const warned = decodeAudio(ok.subarray(0, 1030), 'a.sph', { onTruncated: 'warn' });
  assert.deepEqual(Array.from(warned.channels[0]!), [1 / 32768, 2 / 32768, 3 / 32768]);
  assert.throws(() => decodeAudio(ok.subarray(0, 500), 'a.sph'), { code: 'SPHERE_BAD_HEADER', file: 'a.sph' });
  assert.throws(() => decodeAudio(sphere(['sample_count -i 5'], new Uint8Array(10)), 'a.sph'), { code: 'SPHERE_BAD_HEADER', message: /sample_rate/ });
  assert.throws(() => decodeAudio(sphere(['sample_rate -i 0'], new Uint8Array(10)), 'a.sph'), { code: 'SPHERE_BAD_HEADER' });
  assert.throws(() => decodeAudio(sphere(['sample_rate -i 16000', 'garbage line here'], new Uint8Array(10)), 'a.sph'), { code: 'SPHERE_BAD_HEADER', line: 4 });
  const noEnd = ok.slice();
  noEnd.fill(0x20, 16 + TIMIT_FIELDS.join('\n').length + 1, 1024); // blank out end_head
  assert.throws(() => decodeAudio(noEnd, 'a.sph'), { code: 'SPHERE_BAD_HEADER', message: /end_head/ });
  const badSize = ok.slice();
  badSize.set(Buffer.from('  xx24'), 8);
  assert.throws(() => decodeAudio(badSize, 'a.sph'), { code: 'SPHERE_BAD_HEADER', line: 2 });
});
