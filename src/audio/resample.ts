/**
 * Band-limited sample-rate conversion by polyphase windowed-sinc filtering.
 *
 * The ratio is reduced to L/M (L = toRate / g, M = fromRate / g, g = gcd). Output sample n sits at
 * input time t = n M / L; it is the sum over input samples k of x[k] h(t - k), where h is a sinc
 * low-pass with cutoff between the passband edge and the lower Nyquist frequency, shaped by a
 * Kaiser window sized by Kaiser's formula for the requested stopband attenuation. The filter is
 * linear-phase and centred, so there is no delay and output[0] aligns with input[0]; samples
 * outside the input count as zero. Up to L = 4096 phases the L filters are tabulated exactly;
 * beyond, the kernel is tabulated at 1/1024 of an input sample and linearly interpolated.
 */
import { HibikiError } from '../errors.js';

/** Options of `resample`. Defaults approximate sox's default (`rate -h`) quality. */
export interface ResampleOptions {
  /** Passband edge as a fraction of the lower Nyquist frequency; default 0.95. */
  passband?: number;
  /** Stopband attenuation in dB (stopband starts at the lower Nyquist frequency); default 120. */
  stopbandDb?: number;
}

/** The designed low-pass in input-sample units. */
export interface ResampleFilter {
  /** Cutoff in cycles per input sample. */
  cutoff: number;
  /** Half width of the kernel in input samples. */
  halfWidth: number;
  /** Kaiser window shape parameter. */
  beta: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (power series). */
export function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Kaiser's beta for a stopband attenuation in dB. */
export function kaiserBeta(attenuationDb: number): number {
  const a = attenuationDb;
  if (a > 50) return 0.1102 * (a - 8.7);
  if (a >= 21) return 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21);
  return 0;
}

/**
 * Designs the anti-aliasing / anti-imaging low-pass for a rate change.
 * @param fromRate input rate, Hz
 * @param toRate output rate, Hz
 */
export function designResampleFilter(fromRate: number, toRate: number, options: ResampleOptions = {}): ResampleFilter {
  const passband = options.passband ?? 0.95;
  const atten = options.stopbandDb ?? 120;
  if (!(passband > 0 && passband < 1) || !(atten >= 20 && atten <= 200)) {
    throw new HibikiError('AUDIO_BAD_RESAMPLE_OPTION', 'resample options out of range', { expected: 'passband in (0,1), stopbandDb in [20,200]', found: `passband ${passband}, stopbandDb ${atten}` });
  }
  const nyqLow = Math.min(fromRate, toRate) / 2;
  const fp = passband * nyqLow;
  const fs = nyqLow;
  const cutoff = (fp + fs) / 2 / fromRate;
  const transition = (2 * Math.PI * (fs - fp)) / fromRate; // rad per input sample
  const taps = (atten - 8) / (2.285 * transition);
  return { cutoff, halfWidth: Math.max(1, taps / 2), beta: kaiserBeta(atten) };
}

function kernel(f: ResampleFilter, i0beta: number, u: number): number {
  const x = u / f.halfWidth;
  if (x <= -1 || x >= 1) return 0;
  const w = besselI0(f.beta * Math.sqrt(1 - x * x)) / i0beta;
  const a = 2 * Math.PI * f.cutoff * u;
  const sinc = a === 0 ? 1 : Math.sin(a) / a;
  return 2 * f.cutoff * sinc * w;
}

function checkRate(rate: number, name: string): void {
  if (!Number.isInteger(rate) || rate <= 0) {
    throw new HibikiError('AUDIO_BAD_RATE', `${name} must be a positive integer (Hz)`, { expected: 'integer Hz > 0', found: String(rate) });
  }
}

/** Number of output samples for `inputLength` input samples: ceil(n * to / from). */
export function resampledLength(inputLength: number, fromRate: number, toRate: number): number {
  const g = gcd(fromRate, toRate);
  return Math.ceil((inputLength * (toRate / g)) / (fromRate / g));
}

/**
 * Resamples a signal to another rate (pure function).
 * @param samples `[n]` input samples
 * @param fromRate input rate in Hz (positive integer)
 * @param toRate output rate in Hz (positive integer)
 * @returns `[ceil(n * toRate / fromRate)]` samples; a copy when the rates are equal
 */
export function resample(samples: Float32Array, fromRate: number, toRate: number, options: ResampleOptions = {}): Float32Array {
  checkRate(fromRate, 'fromRate');
  checkRate(toRate, 'toRate');
  if (fromRate === toRate) return Float32Array.from(samples);
  const g = gcd(fromRate, toRate);
  const L = toRate / g;
  const M = fromRate / g;
  const f = designResampleFilter(fromRate, toRate, options);
  const i0beta = besselI0(f.beta);
  const J = Math.ceil(f.halfWidth);
  const T = 2 * J + 1;
  const n = samples.length;
  const out = new Float32Array(resampledLength(n, fromRate, toRate));
  const x = samples;

  if (L <= 4096) {
    // table[phi * T + t] = h(phi / L - (t - J))
    const table = new Float32Array(L * T);
    for (let phi = 0; phi < L; phi++) for (let t = 0; t < T; t++) table[phi * T + t] = kernel(f, i0beta, phi / L - (t - J));
    for (let o = 0; o < out.length; o++) {
      const p = o * M;
      const k0 = Math.floor(p / L);
      const base = (p - k0 * L) * T;
      const start = k0 - J;
      let acc = 0;
      if (start >= 0 && start + T <= n) {
        for (let t = 0; t < T; t++) acc += table[base + t]! * x[start + t]!;
      } else {
        const lo = Math.max(0, -start);
        const hi = Math.min(T, n - start);
        for (let t = lo; t < hi; t++) acc += table[base + t]! * x[start + t]!;
      }
      out[o] = acc;
    }
    return out;
  }

  const R = 1024;
  const fine = new Float64Array(Math.ceil(f.halfWidth * R) + 2);
  for (let s = 0; s < fine.length; s++) fine[s] = kernel(f, i0beta, s / R);
  const interp = (u: number): number => {
    const pos = Math.abs(u) * R;
    const i = Math.floor(pos);
    if (i + 1 >= fine.length) return 0;
    const frac = pos - i;
    return fine[i]! + frac * (fine[i + 1]! - fine[i]!);
  };
  for (let o = 0; o < out.length; o++) {
    const p = o * M;
    const k0 = Math.floor(p / L);
    const frac = (p - k0 * L) / L;
    let acc = 0;
    for (let j = -J; j <= J; j++) {
      const k = k0 + j;
      if (k >= 0 && k < n) acc += interp(frac - j) * x[k]!;
    }
    out[o] = acc;
  }
  return out;
}
