/**
 * Kaldi's triangular mel filter bank (mel-computations.cc): mel(f) = 1127 ln(1 + f/700),
 * num-bins+2 equally spaced points between mel(low-freq) and mel(high-freq) (high-freq <= 0 is an
 * offset from Nyquist), weights evaluated at the mel of each FFT bin centre k * rate / N for
 * k < N/2 (the Nyquist bin gets no weight). Stored sparsely: one run of weights per bin.
 */
import { HibikiError } from '../errors.js';

/** Sparse mel bank: bin m has weights[m] applied to FFT bins offset[m] .. offset[m]+weights[m].length-1. */
export interface MelBank {
  offsets: Int32Array;
  weights: Float64Array[];
  /** Centre frequencies in Hz. */
  centerFreqs: Float64Array;
}

/** Kaldi's mel scale. */
export function melScale(freq: number): number {
  return 1127 * Math.log(1 + freq / 700);
}

/** Inverse of `melScale`. */
export function inverseMelScale(mel: number): number {
  return 700 * (Math.exp(mel / 1127) - 1);
}

/**
 * Builds the mel bank.
 * @param numBins number of triangular filters (> 3)
 * @param fftSize padded frame length N (even)
 * @param sampleRate Hz
 * @param lowFreq Hz
 * @param highFreq Hz; <= 0 means Nyquist + highFreq
 * @throws HibikiError `FEATURE_MEL_INVALID` when the band is empty or outside [0, Nyquist]
 */
export function melBank(numBins: number, fftSize: number, sampleRate: number, lowFreq: number, highFreq: number): MelBank {
  const nyquist = 0.5 * sampleRate;
  const high = highFreq <= 0 ? highFreq + nyquist : highFreq;
  if (!(lowFreq >= 0 && lowFreq < nyquist && high > 0 && high <= nyquist && lowFreq < high) || numBins <= 3) {
    throw new HibikiError('FEATURE_MEL_INVALID', 'bad mel bank options', {
      expected: `0 <= lowFreq < highFreq <= Nyquist (${nyquist} Hz), more than 3 bins`,
      found: `lowFreq ${lowFreq}, highFreq ${high}, ${numBins} bins`,
    });
  }
  const numFftBins = fftSize / 2;
  const binWidth = sampleRate / fftSize;
  const melLow = melScale(lowFreq);
  const melHigh = melScale(high);
  const delta = (melHigh - melLow) / (numBins + 1);
  const offsets = new Int32Array(numBins);
  const weights: Float64Array[] = [];
  const centerFreqs = new Float64Array(numBins);
  for (let m = 0; m < numBins; m++) {
    const left = melLow + m * delta;
    const center = melLow + (m + 1) * delta;
    const right = melLow + (m + 2) * delta;
    centerFreqs[m] = inverseMelScale(center);
    let first = -1;
    let last = -1;
    const w = new Float64Array(numFftBins);
    for (let k = 0; k < numFftBins; k++) {
      const mel = melScale(binWidth * k);
      if (mel > left && mel < right) {
        w[k] = mel <= center ? (mel - left) / (center - left) : (right - mel) / (right - center);
        if (first < 0) first = k;
        last = k;
      }
    }
    if (first < 0) {
      offsets[m] = 0;
      weights.push(new Float64Array(0));
    } else {
      offsets[m] = first;
      weights.push(w.slice(first, last + 1));
    }
  }
  return { offsets, weights, centerFreqs };
}
