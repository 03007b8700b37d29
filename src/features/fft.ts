/**
 * Real FFT for the feature pipeline. A real signal of even length N is packed into a complex
 * signal of N/2 points (even samples real, odd samples imaginary), transformed, and split into
 * the N/2+1 bins of the real spectrum. The complex transform is an iterative radix-2
 * decimation-in-time FFT when N/2 is a power of two (twiddles per stage and the bit-reversal
 * table precomputed once per size, plans cached), and Bluestein's chirp-z algorithm on a
 * power-of-two FFT otherwise. The power-of-two core also exists as generated WebAssembly SIMD
 * code (fft-wasm.ts), used when available (Node 20 has it): about 5x faster on this loop. Both
 * are tested against the naive DFT. Everything is Float64: the log of small mel energies
 * amplifies rounding error.
 */

import { BluesteinPlan, Radix2Plan } from './fft-complex.js';
import { createWasmFft, type WasmFft } from './fft-wasm.js';

/** Real FFT plan of an even size N; reusable, not thread-safe (owns scratch buffers). */
export class RealFft {
  /** Real input length N (even). */
  readonly size: number;
  private readonly half: number;
  private readonly radix2: Radix2Plan | null;
  private readonly bluestein: BluesteinPlan | null;
  /**
   * Packed complex input: sample i of the real signal belongs in `packRe` (i even) or `packIm`
   * (i odd) at index `packIndex[i]` (bit-reversed for the radix-2 path). Callers that produce
   * samples one by one write them there and call `powerSpectrumPacked`, saving a copy.
   */
  readonly packRe: Float64Array;
  readonly packIm: Float64Array;
  readonly packIndex: Uint32Array;
  /** packHalfIndex[q] = packIndex[2q] = packIndex[2q+1]: samples 2q and 2q+1 share a slot. */
  readonly packHalfIndex: Uint32Array;
  /** exp(-2 pi i k / N), k = 0..N/2. */
  private readonly wRe: Float64Array;
  private readonly wIm: Float64Array;

  /** The WebAssembly SIMD core, when available and the size allows (packRe/packIm are its memory). */
  private readonly wasm: WasmFft | null;
  /**
   * [N] natural-order real input for `powerSpectrumOfInput`: callers that produce samples one by
   * one write them here (zero-padded), saving a copy. Lives in WebAssembly memory when used.
   */
  readonly input: Float64Array;

  /**
   * @param size even number of real input samples, >= 2
   * @param options `useWasm` (default true): the WebAssembly SIMD core for power-of-two halves >= 4,
   *   falling back to JavaScript where WebAssembly SIMD is unavailable
   */
  constructor(size: number, options: { useWasm?: boolean } = {}) {
    if (!Number.isInteger(size) || size < 2 || size % 2 !== 0) {
      throw new RangeError(`RealFft size must be an even integer >= 2, got ${size}`);
    }
    this.size = size;
    const half = size / 2;
    this.half = half;
    const pow2 = (half & (half - 1)) === 0;
    this.radix2 = pow2 ? new Radix2Plan(half) : null;
    this.bluestein = pow2 ? null : new BluesteinPlan(half);
    this.wasm = pow2 && options.useWasm !== false ? createWasmFft(half) : null;
    this.input = this.wasm?.input ?? new Float64Array(size);
    this.packRe = this.wasm?.re ?? new Float64Array(half);
    this.packIm = this.wasm?.im ?? new Float64Array(half);
    this.packIndex = new Uint32Array(size);
    this.packHalfIndex = new Uint32Array(half);
    // Inverse of the bit reversal: where natural index j lands.
    for (let j = 0; j < half; j++) {
      const dest = this.radix2 !== null ? this.radix2.rev[j]! : j;
      this.packIndex[2 * j] = dest;
      this.packIndex[2 * j + 1] = dest;
      this.packHalfIndex[j] = dest;
    }
    this.wRe = new Float64Array(half + 1);
    this.wIm = new Float64Array(half + 1);
    for (let k = 0; k <= half; k++) {
      const a = (-2 * Math.PI * k) / size;
      this.wRe[k] = Math.cos(a);
      this.wIm[k] = Math.sin(a);
    }
  }

  private pack(input: Float64Array | Float32Array): void {
    const idx = this.packIndex;
    const re = this.packRe;
    const im = this.packIm;
    for (let i = 0; i < this.size; i += 2) {
      re[idx[i]!] = input[i]!;
      im[idx[i]!] = input[i + 1]!;
    }
  }

  /** Transforms the packed buffers in place. */
  private transformPacked(): void {
    if (this.wasm !== null) this.wasm.transform();
    else if (this.radix2 !== null) this.radix2.transformBitReversed(this.packRe, this.packIm);
    else this.bluestein!.transform(this.packRe, this.packIm);
  }

  /**
   * Spectrum of a real signal.
   * @param input [N] samples
   * @param outRe [N/2+1] real parts
   * @param outIm [N/2+1] imaginary parts
   */
  transform(input: Float64Array | Float32Array, outRe: Float64Array, outIm: Float64Array): void {
    this.pack(input);
    this.transformPacked();
    const half = this.half;
    const zRe = this.packRe;
    const zIm = this.packIm;
    for (let k = 0; k <= half; k++) {
      const a = k === half ? 0 : k;
      const b = k === 0 ? 0 : half - k;
      const pr = zRe[a]!;
      const pi = zIm[a]!;
      const qr = zRe[b]!;
      const qi = -zIm[b]!;
      // Even part (p + conj q)/2, odd part -i (p - conj q)/2, X = E + W^k O.
      const er = 0.5 * (pr + qr);
      const ei = 0.5 * (pi + qi);
      const or = 0.5 * (pi - qi);
      const oi = -0.5 * (pr - qr);
      const wr = this.wRe[k]!;
      const wi = this.wIm[k]!;
      outRe[k] = er + or * wr - oi * wi;
      outIm[k] = ei + or * wi + oi * wr;
    }
  }

  /**
   * Power spectrum |X[k]|^2, k = 0..N/2, of a real signal.
   * @param input [N] samples
   * @param out [N/2+1] output
   */
  powerSpectrum(input: Float64Array | Float32Array, out: Float64Array): void {
    this.pack(input);
    this.powerSpectrumPacked(out);
  }

  /**
   * Power spectrum |X[k]|^2, k = 0..N/2, of the signal in `input`.
   * @param out [N/2+1] output
   */
  powerSpectrumOfInput(out: Float64Array): void {
    if (this.wasm !== null) {
      this.wasm.realPower();
      out.set(this.wasm.power);
    } else {
      this.powerSpectrum(this.input, out);
    }
  }

  /**
   * Power spectrum of the signal already written into `packRe` / `packIm` (see `packIndex`);
   * the packed buffers are overwritten.
   * @param out [N/2+1] output
   */
  powerSpectrumPacked(out: Float64Array): void {
    this.transformPacked();
    const half = this.half;
    const zRe = this.packRe;
    const zIm = this.packIm;
    const wRe = this.wRe;
    const wIm = this.wIm;
    // k = 0 and k = N/2 come from Z[0] alone.
    const z0r = zRe[0]!;
    const z0i = zIm[0]!;
    out[0] = (z0r + z0i) * (z0r + z0i);
    out[half] = (z0r - z0i) * (z0r - z0i);
    // Bins k and N/2-k share their inputs: with E = (p + q)/2 and T = W^k O,
    // X[k] = E + T and X[N/2-k] = conj(E - T), so one pass over k <= N/4 gives both.
    for (let k = 1, j = half - 1; k <= j; k++, j--) {
      const pr = zRe[k]!;
      const pi = zIm[k]!;
      const qr = zRe[j]!;
      const qi = -zIm[j]!;
      const er = pr + qr;
      const ei = pi + qi;
      const or = pi - qi;
      const oi = qr - pr;
      const wr = wRe[k]!;
      const wi = wIm[k]!;
      const tr = or * wr - oi * wi;
      const ti = or * wi + oi * wr;
      const ar = er + tr;
      const ai = ei + ti;
      const br = er - tr;
      const bi = ei - ti;
      out[k] = 0.25 * (ar * ar + ai * ai);
      out[j] = 0.25 * (br * br + bi * bi);
    }
  }
}

const plans = new Map<number, RealFft>();

/** A cached RealFft plan for size N (one per size per thread). */
export function realFftPlan(size: number): RealFft {
  let plan = plans.get(size);
  if (plan === undefined) {
    plan = new RealFft(size);
    plans.set(size, plan);
  }
  return plan;
}
