/** Audio types shared by the readers, writers and transforms of src/audio. */

/** A mono signal on the float scale [-1, 1]. */
export interface AudioSignal {
  /** Samples, mono, float scale [-1, 1] (int16 value / 32768 for 16-bit input). */
  samples: Float32Array;
  /** Sampling rate in Hz. */
  sampleRate: number;
}

/** How the samples were stored in the file. */
export interface AudioFileFormat {
  container: 'wav' | 'sphere';
  /** `pcm` = signed integers (unsigned for 8-bit WAV), `float` = IEEE float. */
  encoding: 'pcm' | 'float';
  /** Bits per stored sample (container size, e.g. 24 for 24-in-32 is reported as 32). */
  bitsPerSample: number;
  /** True for WAVE_FORMAT_EXTENSIBLE files. */
  extensible: boolean;
}

/** Every channel of a file, before mixdown. */
export interface DecodedAudio {
  /** One array per channel, each `[frames]`, float scale [-1, 1]. */
  channels: Float32Array[];
  /** Sampling rate in Hz. */
  sampleRate: number;
  format: AudioFileFormat;
  /** Problems that did not stop decoding (e.g. a data chunk cut short when allowed). */
  warnings: string[];
}

/** Which channel a reader returns: a 0-based index, or the mean of all channels. */
export type ChannelSelection = number | 'mix';

/** Options of the audio readers. */
export interface ReadAudioOptions {
  /** Channel to return; default `'mix'` (mean of all channels). */
  channel?: ChannelSelection;
  /**
   * What to do when the data chunk (or SPHERE sample_count) claims more bytes than the file holds:
   * `'error'` (default) throws `WAV_DATA_TRUNCATED` / `SPHERE_DATA_TRUNCATED`; `'warn'` decodes the
   * whole frames present and logs a warning (useful for recordings cut off mid-write).
   */
  onTruncated?: 'error' | 'warn';
}
