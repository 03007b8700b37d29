import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAudio, encodeWav } from '../../../src/audio/index.js';
import type { WavSampleFormat } from '../../../src/audio/index.js';
import { HibikiError } from '../../../src/errors.js';
import { Rng } from '../../../src/util/rng.js';

function sphereFile(rng: Rng): Uint8Array {
  const frames = 16 + rng.int(32);
  const text = `NIST_1A\n   1024\nsample_count -i ${frames}\nsample_n_bytes -i 2\nchannel_count -i 1\nsample_byte_format -s2 01\nsample_rate -i 16000\nsample_coding -s3 pcm\nend_head\n`;
  const out = new Uint8Array(1024 + 2 * frames).fill(0x20, 0, 1024);
  out.set(Buffer.from(text, 'latin1'));
  for (let i = 1024; i < out.length; i++) out[i] = rng.int(256);
  return out;
}

function originals(rng: Rng): Uint8Array[] {
  const files: Uint8Array[] = [];
  const formats: WavSampleFormat[] = ['uint8', 'int16', 'int24', 'int32', 'float32', 'float64'];
  for (const format of formats) {
    for (const channels of [1, 3]) {
      const chans = Array.from({ length: channels }, () => Float32Array.from({ length: 24 }, () => rng.range(-1, 1)));
      files.push(encodeWav(chans, 8000 + rng.int(40000), { format, extensible: rng.uniform() < 0.5 }));
    }
  }
  files.push(sphereFile(rng), sphereFile(rng));
  return files;
}

function mutate(src: Uint8Array, rng: Rng): Uint8Array {
  const b = src.slice();
  const kind = rng.int(5);
  if (kind === 0) return b.subarray(0, rng.int(b.length)); // truncation
  if (kind === 1) {
    for (let k = 1 + rng.int(4); k > 0; k--) {
      const at = rng.int(b.length);
      b[at] = b[at]! ^ (1 << rng.int(8)); // bit flips
    }
    return b;
  }
  if (kind === 2) {
    for (let k = 1 + rng.int(3); k > 0; k--) b[rng.int(Math.min(b.length, 64))] = rng.int(256); // header bytes
    return b;
  }
  const v = new DataView(b.buffer);
  const sizeFields = [4, 16, 40, 42, 44, 64, 66, 68].filter((o) => o + 4 <= b.length);
  const at = sizeFields[rng.int(sizeFields.length)]!;
  const choices = [0, 1, 0xffffffff, 0x7fffffff, b.length, b.length - at, v.getUint32(at, true) + 1 + rng.int(100), rng.nextUint32()];
  v.setUint32(at, choices[rng.int(choices.length)]!, true); // bogus chunk sizes
  return kind === 4 ? b.subarray(0, b.length - rng.int(8)) : b;
}

test('fuzz: mutated WAV/SPHERE files only ever raise HibikiError, originals still decode exactly', () => {
  const rng = new Rng(20261130);
  const files = originals(rng.fork('originals'));
  const reference = files.map((f) => decodeAudio(f, 'orig'));
  const mutRng = rng.fork('mutations');
  const codes = new Map<string, number>();
  let decoded = 0;
  for (let i = 0; i < 4000; i++) {
    const src = files[i % files.length]!;
    const bad = mutate(src, mutRng);
    try {
      const d = decodeAudio(bad, `mutant-${i}`);
      decoded++;
      // whatever decodes is sane: finite samples, positive rate, equal channel lengths
      assert.ok(d.sampleRate > 0 && d.channels.length > 0);
      for (const ch of d.channels) {
        assert.equal(ch.length, d.channels[0]!.length);
        for (const x of ch) assert.ok(Number.isFinite(x));
      }
    } catch (e) {
      if (!(e instanceof HibikiError)) assert.fail(`mutation ${i} escaped as ${String(e)}`);
      assert.match(e.code, /^[A-Z][A-Z0-9_]+$/);
      assert.equal(e.file, `mutant-${i}`);
      assert.equal(e.exitCode, 2, `mutation ${i}: internal error ${e.message}`);
      codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
    }
  }
  assert.ok(codes.size >= 6, `only ${[...codes.keys()].join(', ')}`);
  assert.ok(decoded > 100);
  files.forEach((f, k) => assert.deepEqual(decodeAudio(f, 'orig').channels, reference[k]!.channels));
});
