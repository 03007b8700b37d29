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

import { createWasmFft, type WasmFft } from './fft-wasm.js';

/** Iterative radix-2 complex FFT of a power-of-two size, operating in place on (re, im). */
class Radix2Plan {
  readonly size: number;
  /** rev[i] = bit-reversed i. */
  readonly rev: Uint32Array;
  /** Twiddles of all stages concatenated: stage with half-size h at offset h-1 (h = 1, 2, 4, ...). */
  private readonly twRe: Float64Array;
  private readonly twIm: Float64Array;
  /**
   * Radix-4 twiddles of the stage combining four size-h DFTs (offset in tw4Offset), interleaved as
   * [cos, sin] of W^k, W^2k, W^3k (W = exp(-2 pi i / 4h)), k = 0..h-1; stored for h = 4, 16, ...
   */
  private readonly tw4: Float64Array;
  private readonly tw4Offset: Map<number, number>;

  constructor(size: number) {
    this.size = size;
    const bits = Math.round(Math.log2(size));
    this.rev = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
    this.twRe = new Float64Array(Math.max(1, size - 1));
    this.twIm = new Float64Array(Math.max(1, size - 1));
    for (let h = 1; h < size; h *= 2) {
      for (let k = 0; k < h; k++) {
        const a = (-Math.PI * k) / h;
        this.twRe[h - 1 + k] = Math.cos(a);
        this.twIm[h - 1 + k] = Math.sin(a);
      }
    }
    this.tw4Offset = new Map();
    let total = 0;
    for (let h = 4; 4 * h <= size; h *= 4) {
      this.tw4Offset.set(h, total);
      total += 6 * h;
    }
    this.tw4 = new Float64Array(Math.max(1, total));
    for (const [h, off] of this.tw4Offset) {
      for (let k = 0; k < h; k++) {
        for (let r = 1; r <= 3; r++) {
          const a = (-2 * Math.PI * r * k) / (4 * h);
          this.tw4[off + 6 * k + 2 * (r - 1)] = Math.cos(a);
          this.tw4[off + 6 * k + 2 * (r - 1) + 1] = Math.sin(a);
        }
      }
    }
  }

  /**
   * Forward transform of data already in bit-reversed order: decimation in time, radix-4
   * butterflies (3 complex multiplies per 4 points, half the passes over memory of radix-2),
   * the first size-4 stage without twiddles, and one radix-2 stage when log2(n) is odd.
   */
  transformBitReversed(re: Float64Array, im: Float64Array): void {
    const n = this.size;
    if (n < 2) return;
    if (n === 2) {
      const ar = re[0]!;
      const ai = im[0]!;
      re[0] = ar + re[1]!;
      im[0] = ai + im[1]!;
      re[1] = ar - re[1]!;
      im[1] = ai - im[1]!;
      return;
    }
    // Stages of size 2 and 4 fused: twiddles are 1 and -i.
    for (let i = 0; i < n; i += 4) {
      const x0r = re[i]!;
      const x0i = im[i]!;
      const x1r = re[i + 1]!;
      const x1i = im[i + 1]!;
      const x2r = re[i + 2]!;
      const x2i = im[i + 2]!;
      const x3r = re[i + 3]!;
      const x3i = im[i + 3]!;
      const b0r = x0r + x1r;
      const b0i = x0i + x1i;
      const b1r = x0r - x1r;
      const b1i = x0i - x1i;
      const b2r = x2r + x3r;
      const b2i = x2i + x3i;
      // (x2 - x3) * (-i)
      const d3r = x2i - x3i;
      const d3i = x3r - x2r;
      re[i] = b0r + b2r;
      im[i] = b0i + b2i;
      re[i + 2] = b0r - b2r;
      im[i + 2] = b0i - b2i;
      re[i + 1] = b1r + d3r;
      im[i + 1] = b1i + d3i;
      re[i + 3] = b1r - d3r;
      im[i + 3] = b1i - d3i;
    }
    let h = 4;
    // Radix-4 stages: in bit-reversed order the four size-h blocks at p, p+h, p+2h, p+3h hold
    // the DFTs of the elements = 0, 2, 1, 3 (mod 4), which get twiddles 1, W^2k, W^k, W^3k.
    const tw = this.tw4;
    for (; 4 * h <= n; h *= 4) {
      const quad = 4 * h;
      const off = this.tw4Offset.get(h)!;
      for (let start = 0; start < n; start += quad) {
        for (let k = 0; k < h; k++) {
          const t = off + 6 * k;
          const w1r = tw[t]!;
          const w1i = tw[t + 1]!;
          const w2r = tw[t + 2]!;
          const w2i = tw[t + 3]!;
          const w3r = tw[t + 4]!;
          const w3i = tw[t + 5]!;
          const p0 = start + k;
          const p1 = p0 + h;
          const p2 = p1 + h;
          const p3 = p2 + h;
          const t0r = re[p0]!;
          const t0i = im[p0]!;
          let xr = re[p1]!;
          let xi = im[p1]!;
          const t2r = xr * w2r - xi * w2i;
          const t2i = xr * w2i + xi * w2r;
          xr = re[p2]!;
          xi = im[p2]!;
          const t1r = xr * w1r - xi * w1i;
          const t1i = xr * w1i + xi * w1r;
          xr = re[p3]!;
          xi = im[p3]!;
          const t3r = xr * w3r - xi * w3i;
          const t3i = xr * w3i + xi * w3r;
          const sr = t0r + t2r;
          const si = t0i + t2i;
          const dr = t0r - t2r;
          const di = t0i - t2i;
          const ur = t1r + t3r;
          const ui = t1i + t3i;
          // -i (t1 - t3)
          const vr = t1i - t3i;
          const vi = t3r - t1r;
          re[p0] = sr + ur;
          im[p0] = si + ui;
          re[p2] = sr - ur;
          im[p2] = si - ui;
          re[p1] = dr + vr;
          im[p1] = di + vi;
          re[p3] = dr - vr;
          im[p3] = di - vi;
        }
      }
    }
    // A last single radix-2 stage when log2(n) is odd.
    if (h < n) {
      const twRe = this.twRe;
      const twIm = this.twIm;
      const base = h - 1;
      for (let k = 0; k < h; k++) {
        const wr = twRe[base + k]!;
        const wi = twIm[base + k]!;
        const q = k + h;
        const xr = re[q]!;
        const xi = im[q]!;
        const tr = xr * wr - xi * wi;
        const ti = xr * wi + xi * wr;
        const ur = re[k]!;
        const ui = im[k]!;
        re[k] = ur + tr;
        im[k] = ui + ti;
        re[q] = ur - tr;
        im[q] = ui - ti;
      }
    }
  }

  /** Forward transform of data in natural order (permutes in place first). */
  transform(re: Float64Array, im: Float64Array): void {
    const rev = this.rev;
    for (let i = 0; i < this.size; i++) {
      const j = rev[i]!;
      if (j > i) {
        const tr = re[i]!;
        re[i] = re[j]!;
        re[j] = tr;
        const ti = im[i]!;
        im[i] = im[j]!;
        im[j] = ti;
      }
    }
    this.transformBitReversed(re, im);
  }
}

/** Bluestein (chirp-z) complex FFT for any size, through a power-of-two FFT of size >= 2n-1. */
class BluesteinPlan {
  readonly size: number;
  private readonly inner: Radix2Plan;
  private readonly chirpRe: Float64Array;
  private readonly chirpIm: Float64Array;
  /** FFT of the conjugate chirp, wrapped and zero-padded. */
  private readonly kernelRe: Float64Array;
  private readonly kernelIm: Float64Array;
  private readonly bufRe: Float64Array;
  private readonly bufIm: Float64Array;

  constructor(size: number) {
    this.size = size;
    let m = 1;
    while (m < 2 * size - 1) m *= 2;
    this.inner = new Radix2Plan(m);
    this.chirpRe = new Float64Array(size);
    this.chirpIm = new Float64Array(size);
    for (let k = 0; k < size; k++) {
      // k^2 mod 2n keeps the angle small, so the chirp stays accurate for large n.
      const kk = (k * k) % (2 * size);
      const a = (-Math.PI * kk) / size;
      this.chirpRe[k] = Math.cos(a);
      this.chirpIm[k] = Math.sin(a);
    }
    this.kernelRe = new Float64Array(m);
    this.kernelIm = new Float64Array(m);
    for (let k = 0; k < size; k++) {
      this.kernelRe[k] = this.chirpRe[k]!;
      this.kernelIm[k] = -this.chirpIm[k]!;
      if (k > 0) {
        this.kernelRe[m - k] = this.chirpRe[k]!;
        this.kernelIm[m - k] = -this.chirpIm[k]!;
      }
    }
    this.inner.transform(this.kernelRe, this.kernelIm);
    this.bufRe = new Float64Array(m);
    this.bufIm = new Float64Array(m);
  }

  transform(re: Float64Array, im: Float64Array): void {
    const n = this.size;
    const m = this.inner.size;
    const br = this.bufRe;
    const bi = this.bufIm;
    br.fill(0);
    bi.fill(0);
    for (let k = 0; k < n; k++) {
      const cr = this.chirpRe[k]!;
      const ci = this.chirpIm[k]!;
      br[k] = re[k]! * cr - im[k]! * ci;
      bi[k] = re[k]! * ci + im[k]! * cr;
    }
    this.inner.transform(br, bi);
    // Multiply by the kernel spectrum and conjugate, so a forward FFT computes the inverse.
    for (let k = 0; k < m; k++) {
      const xr = br[k]!;
      const xi = bi[k]!;
      const kr = this.kernelRe[k]!;
      const ki = this.kernelIm[k]!;
      br[k] = xr * kr - xi * ki;
      bi[k] = -(xr * ki + xi * kr);
    }
    this.inner.transform(br, bi);
    const inv = 1 / m;
    for (let k = 0; k < n; k++) {
      const xr = br[k]! * inv;
      const xi = -bi[k]! * inv;
      const cr = this.chirpRe[k]!;
      const ci = this.chirpIm[k]!;
      re[k] = xr * cr - xi * ci;
      im[k] = xr * ci + xi * cr;
    }
  }
}

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
