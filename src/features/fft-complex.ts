/**
 * Complex FFTs in JavaScript: an iterative radix-2/4 decimation-in-time FFT for power-of-two
 * sizes (twiddles per stage and the bit-reversal table precomputed once per size), and
 * Bluestein's chirp-z algorithm on top of it for any other size. fft.ts builds the real FFT on
 * these; fft-wasm.ts has the same power-of-two algorithm as WebAssembly SIMD.
 */

/** Iterative radix-2 complex FFT of a power-of-two size, operating in place on (re, im). */
export class Radix2Plan {
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
export class BluesteinPlan {
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

