/** Test helpers for the data-layer tests: temporary directories and tiny audio files. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A fresh temporary directory. */
export function tempDir(prefix = 'hibiki-data-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a 16-bit PCM RIFF/WAVE file of `frames` zero samples per channel. */
export function writeSilentWav(path: string, frames: number, sampleRate = 16000, channels = 1): void {
  const dataBytes = frames * channels * 2;
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVE', 8, 'latin1');
  b.write('fmt ', 12, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * channels * 2, 28);
  b.writeUInt16LE(channels * 2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(dataBytes, 40);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, b);
}

/** Writes a NIST SPHERE file (1024-byte header, 16-bit little-endian PCM) of `frames` zero samples. */
export function writeSilentSphere(path: string, frames: number, sampleRate = 16000): void {
  const fields = [
    'NIST_1A',
    '   1024',
    'database_id -s5 TIMIT',
    'channel_count -i 1',
    `sample_count -i ${frames}`,
    `sample_rate -i ${sampleRate}`,
    'sample_n_bytes -i 2',
    'sample_byte_format -s2 01',
    'sample_coding -s3 pcm',
    'end_head',
  ].join('\n') + '\n';
  const header = Buffer.alloc(1024, ' ');
  header.write(fields, 0, 'latin1');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.concat([header, Buffer.alloc(frames * 2)]));
}

/** Writes text files given as { relativePath: contents } under `root`. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
}
