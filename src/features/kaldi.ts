/**
 * The Kaldi feature pipeline (compute-mfcc-feats / compute-fbank-feats /
 * compute-spectrogram-feats, as torchaudio.compliance.kaldi reproduces them), per frame:
 * extract (scaled to the int16 range) -> dither -> remove DC -> raw log energy -> pre-emphasis
 * -> window -> zero-pad -> power spectrum -> mel bank -> log -> DCT -> lifter -> energy.
 * An extractor precomputes everything that depends only on (config, sample rate) and reuses its
 * buffers, so the per-frame loop allocates nothing. Steps from DC removal to the mel bank run in a
 * WebAssembly kernel generated for the extractor (fft-wasm.ts) when available, else in the
 * JavaScript methods below; logs, DCT, lifter and energy are computed here.
 */
import type { Rng } from '../util/rng.js';
import { Rng as RngClass } from '../util/rng.js';
import type { FeatureConfig } from './config.js';
import { featureDim, frameGeometry } from './config.js';
import { dctMatrix, lifterCoefficients } from './dct.js';
import { realFftPlan, type RealFft } from './fft.js';
import { createWasmFrameKernel, type WasmFrameKernel } from './fft-wasm.js';
import { extractFrame, firstSampleOfFrame, numFrames } from './frames.js';
import { melBank } from './melbank.js';
import type { FeatureMatrix } from './types.js';
import { featureWindow } from './window.js';

/** std::numeric_limits<float>::epsilon(), Kaldi's floor on energies before the log. */
export const FLOAT_EPSILON = 1.1920928955078125e-7;

/** Precomputed state for one (config, sample rate); reusable across utterances, not thread-safe. */
export class KaldiExtractor {
  readonly config: FeatureConfig;
  readonly sampleRate: number;
  readonly length: number;
  readonly shift: number;
  readonly paddedLength: number;
  readonly dim: number;
  /** Window times sampleScale. */
  private readonly scaledWindow: Float64Array;
  private readonly fft: RealFft;
  private readonly scratch: Float32Array;
  /** WebAssembly frame kernel (null: JavaScript path). */
  private readonly kernel: WasmFrameKernel | null;
  /** Energies of the current frame: raw (signal scale, squared) and windowed. */
  private rawE = 0;
  private winE = 0;
  private readonly power: Float64Array;
  private readonly mel: Float64Array;
  /** Mel bin m weights FFT bins melFirst[m] .. melFirst[m] + melLength[m] - 1 with melFlat[melStart[m] ..]. */
  private readonly melFirst: Int32Array;
  private readonly melLength: Int32Array;
  private readonly melStart: Int32Array;
  private readonly melFlat: Float64Array;
  private readonly dct: Float64Array;
  private readonly lifter: Float64Array;
  private readonly logEnergyFloor: number;

  /**
   * @param options `useWasm` (default true): the WebAssembly SIMD frame kernel where available;
   *   false forces the JavaScript path (same results to rounding; tests check both)
   */
  constructor(config: FeatureConfig, sampleRate: number, options: { useWasm?: boolean } = {}) {
    this.config = config;
    this.sampleRate = sampleRate;
    const g = frameGeometry(config, sampleRate);
    this.length = g.length;
    this.shift = g.shift;
    this.paddedLength = g.paddedLength;
    this.dim = featureDim(config, sampleRate);
    this.scaledWindow = featureWindow(config.windowType, g.length, config.blackmanCoeff).map((w) => w * config.sampleScale);
    this.fft = realFftPlan(g.paddedLength);
    this.scratch = new Float32Array(g.length);
    this.power = new Float64Array(g.paddedLength / 2 + 1);
    const bank = config.kind === 'spectrogram' ? { offsets: new Int32Array(0), weights: [] } : melBank(config.numMelBins, g.paddedLength, sampleRate, config.lowFreq, config.highFreq);
    const nMel = bank.weights.length;
    this.melFirst = bank.offsets;
    this.melLength = Int32Array.from(bank.weights, (w) => w.length);
    this.melStart = new Int32Array(nMel);
    let total = 0;
    for (let m = 0; m < nMel; m++) {
      this.melStart[m] = total;
      total += bank.weights[m]!.length;
    }
    this.melFlat = new Float64Array(total);
    for (let m = 0; m < nMel; m++) this.melFlat.set(bank.weights[m]!, this.melStart[m]!);
    this.mel = new Float64Array(nMel);
    this.dct = config.kind === 'mfcc' ? dctMatrix(config.numCeps, config.numMelBins) : new Float64Array(0);
    this.lifter = lifterCoefficients(config.numCeps, config.cepstralLifter);
    this.logEnergyFloor = config.energyFloor > 0 ? Math.log(config.energyFloor) : -Infinity;
    const half = g.paddedLength / 2;
    this.kernel =
      options.useWasm === false || (half & (half - 1)) !== 0
        ? null
        : createWasmFrameKernel(half, {
            length: g.length,
            preemphasis: config.preemphasisCoefficient,
            removeDc: config.removeDcOffset,
            window: this.scaledWindow,
            mel: config.kind === 'spectrogram' ? null : { first: bank.offsets, weights: bank.weights, magnitude: !config.usePower },
          });
  }

  /** Number of frames for `numSamples` samples. */
  numFrames(numSamples: number): number {
    return numFrames(numSamples, this.length, this.shift, this.config.snipEdges);
  }

  /**
   * Features of a signal.
   * @param samples [N] mono samples on the [-1, 1] scale (times `sampleScale` internally)
   * @param rng dither noise source; a fresh `Rng(config.seed)` when omitted and dither > 0
   * @returns `[frames, dim]`
   */
  compute(samples: Float32Array, rng?: Rng): FeatureMatrix {
    const frames = this.numFrames(samples.length);
    const out = new Float32Array(frames * this.dim);
    const noise = this.config.dither > 0 ? (rng ?? new RngClass(this.config.seed)) : null;
    for (let f = 0; f < frames; f++) this.computeFrame(samples, f, noise, out, f * this.dim);
    return { data: out, frames, dim: this.dim };
  }

  private computeFrame(samples: Float32Array, f: number, noise: Rng | null, out: Float32Array, o: number): void {
    const c = this.config;
    const len = this.length;
    const start = firstSampleOfFrame(f, len, this.shift, c.snipEdges);
    // Interior frames are read straight from the signal; edge frames (mirrored) and dithered
    // frames go through the scratch buffer first.
    const direct = noise === null && start >= 0 && start + len <= samples.length;
    if (!direct) this.fillScratch(samples, start, noise);
    let power: Float64Array;
    const kernel = this.kernel;
    if (kernel !== null) {
      kernel.frame.set(direct ? samples.subarray(start, start + len) : this.scratch);
      kernel.run();
      this.rawE = kernel.energies[0]!;
      this.winE = kernel.energies[1]!;
      power = kernel.power;
    } else {
      if (direct) this.prepareJs(samples, start);
      else this.prepareJs(this.scratch, 0);
      power = this.power;
      this.fft.powerSpectrumOfInput(power);
    }
    const rawE = this.rawE * c.sampleScale * c.sampleScale;
    const winE = this.winE;
    const logEnergy = this.floorLogEnergy(c.rawEnergy ? rawE : winE);
    const nBins = power.length;
    if (c.kind === 'spectrogram') {
      out[o] = logEnergy;
      for (let k = 1; k < nBins; k++) out[o + k] = Math.log(Math.max(power[k]!, FLOAT_EPSILON));
      return;
    }
    const mel = this.mel;
    const nMel = mel.length;
    const useLog = c.kind === 'mfcc' || c.useLogFbank;
    if (kernel !== null) {
      // The kernel has applied the mel bank (and the magnitude) already.
      const km = kernel.mel;
      for (let m = 0; m < nMel; m++) mel[m] = useLog ? Math.log(Math.max(km[m]!, FLOAT_EPSILON)) : km[m]!;
    } else {
      if (!c.usePower) for (let k = 0; k < nBins; k++) power[k] = Math.sqrt(power[k]!);
      const flat = this.melFlat;
      for (let m = 0; m < nMel; m++) {
        const first = this.melFirst[m]!;
        const start = this.melStart[m]!;
        const count = this.melLength[m]!;
        let s = 0;
        for (let j = 0; j < count; j++) s += flat[start + j]! * power[first + j]!;
        mel[m] = useLog ? Math.log(Math.max(s, FLOAT_EPSILON)) : s;
      }
    }
    if (c.kind === 'fbank') {
      let base = o;
      if (c.useEnergy && !c.htkCompat) out[base++] = logEnergy;
      for (let m = 0; m < nMel; m++) out[base + m] = mel[m]!;
      if (c.useEnergy && c.htkCompat) out[base + nMel] = logEnergy;
      return;
    }
    this.cepstra(mel, logEnergy, out, o);
  }

  /** Mirrored (edge) or dithered frame samples into `scratch`, on the signal's scale. */
  private fillScratch(samples: Float32Array, start: number, noise: Rng | null): void {
    const buf = this.scratch;
    const len = this.length;
    extractFrame(samples, start, len, 1, buf);
    if (noise !== null) {
      // Dither is on the int16 scale.
      const d = this.config.dither / this.config.sampleScale;
      for (let i = 0; i < len; i++) buf[i] = buf[i]! + d * noise.normal();
    }
  }

  /**
   * JavaScript path of the frame preparation (the WebAssembly kernel does the same): one
   * backwards pass for DC removal, raw energy, pre-emphasis (Kaldi's first sample uses itself),
   * window (pre-multiplied by sampleScale) and windowed energy, written into the FFT's input.
   */
  private prepareJs(src: Float32Array, off: number): void {
    const c = this.config;
    const len = this.length;
    let mean = 0;
    if (c.removeDcOffset) {
      let sum = 0;
      for (let i = 0; i < len; i++) sum += src[off + i]!;
      mean = sum / len;
    }
    const p = c.preemphasisCoefficient;
    const ws = this.scaledWindow;
    const input = this.fft.input;
    let rawE = 0;
    let winE = 0;
    let cur = src[off + len - 1]! - mean;
    for (let i = len - 1; i > 0; i--) {
      const prev = src[off + i - 1]! - mean;
      const v = (cur - p * prev) * ws[i]!;
      rawE += cur * cur;
      winE += v * v;
      input[i] = v;
      cur = prev;
    }
    const v0 = (cur - p * cur) * ws[0]!;
    rawE += cur * cur;
    winE += v0 * v0;
    input[0] = v0;
    input.fill(0, len);
    this.rawE = rawE;
    this.winE = winE;
  }

  private cepstra(mel: Float64Array, logEnergy: number, out: Float32Array, o: number): void {
    const c = this.config;
    const nCeps = c.numCeps;
    const nMel = mel.length;
    const dct = this.dct;
    const lifter = this.lifter;
    // htk-compat moves C0 (or the energy) to the end; without use-energy it rescales C0 by sqrt(2).
    const shift = c.htkCompat ? -1 : 0;
    for (let k = 0; k < nCeps; k++) {
      let value: number;
      if (k === 0 && c.useEnergy) {
        value = logEnergy;
      } else {
        let s = 0;
        const row = k * nMel;
        for (let n = 0; n < nMel; n++) s += dct[row + n]! * mel[n]!;
        value = s * lifter[k]!;
      }
      if (k === 0 && c.htkCompat) {
        out[o + nCeps - 1] = c.useEnergy ? value : value * Math.SQRT2;
      } else {
        out[o + k + shift] = value;
      }
    }
  }

  private floorLogEnergy(e: number): number {
    return Math.max(Math.log(Math.max(e, FLOAT_EPSILON)), this.logEnergyFloor);
  }
}
