/** Audio layer: WAV and NIST SPHERE reading, WAV writing, channel selection, resampling. */
export type { AudioSignal, AudioFileFormat, DecodedAudio, ChannelSelection, ReadAudioOptions } from './types.js';
export { readAudio, readAudioChannels, decodeAudio, selectChannel } from './read.js';
export { decodeWav } from './wav-read.js';
export { parseWavLayout, formatTagName } from './riff.js';
export type { WavLayout } from './riff.js';
export { decodeSphere, parseSphereHeader } from './sphere.js';
export type { SphereHeader } from './sphere.js';
export { encodeWav, writeWav } from './wav-write.js';
export type { WavSampleFormat, WavWriteOptions } from './wav-write.js';
export { resample, resampledLength, designResampleFilter, besselI0, kaiserBeta } from './resample.js';
export type { ResampleOptions, ResampleFilter } from './resample.js';
