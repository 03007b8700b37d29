/**
 * The complex FFT core in WebAssembly SIMD (f64x2), generated per size: the same algorithm as
 * Radix2Plan in fft.ts (bit-reversed input, a size-4 first stage without twiddles, radix-4
 * stages, one radix-2 stage when log2(n) is odd), with two butterflies per instruction and every
 * address a constant. Data and twiddles live in the module's memory; `re` and `im` are views on
 * it that the caller fills. Returns null where WebAssembly SIMD is unavailable (fft.ts then
 * uses its JavaScript path).
 */
import { F64, I32, V128 } from '../util/wasm-binary.js';
import { buildModule, Code } from './wasm-encoder.js';
import { firstStage, packStage, radix2LastStage, radix4Stage, splitStage } from './fft-wasm-stages.js';

/** The parts of the WebAssembly JS API used here (the project's lib settings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** An instantiated transform of complex size n over memory views. */
export interface WasmFft {
  /** [n] real parts, in bit-reversed order before `transform`, natural order after. */
  re: Float64Array;
  im: Float64Array;
  transform(): void;
  /** [2n] a real signal in natural order, input of `realPower`. */
  input: Float64Array;
  /** [n+1] output of `realPower`. */
  power: Float64Array;
  /** Power spectrum of the 2n-point real signal in `input`: pack, transform, split. */
  realPower(): void;
}

/** What the per-extractor frame kernel bakes in (see kaldi.ts). */
export interface FrameKernelSpec {
  /** Frame length in samples (<= 2n). */
  length: number;
  preemphasis: number;
  removeDc: boolean;
  /** [length] window times sampleScale. */
  window: Float64Array;
  /** Mel bank applied to the power spectrum (null: the kernel stops at the power spectrum). */
  mel: {
    /** First FFT bin of each filter. */
    first: Int32Array;
    /** Weights of each filter. */
    weights: Float64Array[];
    /** Take the square root of the power first (Kaldi use-power=false). */
    magnitude: boolean;
  } | null;
}

/** A frame kernel: copy a frame into `frame`, call `run`, read `energies` and `power`. */
export interface WasmFrameKernel {
  /** [length] the frame's samples (signal scale). */
  frame: Float32Array;
  /** [2] raw energy (signal scale, times sampleScale^2 still to apply) and windowed energy, after `run`. */
  energies: Float64Array;
  /** [n+1] power spectrum after `run` (magnitude when the mel spec asks for it). */
  power: Float64Array;
  /** [bins] mel energies after `run`, when the spec has a mel bank (else empty). */
  mel: Float64Array;
  run(): void;
}

/** Optional magnitude, then each mel filter's weighted sum of the spectrum into MEL. */
function melStage(c: Code, mel: NonNullable<FrameKernelSpec['mel']>, n: number, OUT: number, MW: number, MEL: number): void {
  const b = c.local(I32);
  const w = c.local(I32);
  const acc = c.local(F64);
  if (mel.magnitude) {
    c.i32(0).set(b);
    c.loop(() => {
      c.get(b).get(b).f64Load(OUT).f64Sqrt().f64Store(OUT);
      c.get(b).i32(8).i32Add().set(b);
      c.get(b).i32(8 * (n + 1)).i32LtU();
    });
  }
  let offset = 0;
  mel.weights.forEach((weights, m) => {
    c.f64Const(0).set(acc);
    if (weights.length > 0) {
      // b walks the spectrum from the filter's first bin, w its weights.
      c.i32(8 * mel.first[m]!).set(b).i32(MW + 8 * offset).set(w);
      c.loop(() => {
        c.get(acc).get(w).f64Load(0).get(b).f64Load(OUT).f64Mul().f64Add().set(acc);
        c.get(b).i32(8).i32Add().set(b);
        c.get(w).i32(8).i32Add().set(w);
        c.get(w).i32(MW + 8 * (offset + weights.length)).i32LtU();
      });
    }
    c.i32(8 * m).get(acc).f64Store(MEL);
    offset += weights.length;
  });
}

/**
 * Kaldi's per-frame preparation (kaldi.ts computeFrame, JavaScript path): DC removal, raw energy,
 * pre-emphasis, window, windowed energy, zero padding into NAT.
 */
function frameStage(c: Code, spec: FrameKernelSpec, n: number, FR: number, WS: number, NAT: number, EN: number): void {
  const len = spec.length;
  const i4 = c.local(I32);
  const i8 = c.local(I32);
  const [mean, cur, prev, v, rawE, winE] = Array.from({ length: 6 }, () => c.local(F64)) as [number, number, number, number, number, number];
  c.f64Const(0).set(mean).f64Const(0).set(rawE).f64Const(0).set(winE);
  if (spec.removeDc) {
    c.i32(0).set(i4);
    c.loop(() => {
      c.get(mean).get(i4).f32LoadAsF64(FR).f64Add().set(mean);
      c.get(i4).i32(4).i32Add().set(i4);
      c.get(i4).i32(4 * len).i32LtU();
    });
    c.get(mean).f64Const(len).f64Div().set(mean);
  }
  const p = spec.preemphasis;
  c.i32(4 * (len - 1)).f32LoadAsF64(FR).get(mean).f64Sub().set(cur);
  if (len > 1) {
    c.i32(4 * (len - 1)).set(i4).i32(8 * (len - 1)).set(i8);
    c.loop(() => {
      c.get(i4).f32LoadAsF64(FR - 4).get(mean).f64Sub().set(prev);
      c.get(cur).f64Const(p).get(prev).f64Mul().f64Sub().get(i8).f64Load(WS).f64Mul().set(v);
      c.get(rawE).get(cur).get(cur).f64Mul().f64Add().set(rawE);
      c.get(winE).get(v).get(v).f64Mul().f64Add().set(winE);
      c.get(i8).get(v).f64Store(NAT);
      c.get(prev).set(cur);
      c.get(i4).i32(4).i32Sub().set(i4);
      c.get(i8).i32(8).i32Sub().set(i8);
      c.get(i4).i32(0).i32GtU();
    });
  }
  c.get(cur).f64Const(p).get(cur).f64Mul().f64Sub().i32(0).f64Load(WS).f64Mul().set(v);
  c.get(rawE).get(cur).get(cur).f64Mul().f64Add().set(rawE);
  c.get(winE).get(v).get(v).f64Mul().f64Add().set(winE);
  c.i32(0).get(v).f64Store(NAT);
  if (len < 2 * n) {
    c.i32(8 * len).set(i8);
    c.loop(() => {
      c.get(i8).f64Const(0).f64Store(NAT);
      c.get(i8).i32(8).i32Add().set(i8);
      c.get(i8).i32(16 * n).i32LtU();
    });
  }
  c.i32(0).get(rawE).f64Store(EN).i32(0).get(winE).f64Store(EN + 8);
}

/**
 * Builds the transform for complex size n (a power of two >= 4).
 * @returns null when WebAssembly SIMD cannot be compiled here
 */
export function createWasmFft(n: number): WasmFft | null {
  return build(n, null)?.fft ?? null;
}

/**
 * A frame kernel for FFT size 2n: one instance (own memory) per extractor, with the frame
 * length, pre-emphasis, DC removal and window baked in.
 * @returns null when WebAssembly SIMD is unavailable or n is not a power of two >= 4
 */
export function createWasmFrameKernel(n: number, spec: FrameKernelSpec): WasmFrameKernel | null {
  if (spec.length < 1 || spec.length > 2 * n || spec.window.length !== spec.length) return null;
  return build(n, spec)?.kernel ?? null;
}

function build(n: number, spec: FrameKernelSpec | null): { fft: WasmFft; kernel: WasmFrameKernel | null } | null {
  const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (n < 4 || (n & (n - 1)) !== 0 || wasm === undefined) return null;
  const RE = 0;
  const IM = 8 * n;
  let next = 16 * n;
  const stages: { h: number; tw: number; radix: 4 | 2 }[] = [];
  let h = 4;
  for (; 4 * h <= n; h *= 4) {
    stages.push({ h, tw: next, radix: 4 });
    next += 6 * 8 * h;
  }
  if (h < n) {
    stages.push({ h, tw: next, radix: 2 });
    next += 2 * 8 * h;
  }
  const NAT = next;
  const OUT = NAT + 16 * n;
  const WR = OUT + 8 * (n + 1);
  const WI = WR + 8 * (n + 1);
  const REV = WI + 8 * (n + 1);
  const EN = REV + 4 * n + 8;
  const WS = EN + 16;
  const melBins = spec?.mel?.weights.length ?? 0;
  const melWeights = spec?.mel?.weights.reduce((t, w) => t + w.length, 0) ?? 0;
  const MEL = WS + 8 * (spec?.length ?? 0);
  const MW = MEL + 8 * melBins;
  const FR = MW + 8 * melWeights;
  const end = FR + 4 * (spec?.length ?? 0) + 16;
  const fft = (c: Code): void => {
    firstStage(c, n, RE, IM);
    const v = Array.from({ length: 24 }, () => c.local(V128));
    const s = { sB: c.local(I32), kB: c.local(I32), a: c.local(I32) };
    for (const st of stages) {
      if (st.radix === 4) radix4Stage(c, n, st.h, RE, IM, st.tw, v, s);
      else radix2LastStage(c, st.h, RE, IM, st.tw, v, s.kB);
    }
  };
  const c = new Code();
  fft(c);
  const real = new Code();
  packStage(real, n, RE, IM, NAT, REV);
  fft(real);
  splitStage(real, n, RE, IM, WR, WI, OUT);
  let instance: { exports: Record<string, unknown> };
  try {
    const functions = [
      { name: 'transform', code: c },
      { name: 'realPower', code: real },
    ];
    if (spec !== null) {
      const frame = new Code();
      frameStage(frame, spec, n, FR, WS, NAT, EN);
      packStage(frame, n, RE, IM, NAT, REV);
      fft(frame);
      splitStage(frame, n, RE, IM, WR, WI, OUT);
      if (spec.mel !== null) melStage(frame, spec.mel, n, OUT, MW, MEL);
      functions.push({ name: 'frame', code: frame });
    }
    const bytes = buildModule(Math.ceil(end / 65536), functions);
    instance = new wasm.Instance(new wasm.Module(bytes), {});
  } catch {
    return null;
  }
  const memory = instance.exports['memory'] as { buffer: ArrayBuffer };
  const tw = new Float64Array(memory.buffer);
  for (const st of stages) {
    const base = st.tw / 8;
    for (let k = 0; k < st.h; k++) {
      if (st.radix === 4) {
        for (let r = 1; r <= 3; r++) {
          const angle = (-2 * Math.PI * r * k) / (4 * st.h);
          tw[base + (2 * (r - 1)) * st.h + k] = Math.cos(angle);
          tw[base + (2 * (r - 1) + 1) * st.h + k] = Math.sin(angle);
        }
      } else {
        const angle = (-Math.PI * k) / st.h;
        tw[base + k] = Math.cos(angle);
        tw[base + st.h + k] = Math.sin(angle);
      }
    }
  }
  const bits = Math.round(Math.log2(n));
  const rev = new Int32Array(memory.buffer, REV, n);
  for (let q = 0; q < n; q++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((q >>> b) & 1) << (bits - 1 - b);
    rev[q] = 8 * r;
  }
  const wr = new Float64Array(memory.buffer, WR, n + 1);
  const wi = new Float64Array(memory.buffer, WI, n + 1);
  for (let k = 0; k <= n; k++) {
    wr[k] = Math.cos((-Math.PI * k) / n);
    wi[k] = Math.sin((-Math.PI * k) / n);
  }
  const power = new Float64Array(memory.buffer, OUT, n + 1);
  const fftApi: WasmFft = {
    re: new Float64Array(memory.buffer, RE, n),
    im: new Float64Array(memory.buffer, IM, n),
    transform: instance.exports['transform'] as () => void,
    input: new Float64Array(memory.buffer, NAT, 2 * n),
    power,
    realPower: instance.exports['realPower'] as () => void,
  };
  let kernel: WasmFrameKernel | null = null;
  if (spec !== null) {
    new Float64Array(memory.buffer, WS, spec.length).set(spec.window);
    const mw = new Float64Array(memory.buffer, MW, melWeights);
    let o = 0;
    for (const w of spec.mel?.weights ?? []) {
      mw.set(w, o);
      o += w.length;
    }
    kernel = {
      frame: new Float32Array(memory.buffer, FR, spec.length),
      energies: new Float64Array(memory.buffer, EN, 2),
      power,
      mel: new Float64Array(memory.buffer, MEL, melBins),
      run: instance.exports['frame'] as () => void,
    };
  }
  return { fft: fftApi, kernel };
}
