/**
 * WAV decoding: the RIFF structure is validated by riff.ts, then the sample data is handed to
 * wav-decoder inside a canonical 44-byte-header file (which also resolves WAVE_FORMAT_EXTENSIBLE,
 * odd chunk orders and pad bytes that wav-decoder does not handle).
 */
import WavDecoder from 'wav-decoder';
import { HibikiError } from '../errors.js';
import { parseWavLayout } from './riff.js';
import type { DecodedAudio } from './types.js';

function canonicalWav(bytes: Uint8Array, formatTag: number, channels: number, sampleRate: number, bits: number, dataOffset: number, dataBytes: number): ArrayBuffer {
  const out = new ArrayBuffer(44 + dataBytes);
  const v = new DataView(out);
  const blockAlign = (channels * bits) / 8;
  v.setUint32(0, 0x46464952, true); // "RIFF"
  v.setUint32(4, 36 + dataBytes, true);
  v.setUint32(8, 0x45564157, true); // "WAVE"
  v.setUint32(12, 0x20746d66, true); // "fmt "
  v.setUint32(16, 16, true);
  v.setUint16(20, formatTag, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, (sampleRate * blockAlign) >>> 0, true);
  v.setUint16(32, blockAlign, true);
  v.setUint16(34, bits, true);
  v.setUint32(36, 0x61746164, true); // "data"
  v.setUint32(40, dataBytes, true);
  new Uint8Array(out, 44).set(bytes.subarray(dataOffset, dataOffset + dataBytes));
  return out;
}

/**
 * Decodes a WAV file held in memory into its channels.
 *
 * Integer PCM is scaled by 2^(bits-1) (int16 / 32768, as torchaudio and Kaldi's int16 scale
 * divided by 32768); 8-bit unsigned is (x - 128) / 128. Float samples are returned as stored but
 * must be finite.
 * @param bytes the whole file
 * @param path file name for error messages
 * @param onTruncated data chunk longer than the file: `'error'` (default) or `'warn'` and read what is there
 * @returns channels `[channels][frames]`, sample rate in Hz, format, warnings
 * @throws HibikiError (see parseWavLayout) and AUDIO_NONFINITE_SAMPLE
 */
export function decodeWav(bytes: Uint8Array, path: string, onTruncated: 'error' | 'warn' = 'error'): DecodedAudio {
  const layout = parseWavLayout(bytes, path, onTruncated);
  const { formatTag, channels, sampleRate, bitsPerSample: bits, dataOffset, dataBytes } = layout;
  const canonical = canonicalWav(bytes, formatTag, channels, sampleRate, bits, dataOffset, dataBytes);
  let decoded: { channelData: Float32Array[] };
  try {
    decoded = WavDecoder.decode.sync(canonical, { symmetric: true });
  } catch (e) {
    // Unreachable after validation; kept so that no foreign error type escapes.
    throw new HibikiError('WAV_DECODE_FAILED', `wav-decoder failed: ${e instanceof Error ? e.message : String(e)}`, { file: path, cause: e }, 1);
  }
  const out = decoded.channelData;
  if (formatTag === 1 && bits === 8) {
    // wav-decoder's symmetric 8-bit scale is (x - 127.5) / 127.5; recover x exactly and use (x - 128) / 128.
    for (const ch of out) for (let i = 0; i < ch.length; i++) ch[i] = (Math.round(ch[i]! * 127.5 + 127.5) - 128) / 128;
  } else if (formatTag === 1 && bits === 24) {
    // wav-decoder reads 0x800000 (the most negative 24-bit value) as +1.0; nothing else maps to 1.0.
    for (const ch of out) for (let i = 0; i < ch.length; i++) if (ch[i] === 1) ch[i] = -1;
  } else if (formatTag === 3) {
    for (let c = 0; c < out.length; c++) {
      const ch = out[c]!;
      for (let i = 0; i < ch.length; i++) {
        if (!Number.isFinite(ch[i]!)) {
          throw new HibikiError('AUDIO_NONFINITE_SAMPLE', 'float WAV holds a NaN or infinite sample', {
            file: path, expected: 'finite samples', found: `${ch[i]} at frame ${i}, channel ${c}`,
          });
        }
      }
    }
  }
  return {
    channels: out,
    sampleRate,
    format: { container: 'wav', encoding: formatTag === 3 ? 'float' : 'pcm', bitsPerSample: bits, extensible: layout.extensible },
    warnings: layout.warnings,
  };
}
