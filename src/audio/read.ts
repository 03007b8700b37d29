/**
 * Reading audio files: the container is detected by its magic bytes (RIFF/WAVE or NIST_1A), the
 * channels decoded, then mixed down or one channel picked.
 */
import { readFileSync } from 'node:fs';
import { HibikiError } from '../errors.js';
import { log } from '../util/log.js';
import { decodeSphere } from './sphere.js';
import type { AudioSignal, ChannelSelection, DecodedAudio, ReadAudioOptions } from './types.js';
import { decodeWav } from './wav-read.js';

/**
 * Decodes a WAV or NIST SPHERE file held in memory into all its channels.
 * @param bytes the whole file
 * @param path file name used in errors
 */
export function decodeAudio(bytes: Uint8Array, path: string, options: Pick<ReadAudioOptions, 'onTruncated'> = {}): DecodedAudio {
  if (bytes.length === 0) throw new HibikiError('AUDIO_EMPTY', 'empty audio file', { file: path, expected: 'a WAV or SPHERE header', found: '0 bytes' });
  const head = String.fromCharCode(...bytes.subarray(0, 7));
  if (head === 'NIST_1A') return decodeSphere(bytes, path, options.onTruncated);
  return decodeWav(bytes, path, options.onTruncated);
}

/**
 * Mean of all channels, or one channel.
 * @param channels `[channels][frames]`
 * @param channel 0-based index or `'mix'`
 * @returns `[frames]`
 */
export function selectChannel(channels: Float32Array[], channel: ChannelSelection, path = '<memory>'): Float32Array {
  if (channel === 'mix') {
    if (channels.length === 1) return channels[0]!;
    const frames = channels[0]?.length ?? 0;
    const out = new Float32Array(frames);
    const sum = new Float64Array(frames);
    for (const ch of channels) for (let i = 0; i < frames; i++) sum[i]! += ch[i]!;
    for (let i = 0; i < frames; i++) out[i] = sum[i]! / channels.length;
    return out;
  }
  if (!Number.isInteger(channel) || channel < 0 || channel >= channels.length) {
    throw new HibikiError('AUDIO_BAD_CHANNEL', 'channel index out of range', { file: path, expected: `0..${channels.length - 1} or "mix"`, found: String(channel) });
  }
  return channels[channel]!;
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new HibikiError(code === 'ENOENT' ? 'AUDIO_NOT_FOUND' : 'AUDIO_READ_FAILED', code === 'ENOENT' ? 'audio file not found' : 'cannot read audio file', {
      file: path, found: code ?? String(e), cause: e,
    });
  }
}

/**
 * Reads every channel of a WAV or NIST SPHERE file (synchronously). Warnings are logged.
 * @param path file path
 */
export function readAudioChannels(path: string, options: Pick<ReadAudioOptions, 'onTruncated'> = {}): DecodedAudio {
  const decoded = decodeAudio(readBytes(path), path, options);
  for (const w of decoded.warnings) log('warn', w, { file: path });
  return decoded;
}

/**
 * Reads a WAV (PCM 8/16/24/32-bit, float 32/64, WAVE_FORMAT_EXTENSIBLE) or uncompressed NIST
 * SPHERE file as one mono signal (synchronously).
 * @param path file path
 * @param options `channel` (0-based index or `'mix'`, default `'mix'`), `onTruncated` (default `'error'`)
 * @returns samples `[frames]` on the float scale [-1, 1] and the sample rate in Hz
 */
export function readAudio(path: string, options: ReadAudioOptions = {}): AudioSignal {
  const decoded = readAudioChannels(path, options);
  return { samples: selectChannel(decoded.channels, options.channel ?? 'mix', path), sampleRate: decoded.sampleRate };
}
