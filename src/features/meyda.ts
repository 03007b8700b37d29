/**
 * The `meyda` flavour: MFCC computed by Meyda, frame by frame, for parity with browser apps that
 * use Meyda. Framing is Kaldi's (same frame count and positions as the kaldi flavour); each frame
 * is zero-padded to a power of two because Meyda only accepts power-of-two buffers, and Meyda
 * applies its own window over the whole padded buffer. Samples stay on the [-1, 1] scale
 * (`sampleScale` is not applied), as in a browser. docs/features.md lists how this differs from
 * Kaldi's MFCC.
 */
import Meyda from 'meyda';
import type { FeatureConfig } from './config.js';
import { frameGeometry, nextPowerOfTwo } from './config.js';
import { firstSampleOfFrame, numFrames } from './frames.js';
import type { FeatureMatrix } from './types.js';

/** The parts of Meyda's global singleton this module sets. */
interface MeydaState {
  bufferSize: number;
  sampleRate: number;
  melBands: number;
  numberOfMFCCCoefficients: number;
  windowingFunction: string;
  melFilterBank: unknown;
  barkScale: unknown;
  extract: (feature: 'mfcc', signal: Float32Array) => unknown;
}

/**
 * MFCC through Meyda.
 * @param samples [N] mono samples on the [-1, 1] scale
 * @returns `[frames, numCeps]`
 */
export function computeMeydaMfcc(samples: Float32Array, sampleRate: number, config: FeatureConfig): FeatureMatrix {
  const g = frameGeometry(config, sampleRate);
  const size = nextPowerOfTwo(g.length);
  const meyda = Meyda as unknown as MeydaState;
  meyda.bufferSize = size;
  meyda.sampleRate = sampleRate;
  meyda.melBands = config.numMelBins;
  meyda.numberOfMFCCCoefficients = config.numCeps;
  meyda.windowingFunction = config.meydaWindow;
  // Meyda caches its mel bank keyed on buffer size and band count only, not the sample rate.
  meyda.melFilterBank = undefined;
  meyda.barkScale = undefined;
  const frames = numFrames(samples.length, g.length, g.shift, config.snipEdges);
  const dim = config.numCeps;
  const out = new Float32Array(frames * dim);
  const n = samples.length;
  for (let f = 0; f < frames; f++) {
    // Meyda windows its input in place, so every frame gets a fresh buffer.
    const buf = new Float32Array(size);
    const start = firstSampleOfFrame(f, g.length, g.shift, config.snipEdges);
    for (let i = 0; i < g.length; i++) {
      let s = start + i;
      while (s < 0 || s >= n) s = s < 0 ? -s - 1 : 2 * n - 1 - s;
      buf[i] = samples[s]!;
    }
    const mfcc = meyda.extract('mfcc', buf) as ArrayLike<number>;
    for (let k = 0; k < dim; k++) out[f * dim + k] = mfcc[k]!;
  }
  return { data: out, frames, dim };
}
