/** Test helpers for feature archives: a small corpus of deterministic 16-bit WAV files. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../../src/util/rng.js';

/** Minimal 16-bit PCM mono WAV writer (independent of src/audio, so tests check the reader too). */
export function writeWav16(path: string, samples: Float32Array, rate: number): void {
  const n = samples.length;
  const buf = Buffer.alloc(44 + 2 * n);
  buf.write('RIFF', 0, 'latin1');
  buf.writeUInt32LE(36 + 2 * n, 4);
  buf.write('WAVE', 8, 'latin1');
  buf.write('fmt ', 12, 'latin1');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'latin1');
  buf.writeUInt32LE(2 * n, 40);
  for (let i = 0; i < n; i++) buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32768))), 44 + 2 * i);
  writeFileSync(path, buf);
}

/** A deterministic test signal: tone + noise, `seconds` long, on the int16 grid. */
export function testSignal(seed: number, seconds: number, rate: number): Float32Array {
  const rng = new Rng(seed);
  const f = 200 + 100 * (seed % 7);
  return Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) =>
    Math.round(32768 * (0.2 * Math.sin((2 * Math.PI * f * i) / rate) + 0.02 * rng.normal())) / 32768,
  );
}

export interface Corpus {
  dir: string;
  items: { utt: string; path: string }[];
}

/** Writes `count` WAVs (different lengths) into a fresh temp dir. */
export function makeCorpus(count: number, rate = 16000, prefix = 'hibiki-archive-'): Corpus {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const items = [];
  for (let i = 0; i < count; i++) {
    const utt = `utt${String(i).padStart(2, '0')}`;
    const path = join(dir, `${utt}.wav`);
    writeWav16(path, testSignal(i + 1, 0.2 + 0.05 * i, rate), rate);
    items.push({ utt, path });
  }
  return { dir, items };
}
