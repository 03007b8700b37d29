/**
 * Audio duration from the file header alone (RIFF/WAVE or NIST SPHERE), so that validating a data
 * directory of hours of audio reads a few hundred bytes per file instead of decoding it.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { HibikiError } from '../../errors.js';

/** What the header says about an audio file. */
export interface AudioHeader {
  /** Sample rate in Hz. */
  sampleRate: number;
  channels: number;
  /** Samples per channel. */
  frames: number;
  /** frames / sampleRate, in seconds. */
  duration: number;
  format: 'wav' | 'sphere';
}

function readHead(path: string, max: number): { bytes: Buffer; fileSize: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new HibikiError('AUDIO_NOT_FOUND', 'cannot open audio file', { file: path, cause: e });
  }
  try {
    const fileSize = fstatSync(fd).size;
    const bytes = Buffer.alloc(Math.min(max, fileSize));
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return { bytes: bytes.subarray(0, got), fileSize };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the header of a WAV (RIFF, PCM or float, incl. WAVE_FORMAT_EXTENSIBLE) or NIST SPHERE file.
 * A WAV whose data chunk size is missing or larger than the file (streamed writers) uses the bytes
 * actually present. Raises `AUDIO_NOT_FOUND`, `AUDIO_HEADER` (unknown or broken header).
 */
export function readAudioHeader(path: string): AudioHeader {
  const { bytes, fileSize } = readHead(path, 65536);
  const magic = bytes.subarray(0, 4).toString('latin1');
  if (magic === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WAVE') return parseWavHeader(path, bytes, fileSize);
  if (bytes.subarray(0, 8).toString('latin1') === 'NIST_1A\n') return parseSphereHeader(path, bytes);
  throw new HibikiError('AUDIO_HEADER', 'not a WAV or NIST SPHERE file', { file: path, expected: "'RIFF....WAVE' or 'NIST_1A'", found: JSON.stringify(magic) });
}

function parseWavHeader(path: string, b: Buffer, fileSize: number): AudioHeader {
  let pos = 12;
  let channels = 0;
  let sampleRate = 0;
  let blockAlign = 0;
  while (pos + 8 <= b.length) {
    const id = b.subarray(pos, pos + 4).toString('latin1');
    const size = b.readUInt32LE(pos + 4);
    if (id === 'fmt ') {
      if (pos + 8 + 16 > b.length) break;
      channels = b.readUInt16LE(pos + 10);
      sampleRate = b.readUInt32LE(pos + 12);
      blockAlign = b.readUInt16LE(pos + 20);
    } else if (id === 'data') {
      if (channels === 0 || sampleRate === 0 || blockAlign === 0) {
        throw new HibikiError('AUDIO_HEADER', "WAV 'data' chunk before a valid 'fmt ' chunk", { file: path });
      }
      const available = fileSize - (pos + 8);
      const dataBytes = size === 0 || size === 0xffffffff || size > available ? available : size;
      const frames = Math.floor(dataBytes / blockAlign);
      return { sampleRate, channels, frames, duration: frames / sampleRate, format: 'wav' };
    }
    pos += 8 + size + (size % 2);
  }
  throw new HibikiError('AUDIO_HEADER', "WAV header has no 'fmt ' and 'data' chunks in its first 64 KiB", { file: path });
}

function parseSphereHeader(path: string, b: Buffer): AudioHeader {
  const text = b.toString('latin1');
  const lines = text.split('\n');
  const fields = new Map<string, string>();
  for (const line of lines.slice(2)) {
    if (line.startsWith('end_head')) break;
    const m = /^(\S+)\s+-\S+\s+(.*)$/.exec(line.trim());
    if (m !== null && m[1] !== undefined && m[2] !== undefined) fields.set(m[1], m[2].trim());
  }
  const sampleCount = Number(fields.get('sample_count'));
  const sampleRate = Number(fields.get('sample_rate'));
  const channels = Number(fields.get('channel_count') ?? '1');
  if (!Number.isFinite(sampleCount) || !Number.isFinite(sampleRate) || sampleRate <= 0) {
    throw new HibikiError('AUDIO_HEADER', 'SPHERE header lacks sample_count or sample_rate', { file: path });
  }
  return { sampleRate, channels, frames: sampleCount, duration: sampleCount / sampleRate, format: 'sphere' };
}
