/**
 * Coloured noise for backgrounds and noise sources. Everything draws from a seeded Rng, so a
 * seed reproduces the same samples on every platform.
 */
import type { Rng } from '../../util/rng.js';

/** White Gaussian noise, `[n]`, unit variance. */
export function whiteNoise(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

/**
 * Noise with a power spectrum close to 1/f^alpha (alpha 0 = white, 1 = pink, 2 = brown), as a
 * weighted sum of white, pink (Kellet's 3-pole filter) and brown (leaky integrator) noise.
 * @returns `[n]`, normalised to unit RMS
 */
export function colouredNoise(rng: Rng, n: number, alpha: number): Float32Array {
  const a = Math.max(0, Math.min(2, alpha));
  const wWhite = Math.max(0, 1 - a);
  const wPink = 1 - Math.abs(1 - a);
  const wBrown = Math.max(0, a - 1);
  const out = new Float32Array(n);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let brown = 0;
  for (let i = 0; i < n; i++) {
    const w = rng.normal();
    b0 = 0.99765 * b0 + w * 0.099046;
    b1 = 0.963 * b1 + w * 0.2965164;
    b2 = 0.57 * b2 + w * 1.0526913;
    const pink = (b0 + b1 + b2 + w * 0.1848) * 0.25;
    brown = 0.995 * brown + 0.1 * w;
    out[i] = wWhite * w + wPink * pink + wBrown * brown;
  }
  return normaliseRms(out, 1);
}

/** Root mean square of `x` (0 for an empty array). */
export function rms(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return to > from ? Math.sqrt(s / (to - from)) : 0;
}

/** Scales `x` in place to the given RMS (no-op for silence); returns `x`. */
export function normaliseRms(x: Float32Array, target: number): Float32Array {
  const r = rms(x);
  if (r > 0) for (let i = 0; i < x.length; i++) x[i] = (x[i]! * target) / r;
  return x;
}

/**
 * Second-order resonator (Klatt 1980) with unity gain at DC, coefficients for a centre frequency
 * and bandwidth in Hz. Used as a band-pass when the input is noise.
 */
export class Resonator {
  private y1 = 0;
  private y2 = 0;
  private a = 1;
  private b = 0;
  private c = 0;

  /** Sets the centre frequency and bandwidth (Hz) at sampling rate `fs`. */
  set(freq: number, bw: number, fs: number): void {
    const r = Math.exp((-Math.PI * bw) / fs);
    this.c = -r * r;
    this.b = 2 * r * Math.cos((2 * Math.PI * freq) / fs);
    this.a = 1 - this.b - this.c;
  }

  /** Filters one sample. */
  step(x: number): number {
    const y = this.a * x + this.b * this.y1 + this.c * this.y2;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}

/** Klatt antiresonator (a pair of zeros), the inverse of `Resonator` with the same settings. */
export class AntiResonator {
  private x1 = 0;
  private x2 = 0;
  private a = 1;
  private b = 0;
  private c = 0;

  set(freq: number, bw: number, fs: number): void {
    const r = Math.exp((-Math.PI * bw) / fs);
    const c = -r * r;
    const b = 2 * r * Math.cos((2 * Math.PI * freq) / fs);
    const a = 1 - b - c;
    this.a = 1 / a;
    this.b = -b / a;
    this.c = -c / a;
  }

  step(x: number): number {
    const y = this.a * x + this.b * this.x1 + this.c * this.x2;
    this.x2 = this.x1;
    this.x1 = x;
    return y;
  }
}

/**
 * Band-pass filtered noise: white noise through two cascaded resonators at `centre` Hz with
 * bandwidth `bw` Hz, normalised to unit RMS.
 */
export function bandNoise(rng: Rng, n: number, centre: number, bw: number, fs: number): Float32Array {
  const r1 = new Resonator();
  const r2 = new Resonator();
  r1.set(centre, bw, fs);
  r2.set(centre, bw, fs);
  const out = new Float32Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const w = rng.normal();
    // first difference removes the resonators' DC gain so the band really is a band
    out[i] = r2.step(r1.step(w - prev));
    prev = w;
  }
  return normaliseRms(out, 1);
}
