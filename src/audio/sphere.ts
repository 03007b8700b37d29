/**
 * NIST SPHERE reader (TIMIT, WSJ, ...): uncompressed integer PCM, 1 or 2 bytes per sample, any
 * channel count, byte order from `sample_byte_format` (01 = little-endian, 10 = big-endian).
 * Compressed files (shorten, wavpack, ...) end in SPHERE_COMPRESSED with a pointer to sph2pipe.
 */
import { HibikiError } from '../errors.js';
import type { DecodedAudio } from './types.js';

/** Header fields of a SPHERE file, keyed by name; values are numbers (-i, -r) or strings (-sN). */
export type SphereHeader = Map<string, number | string>;

const MAGIC = 'NIST_1A';

function ascii(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < Math.min(to, bytes.length); i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/**
 * Parses a SPHERE header.
 * @returns the fields and the header size in bytes (where samples start)
 */
export function parseSphereHeader(bytes: Uint8Array, path: string): { header: SphereHeader; headerBytes: number } {
  if (bytes.length === 0) throw new HibikiError('AUDIO_EMPTY', 'empty audio file', { file: path, expected: 'a SPHERE header', found: '0 bytes' });
  const first = ascii(bytes, 0, 16);
  if (!first.startsWith(MAGIC + '\n')) {
    throw new HibikiError('AUDIO_UNKNOWN_FORMAT', 'not a NIST SPHERE file', { file: path, expected: '"NIST_1A"', found: JSON.stringify(first.slice(0, 8)) });
  }
  const sizeText = first.slice(8, 16).trim();
  const headerBytes = /^\d+$/.test(sizeText) ? Number(sizeText) : NaN;
  if (!Number.isInteger(headerBytes) || headerBytes < 16 || headerBytes > 1 << 20) {
    throw new HibikiError('SPHERE_BAD_HEADER', 'bad SPHERE header size', { file: path, line: 2, expected: 'a byte count such as 1024', found: JSON.stringify(sizeText) });
  }
  if (headerBytes > bytes.length) {
    throw new HibikiError('SPHERE_BAD_HEADER', 'file is shorter than its SPHERE header', { file: path, expected: `>= ${headerBytes} bytes`, found: `${bytes.length} bytes` });
  }
  const lines = ascii(bytes, 16, headerBytes).split('\n');
  const header: SphereHeader = new Map();
  let ended = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === 'end_head') { ended = true; break; }
    if (line === '' || line.startsWith(';')) continue;
    const m = /^(\S+)\s+-(i|r|s\d+)\s+(.*)$/.exec(line);
    if (m === null) {
      throw new HibikiError('SPHERE_BAD_HEADER', 'unreadable SPHERE header line', { file: path, line: i + 3, expected: 'name -i|-r|-sN value', found: JSON.stringify(line.slice(0, 60)) });
    }
    const [, name, type, raw] = m as unknown as [string, string, string, string];
    if (type === 'i' || type === 'r') {
      const value = Number(raw.trim());
      if (!Number.isFinite(value)) {
        throw new HibikiError('SPHERE_BAD_HEADER', `field ${name} is not a number`, { file: path, line: i + 3, expected: 'a number', found: JSON.stringify(raw) });
      }
      header.set(name, value);
    } else {
      header.set(name, raw.slice(0, Number(type.slice(1))));
    }
  }
  if (!ended) throw new HibikiError('SPHERE_BAD_HEADER', 'SPHERE header has no end_head', { file: path, expected: 'end_head', found: 'end of header' });
  return { header, headerBytes };
}

function intField(h: SphereHeader, name: string, path: string, fallback?: number): number {
  const v = h.get(name);
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new HibikiError('SPHERE_BAD_HEADER', `SPHERE field ${name} missing or not a positive integer`, { file: path, expected: `${name} -i <n > 0>`, found: v === undefined ? 'missing' : String(v) });
  }
  return v;
}

/**
 * Decodes an uncompressed NIST SPHERE file held in memory.
 * @param bytes the whole file
 * @param path file name for error messages
 * @param onTruncated fewer samples than sample_count: `'error'` (default) or `'warn'`
 * @returns channels `[channels][frames]` on the float scale (int16 / 32768, int8 / 128)
 * @throws HibikiError SPHERE_BAD_HEADER, SPHERE_COMPRESSED, SPHERE_UNSUPPORTED, SPHERE_DATA_TRUNCATED
 */
export function decodeSphere(bytes: Uint8Array, path: string, onTruncated: 'error' | 'warn' = 'error'): DecodedAudio {
  const { header, headerBytes } = parseSphereHeader(bytes, path);
  const coding = String(header.get('sample_coding') ?? 'pcm').toLowerCase();
  if (/shorten|wavpack|shortpack|\bshort\b/.test(coding)) {
    throw new HibikiError('SPHERE_COMPRESSED', `compressed SPHERE (${coding}) is not supported; decompress first with sph2pipe, e.g. sph2pipe -f wav in.sph out.wav`, {
      file: path, expected: 'sample_coding pcm', found: coding,
    });
  }
  if (coding !== 'pcm') {
    throw new HibikiError('SPHERE_UNSUPPORTED', `unsupported SPHERE sample_coding "${coding}"; convert with sph2pipe -f wav`, { file: path, expected: 'pcm', found: coding });
  }
  const sampleRate = intField(header, 'sample_rate', path);
  const channels = intField(header, 'channel_count', path, 1);
  const width = intField(header, 'sample_n_bytes', path, 2);
  if (width !== 1 && width !== 2) {
    throw new HibikiError('SPHERE_UNSUPPORTED', 'unsupported SPHERE sample width', { file: path, expected: 'sample_n_bytes 1 or 2', found: String(width) });
  }
  const order = String(header.get('sample_byte_format') ?? '01');
  if (width === 2 && order !== '01' && order !== '10') {
    throw new HibikiError('SPHERE_UNSUPPORTED', 'unsupported sample_byte_format', { file: path, expected: '01 (little-endian) or 10 (big-endian)', found: order });
  }
  const available = Math.floor((bytes.length - headerBytes) / (width * channels));
  const declared = header.has('sample_count') ? intField(header, 'sample_count', path) : available;
  const warnings: string[] = [];
  let frames = declared;
  if (declared > available) {
    if (onTruncated === 'error') {
      throw new HibikiError('SPHERE_DATA_TRUNCATED', 'file holds fewer samples than its sample_count', { file: path, expected: `${declared} frames`, found: `${available} frames` });
    }
    warnings.push(`sample_count ${declared} but the file holds ${available} frames; reading those`);
    frames = available;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = order !== '10';
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  let at = headerBytes;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      if (width === 2) { out[c]![i] = view.getInt16(at, little) / 32768; at += 2; }
      else { out[c]![i] = view.getInt8(at) / 128; at += 1; }
    }
  }
  return {
    channels: out,
    sampleRate,
    format: { container: 'sphere', encoding: 'pcm', bitsPerSample: width * 8, extensible: false },
    warnings,
  };
}
