/**
 * A small log-power spectrogram for report figures (not a feature extractor: the features layer
 * owns those). Hann window, radix-2 FFT, power in dB clipped to `rangeDb` below the maximum,
 * rendered with a viridis-like colour map, low frequencies at the bottom.
 */
import { encodePngRgb } from './png.js';

export interface SpectrogramOptions {
  /** Window length, seconds; default 0.025. */
  windowSec?: number;
  /** Hop, seconds; default 0.010. */
  hopSec?: number;
  /** Dynamic range shown, dB; default 80. */
  rangeDb?: number;
  /** Highest frequency shown, Hz; default sampleRate / 2. */
  maxHz?: number;
}

/** In-place iterative radix-2 FFT of (re, im); length must be a power of two. */
export function fftInPlace(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

/** Log-power spectrogram `[frames, bins]` in dB (10 log10(|X|^2 + 1e-10)). */
export function logPowerSpectrogram(samples: Float32Array, sampleRate: number, options: SpectrogramOptions = {}): { db: Float64Array; frames: number; bins: number; hopSec: number; binHz: number } {
  const win = Math.max(2, Math.round((options.windowSec ?? 0.025) * sampleRate));
  const hop = Math.max(1, Math.round((options.hopSec ?? 0.01) * sampleRate));
  let nfft = 1;
  while (nfft < win) nfft <<= 1;
  const frames = samples.length < win ? 0 : 1 + Math.floor((samples.length - win) / hop);
  const binHz = sampleRate / nfft;
  const bins = Math.min(nfft / 2 + 1, Math.floor((options.maxHz ?? sampleRate / 2) / binHz) + 1);
  const db = new Float64Array(frames * bins);
  const hann = Float64Array.from({ length: win }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (win - 1)));
  const re = new Float64Array(nfft);
  const im = new Float64Array(nfft);
  for (let f = 0; f < frames; f++) {
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < win; i++) re[i] = samples[f * hop + i]! * hann[i]!;
    fftInPlace(re, im);
    for (let k = 0; k < bins; k++) db[f * bins + k] = 10 * Math.log10(re[k]! * re[k]! + im[k]! * im[k]! + 1e-10);
  }
  return { db, frames, bins, hopSec: hop / sampleRate, binHz };
}

// Viridis control points (matplotlib), linearly interpolated.
const VIRIDIS: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];

/** Colour of v in [0, 1]. */
export function viridis(v: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, v)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const t = x - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  return [Math.round(a[0] + t * (b[0] - a[0])), Math.round(a[1] + t * (b[1] - a[1])), Math.round(a[2] + t * (b[2] - a[2]))];
}

/** Renders a spectrogram as a PNG (one pixel per frame and bin, low frequencies at the bottom). */
export function spectrogramPng(samples: Float32Array, sampleRate: number, options: SpectrogramOptions = {}): { png: Buffer; durationSec: number; maxHz: number } {
  const s = logPowerSpectrogram(samples, sampleRate, options);
  const range = options.rangeDb ?? 80;
  let max = -Infinity;
  for (const v of s.db) if (v > max) max = v;
  const width = Math.max(1, s.frames);
  const height = Math.max(1, s.bins);
  const rgb = new Uint8Array(width * height * 3);
  for (let f = 0; f < s.frames; f++) {
    for (let k = 0; k < s.bins; k++) {
      const [r, g, b] = viridis((s.db[f * s.bins + k]! - (max - range)) / range);
      const o = ((height - 1 - k) * width + f) * 3;
      rgb[o] = r;
      rgb[o + 1] = g;
      rgb[o + 2] = b;
    }
  }
  return { png: encodePngRgb(rgb, width, height), durationSec: samples.length / sampleRate, maxHz: (s.bins - 1) * s.binHz };
}
