/**
 * RIFF/WAVE structure validation. wav-decoder trusts its input (it reads past the end, loops on
 * bad chunk sizes, ignores pad bytes), so every header field is checked here first and each
 * malformed case becomes a HibikiError with a stable code; only a clean, canonical file reaches
 * the decoder.
 */
import { HibikiError } from '../errors.js';

/** The parts of a WAV file the decoder needs, after validation. */
export interface WavLayout {
  /** 1 = integer PCM, 3 = IEEE float (after resolving WAVE_FORMAT_EXTENSIBLE). */
  formatTag: 1 | 3;
  extensible: boolean;
  channels: number;
  /** Hz. */
  sampleRate: number;
  /** Container bits per sample: 8, 16, 24, 32 (PCM) or 32, 64 (float). */
  bitsPerSample: number;
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Bytes of whole sample frames available (a multiple of channels * bytes per sample). */
  dataBytes: number;
  warnings: string[];
}

const FORMAT_NAMES: Record<number, string> = {
  0x0000: 'UNKNOWN',
  0x0001: 'PCM',
  0x0002: 'MS_ADPCM',
  0x0003: 'IEEE_FLOAT',
  0x0006: 'A-law (G.711)',
  0x0007: 'mu-law (G.711)',
  0x0011: 'IMA_ADPCM',
  0x0022: 'TRUESPEECH',
  0x0031: 'GSM 6.10',
  0x0040: 'G.721 ADPCM',
  0x0050: 'MPEG',
  0x0055: 'MPEG Layer 3',
  0x0161: 'WMA',
  0xfffe: 'EXTENSIBLE',
};

/** Human name of a WAVE format tag, e.g. `0x0007 (mu-law (G.711))`. */
export function formatTagName(tag: number): string {
  const hex = '0x' + tag.toString(16).padStart(4, '0');
  const name = FORMAT_NAMES[tag];
  return name === undefined ? hex : `${hex} (${name})`;
}

/** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE GUID derived from a format tag. */
const GUID_SUFFIX = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

function printable(tag: string): string {
  return JSON.stringify(tag.replace(/[^\x20-\x7e]/g, '?'));
}

interface FmtFields {
  formatTag: number;
  extensible: boolean;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

function parseFmt(view: DataView, at: number, size: number, path: string): FmtFields {
  if (size < 16) {
    throw new HibikiError('WAV_BAD_FORMAT', 'fmt chunk too short', { file: path, expected: '>= 16 bytes', found: `${size} bytes` });
  }
  let formatTag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  let extensible = false;
  if (formatTag === 0xfffe) {
    extensible = true;
    if (size < 40) {
      throw new HibikiError('WAV_BAD_FORMAT', 'WAVE_FORMAT_EXTENSIBLE fmt chunk too short', {
        file: path, expected: '>= 40 bytes', found: `${size} bytes`,
      });
    }
    // SubFormat GUID at offset 24: its first two bytes are the real format tag.
    formatTag = view.getUint16(at + 24, true);
    for (let i = 0; i < GUID_SUFFIX.length; i++) {
      if (view.getUint8(at + 26 + i) !== GUID_SUFFIX[i]) {
        throw new HibikiError('WAV_UNSUPPORTED_CODEC', 'WAVE_FORMAT_EXTENSIBLE with a non-standard SubFormat GUID', {
          file: path, expected: 'KSDATAFORMAT_SUBTYPE_PCM or _IEEE_FLOAT', found: 'unknown GUID',
        });
      }
    }
  }
  return { formatTag, extensible, channels, sampleRate, blockAlign, bitsPerSample };
}

function checkFmt(f: FmtFields, path: string): void {
  if (f.formatTag !== 1 && f.formatTag !== 3) {
    throw new HibikiError('WAV_UNSUPPORTED_CODEC', `unsupported WAV codec ${formatTagName(f.formatTag)}; convert to PCM first, e.g. sox in.wav -e signed-integer out.wav`, {
      file: path, expected: 'PCM (0x0001) or IEEE float (0x0003)', found: formatTagName(f.formatTag),
    });
  }
  const okBits = f.formatTag === 1 ? [8, 16, 24, 32] : [32, 64];
  if (!okBits.includes(f.bitsPerSample)) {
    throw new HibikiError('WAV_UNSUPPORTED_BIT_DEPTH', `unsupported bits per sample for ${formatTagName(f.formatTag)}`, {
      file: path, expected: okBits.join(', '), found: String(f.bitsPerSample),
    });
  }
  if (f.channels === 0) {
    throw new HibikiError('WAV_BAD_FORMAT', 'zero channels', { file: path, expected: '>= 1 channel', found: '0' });
  }
  if (f.sampleRate === 0) {
    throw new HibikiError('WAV_BAD_FORMAT', 'zero sample rate', { file: path, expected: 'sample rate > 0 Hz', found: '0' });
  }
  const expectedAlign = (f.channels * f.bitsPerSample) / 8;
  if (f.blockAlign !== expectedAlign) {
    throw new HibikiError('WAV_BAD_FORMAT', 'block align does not match channels x bytes per sample', {
      file: path, expected: String(expectedAlign), found: String(f.blockAlign),
    });
  }
}

/**
 * Walks the RIFF chunks of a WAV file and validates the fmt and data chunks.
 * @param bytes the whole file
 * @param path file name for error messages
 * @param onTruncated what to do when the data chunk claims more bytes than the file holds
 * @throws HibikiError AUDIO_EMPTY, WAV_TRUNCATED_HEADER, AUDIO_UNKNOWN_FORMAT, WAV_BAD_CHUNK,
 *   WAV_MISSING_CHUNK, WAV_BAD_FORMAT, WAV_UNSUPPORTED_CODEC, WAV_UNSUPPORTED_BIT_DEPTH,
 *   WAV_DATA_TRUNCATED
 */
export function parseWavLayout(bytes: Uint8Array, path: string, onTruncated: 'error' | 'warn' = 'error'): WavLayout {
  if (bytes.length === 0) throw new HibikiError('AUDIO_EMPTY', 'empty audio file', { file: path, expected: 'a WAV header', found: '0 bytes' });
  if (bytes.length < 12) {
    throw new HibikiError('WAV_TRUNCATED_HEADER', 'file too short for a RIFF/WAVE header', { file: path, expected: '>= 12 bytes', found: `${bytes.length} bytes` });
  }
  const riff = fourcc(bytes, 0);
  if (riff !== 'RIFF') {
    const hint = riff === 'RIFX' ? ' (big-endian RIFX is not supported)' : riff === 'RF64' ? ' (RF64 is not supported)' : '';
    throw new HibikiError('AUDIO_UNKNOWN_FORMAT', `not a RIFF file${hint}`, { file: path, expected: '"RIFF"', found: printable(riff) });
  }
  const wave = fourcc(bytes, 8);
  if (wave !== 'WAVE') throw new HibikiError('AUDIO_UNKNOWN_FORMAT', 'RIFF file is not WAVE', { file: path, expected: '"WAVE"', found: printable(wave) });

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const warnings: string[] = [];
  let fmt: FmtFields | undefined;
  let data: { offset: number; size: number } | undefined;
  let pos = 12;
  while (fmt === undefined || data === undefined) {
    if (pos + 8 > bytes.length) {
      const missing = fmt === undefined ? 'fmt ' : 'data';
      if (pos < bytes.length || pos === 12) {
        throw new HibikiError('WAV_TRUNCATED_HEADER', `file ends inside a chunk header before the "${missing}" chunk`, {
          file: path, expected: `a "${missing}" chunk`, found: `end of file at byte ${bytes.length}`,
        });
      }
      throw new HibikiError('WAV_MISSING_CHUNK', `no "${missing}" chunk`, { file: path, expected: `a "${missing}" chunk`, found: 'end of file' });
    }
    const id = fourcc(bytes, pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'data') {
      if (data !== undefined) break;
      data = { offset: body, size };
      if (body + size > bytes.length) break; // truncated data is the last thing in the file
    } else if (body + size > bytes.length) {
      if (id === 'fmt ' || fmt === undefined || data === undefined) {
        throw new HibikiError(id === 'fmt ' ? 'WAV_TRUNCATED_HEADER' : 'WAV_BAD_CHUNK', `chunk ${printable(id)} runs past the end of the file`, {
          file: path, expected: `<= ${bytes.length - body} bytes`, found: `${size} bytes`,
        });
      }
    } else if (id === 'fmt ') {
      if (fmt === undefined) fmt = parseFmt(view, body, size, path);
    }
    pos = body + size + (size & 1); // chunks are padded to even sizes
  }
  if (fmt === undefined) throw new HibikiError('WAV_MISSING_CHUNK', 'no "fmt " chunk before the data ends', { file: path, expected: 'a "fmt " chunk', found: 'none' });
  if (data === undefined) throw new HibikiError('WAV_MISSING_CHUNK', 'no "data" chunk', { file: path, expected: 'a "data" chunk', found: 'none' });
  checkFmt(fmt, path);

  let available = data.size;
  if (data.offset + data.size > bytes.length) {
    available = bytes.length - data.offset;
    if (onTruncated === 'error') {
      throw new HibikiError('WAV_DATA_TRUNCATED', 'data chunk is longer than the file (truncated recording?); pass onTruncated: "warn" to read what is there', {
        file: path, expected: `${data.size} data bytes`, found: `${available} bytes`,
      });
    }
    warnings.push(`data chunk claims ${data.size} bytes but the file holds ${available}; reading the whole frames present`);
  }
  const dataBytes = available - (available % fmt.blockAlign);
  if (dataBytes !== available && available === data.size) {
    warnings.push(`data chunk size ${data.size} is not a multiple of the block size ${fmt.blockAlign}; trailing bytes ignored`);
  }
  return {
    formatTag: fmt.formatTag as 1 | 3,
    extensible: fmt.extensible,
    channels: fmt.channels,
    sampleRate: fmt.sampleRate,
    bitsPerSample: fmt.bitsPerSample,
    dataOffset: data.offset,
    dataBytes,
    warnings,
  };
}
