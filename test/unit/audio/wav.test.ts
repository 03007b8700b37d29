import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAudio, encodeWav, readAudio, readAudioChannels, selectChannel, writeWav } from '../../../src/audio/index.js';
import type { WavSampleFormat } from '../../../src/audio/index.js';
import { HibikiError } from '../../../src/errors.js';

interface SoxCase { name: string; formatTag: number; extensible: boolean; channels: number; sampleRate: number; bitsPerSample: number; wavBase64: string; expected?: number[][] }
const soxWavs = JSON.parse(readFileSync(new URL('../../golden/audio/wav_sox.json', import.meta.url), 'utf8')) as { cases: SoxCase[] };

const FORMATS: [WavSampleFormat, number][] = [['uint8', 8], ['int16', 16], ['int24', 24], ['int32', 32], ['float32', 32], ['float64', 32]];

/** Values exactly representable in `bits`-bit integer PCM (and in float32), including both extremes. */
function gridSignal(frames: number, bits: number, salt: number): Float32Array {
  const scale = 2 ** (bits - 1);
  const step = Math.max(1, Math.floor(scale / 97));
  const x = new Float32Array(frames);
  for (let i = 0; i < frames; i++) x[i] = ((((i * 31 + salt * 17) % 193) - 96) * step) / scale;
  x[0] = -1;
  if (frames > 1) x[1] = (scale - 1) / scale;
  return x;
}

test('write -> read round trip is exact for every format, channel count and header style', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-wav-'));
  for (const [format, gridBits] of FORMATS) {
    for (const channels of [1, 2, 5]) {
      for (const extensible of [false, true]) {
        const chans = Array.from({ length: channels }, (_, c) => gridSignal(101, gridBits, c));
        const path = join(dir, `${format}-${channels}-${extensible}.wav`);
        writeWav(path, chans, 22050, { format, extensible });
        const back = readAudioChannels(path);
        assert.equal(back.sampleRate, 22050);
        assert.equal(back.channels.length, channels);
        assert.equal(back.format.extensible, extensible);
        assert.equal(back.format.encoding, format.startsWith('float') ? 'float' : 'pcm');
        for (let c = 0; c < channels; c++) assert.deepEqual(back.channels[c], chans[c], `${format} ch${c} ext=${extensible}`);
      }
    }
  }
  // nothing but the final files is left behind (atomic writes clean up their temp files)
  assert.ok(readdirSync(dir).every((f) => f.endsWith('.wav') && !f.startsWith('.')));
});

test('integer scales: int16 / 32768, 8-bit (x - 128) / 128, 24-bit extremes', () => {
  const i16 = encodeWav(Float32Array.of(-1, -0.5, 0, 16384 / 32768, 32767 / 32768), 8000);
  assert.deepEqual(Array.from(new Int16Array(i16.buffer.slice(44))), [-32768, -16384, 0, 16384, 32767]);
  assert.deepEqual(Array.from(decodeAudio(i16, 'x.wav').channels[0]!), [-1, -0.5, 0, 0.5, 32767 / 32768]);

  const u8 = encodeWav(Float32Array.of(-1, 0, 0.5, 127 / 128), 8000, { format: 'uint8' });
  assert.deepEqual(Array.from(u8.subarray(44, 48)), [0, 128, 192, 255]);
  assert.deepEqual(Array.from(decodeAudio(u8, 'x.wav').channels[0]!), [-1, 0, 0.5, 127 / 128]);

  // 0x800000 is the most negative 24-bit value (wav-decoder alone reads it as +1)
  const i24 = encodeWav(Float32Array.of(-1, 8388607 / 8388608, -1 / 8388608), 8000, { format: 'int24' });
  assert.deepEqual(Array.from(i24.subarray(44, 53)), [0x00, 0x00, 0x80, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff]);
  assert.deepEqual(Array.from(decodeAudio(i24, 'x.wav').channels[0]!), [-1, 8388607 / 8388608, -1 / 8388608]);
});

test('writer clips out-of-range values and rounds to the nearest step', () => {
  const b = encodeWav(Float32Array.of(1.5, -2, 0.3), 16000);
  assert.deepEqual(Array.from(new Int16Array(b.buffer.slice(44))), [32767, -32768, Math.round(0.3 * 32768)]);
});

test('mixdown is the channel mean; a channel can be picked; bad index is a HibikiError', () => {
  const a = Float32Array.of(0.5, -0.25, 1 / 8);
  const b = Float32Array.of(-0.5, 0.75, 3 / 8);
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-wav-'));
  const path = join(dir, 'st.wav');
  writeWav(path, [a, b], 16000, { format: 'float32' });
  assert.deepEqual(Array.from(readAudio(path).samples), [0, 0.25, 0.25]);
  assert.deepEqual(readAudio(path, { channel: 1 }).samples, b);
  assert.throws(() => readAudio(path, { channel: 2 }), { code: 'AUDIO_BAD_CHANNEL', file: path });
  assert.throws(() => selectChannel([a], -1), { code: 'AUDIO_BAD_CHANNEL' });
});

test('chunk walking: LIST before fmt, odd-sized chunk padding, fmt after data, trailing junk', () => {
  const base = encodeWav(Float32Array.of(0.25, -0.5, 0.75), 16000); // 44-byte header
  const fmt = base.subarray(12, 36);
  const data = base.subarray(36);
  const list = Uint8Array.of(0x4c, 0x49, 0x53, 0x54, 3, 0, 0, 0, 1, 2, 3, 0); // odd size 3 + pad byte
  const riff = (parts: Uint8Array[]): Uint8Array => {
    const body = Buffer.concat([Buffer.from('WAVE'), ...parts]);
    const head = Buffer.alloc(8);
    head.write('RIFF', 0, 'latin1');
    head.writeUInt32LE(body.length, 4);
    return new Uint8Array(Buffer.concat([head, body]));
  };
  for (const parts of [[list, fmt, data], [fmt, list, data], [data, fmt], [fmt, data, Uint8Array.of(1, 2, 3)]]) {
    assert.deepEqual(Array.from(decodeAudio(riff(parts), 'x.wav').channels[0]!), [0.25, -0.5, 0.75]);
  }
});

test('sox-written WAVs (PCM 8/16/24/32 extensible, float 32/64, 3 channels) decode as an independent parser reads them', () => {
  for (const c of soxWavs.cases.filter((k) => k.expected !== undefined)) {
    const d = decodeAudio(new Uint8Array(Buffer.from(c.wavBase64, 'base64')), `${c.name}.wav`);
    assert.equal(d.sampleRate, c.sampleRate, c.name);
    assert.equal(d.format.extensible, c.extensible, c.name);
    assert.equal(d.format.bitsPerSample, c.bitsPerSample, c.name);
    assert.equal(d.channels.length, c.channels, c.name);
    c.expected!.forEach((want, ch) => assert.deepEqual(Array.from(d.channels[ch]!), want.map(Math.fround), `${c.name} channel ${ch}`));
  }
  // 16 bits and more hold the int16 source exactly: all of those agree sample for sample
  const pcm16 = decodeAudio(new Uint8Array(Buffer.from(soxWavs.cases.find((k) => k.name === 'pcm16')!.wavBase64, 'base64')), 'pcm16.wav');
  for (const name of ['pcm24', 'pcm32', 'float32', 'float64']) {
    const d = decodeAudio(new Uint8Array(Buffer.from(soxWavs.cases.find((k) => k.name === name)!.wavBase64, 'base64')), `${name}.wav`);
    assert.deepEqual(d.channels, pcm16.channels, name);
  }
});

test('sox-written mu-law, A-law, IMA and MS ADPCM WAVs are refused with the format tag named', () => {
  const names: Record<string, RegExp> = { 'mu-law': /0x0007 \(mu-law/, 'a-law': /0x0006 \(A-law/, 'ima-adpcm': /0x0011 \(IMA_ADPCM\)/, 'ms-adpcm': /0x0002 \(MS_ADPCM\)/ };
  for (const [name, re] of Object.entries(names)) {
    const c = soxWavs.cases.find((k) => k.name === name)!;
    assert.throws(() => decodeAudio(new Uint8Array(Buffer.from(c.wavBase64, 'base64')), `${name}.wav`), (e: unknown) => {
      assert.ok(e instanceof HibikiError);
      assert.equal(e.code, 'WAV_UNSUPPORTED_CODEC');
      assert.equal(e.file, `${name}.wav`);
      assert.match(e.message, re);
      return true;
    });
  }
});
