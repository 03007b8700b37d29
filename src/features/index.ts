/** Feature layer: Kaldi-compatible MFCC / fbank / spectrogram, the meyda flavour, deltas, CMVN, splicing. */
export * from './types.js';
export * from './config.js';
export { computeFeatures, kaldiExtractor } from './compute.js';
export { KaldiExtractor, FLOAT_EPSILON } from './kaldi.js';
export { computeMeydaMfcc } from './meyda.js';
export { frameCount, numFrames, firstSampleOfFrame } from './frames.js';
export { featureWindow } from './window.js';
export { RealFft, realFftPlan } from './fft.js';
export { melBank, melScale, inverseMelScale, type MelBank } from './melbank.js';
export { dctMatrix, lifterCoefficients } from './dct.js';
export { addDeltas, deltaScales, type DeltaOptions } from './deltas.js';
export { spliceFrames } from './splice.js';
export * from './cmvn.js';
