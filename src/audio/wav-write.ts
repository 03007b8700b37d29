/**
 * WAV encoding and atomic writing. Integer formats round to the nearest step of 2^-(bits-1) and
 * clip to the representable range, so reading back a written file is exact for values already
 * on that grid.
 */
import { HibikiError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';

/** Sample encodings the writer produces. */
export type WavSampleFormat = 'uint8' | 'int16' | 'int24' | 'int32' | 'float32' | 'float64';

/** Options of `encodeWav` / `writeWav`. */
export interface WavWriteOptions {
  /** Sample encoding; default `'int16'`. */
  format?: WavSampleFormat;
  /** Write a WAVE_FORMAT_EXTENSIBLE header; default false. */
  extensible?: boolean;
}

const BITS: Record<WavSampleFormat, number> = { uint8: 8, int16: 16, int24: 24, int32: 32, float32: 32, float64: 64 };

function quantise(x: number, bits: number): number {
  const scale = 2 ** (bits - 1);
  const q = Math.round(x * scale);
  return q < -scale ? -scale : q > scale - 1 ? scale - 1 : q;
}

/**
 * Encodes channels as a WAV file in memory.
 * @param channels one `[frames]` array (mono) or `[channels][frames]`, float scale [-1, 1]
 * @param sampleRate Hz, a positive integer
 * @throws HibikiError AUDIO_BAD_RATE, AUDIO_BAD_CHANNEL, AUDIO_NONFINITE_SAMPLE
 */
export function encodeWav(channels: Float32Array | Float32Array[], sampleRate: number, options: WavWriteOptions = {}): Uint8Array {
  const chans = Array.isArray(channels) ? channels : [channels];
  const format = options.format ?? 'int16';
  const bits = BITS[format];
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > 0xffffffff) {
    throw new HibikiError('AUDIO_BAD_RATE', 'sample rate must be a positive integer', { expected: 'integer Hz > 0', found: String(sampleRate) });
  }
  const frames = chans[0]?.length ?? 0;
  if (chans.length === 0 || chans.length > 0xffff || chans.some((c) => c.length !== frames)) {
    throw new HibikiError('AUDIO_BAD_CHANNEL', 'channels must be 1..65535 arrays of equal length', { expected: `${frames} frames each`, found: chans.map((c) => c.length).join(',') });
  }
  const nch = chans.length;
  const bytesPer = bits / 8;
  const blockAlign = nch * bytesPer;
  const dataBytes = frames * blockAlign;
  const tag = format.startsWith('float') ? 3 : 1;
  // Non-PCM formats carry a cbSize field (fmt size 18); sox and others warn without it.
  const fmtSize = options.extensible === true ? 40 : tag === 3 ? 18 : 16;
  const headerBytes = 12 + 8 + fmtSize + 8;
  const pad = dataBytes & 1;
  const out = new Uint8Array(headerBytes + dataBytes + pad);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x46464952, true);
  v.setUint32(4, headerBytes - 8 + dataBytes + pad, true);
  v.setUint32(8, 0x45564157, true);
  v.setUint32(12, 0x20746d66, true);
  v.setUint32(16, fmtSize, true);
  v.setUint16(20, options.extensible === true ? 0xfffe : tag, true);
  v.setUint16(22, nch, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, (sampleRate * blockAlign) >>> 0, true);
  v.setUint16(32, blockAlign, true);
  v.setUint16(34, bits, true);
  if (options.extensible === true) {
    v.setUint16(36, 22, true); // cbSize
    v.setUint16(38, bits, true); // valid bits
    v.setUint32(40, 0, true); // channel mask: unspecified
    v.setUint16(44, tag, true); // SubFormat GUID {0000000x-0000-0010-8000-00aa00389b71}
    out.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 46);
  }
  if (fmtSize === 18) v.setUint16(36, 0, true);
  const d = headerBytes - 8;
  v.setUint32(d, 0x61746164, true);
  v.setUint32(d + 4, dataBytes, true);
  let at = headerBytes;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nch; c++) {
      const x = chans[c]![i]!;
      if (!Number.isFinite(x)) {
        throw new HibikiError('AUDIO_NONFINITE_SAMPLE', 'cannot write a NaN or infinite sample', { expected: 'finite samples', found: `${x} at frame ${i}, channel ${c}` });
      }
      switch (format) {
        case 'uint8': v.setUint8(at, quantise(x, 8) + 128); break;
        case 'int16': v.setInt16(at, quantise(x, 16), true); break;
        case 'int24': {
          const q = quantise(x, 24);
          v.setUint8(at, q & 0xff); v.setUint8(at + 1, (q >> 8) & 0xff); v.setUint8(at + 2, (q >> 16) & 0xff);
          break;
        }
        case 'int32': v.setInt32(at, quantise(x, 32), true); break;
        case 'float32': v.setFloat32(at, x, true); break;
        case 'float64': v.setFloat64(at, x, true); break;
      }
      at += bytesPer;
    }
  }
  return out;
}

/**
 * Writes a WAV file atomically (temp file + rename).
 * @param path output path (parent directories are created)
 * @param samples `[frames]` mono, or `[channels][frames]`, float scale [-1, 1]
 * @param sampleRate Hz
 * @param options `format`: `'int16'` (default), `'float32'`, or `'uint8' | 'int24' | 'int32' | 'float64'`
 */
export function writeWav(path: string, samples: Float32Array | Float32Array[], sampleRate: number, options: WavWriteOptions = {}): void {
  try {
    writeFileAtomic(path, encodeWav(samples, sampleRate, options));
  } catch (e) {
    if (!(e instanceof HibikiError) || e.file !== undefined) throw e;
    const details = { file: path, cause: e, ...(e.expected === undefined ? {} : { expected: e.expected }), ...(e.found === undefined ? {} : { found: e.found }) };
    throw new HibikiError(e.code, e.message.replace(/^\[\w+\] /, '').replace(/ \(expected .*\)$/, ''), details);
  }
}
