/**
 * Feature configuration: validated once at the boundary (zod), resolved to an object with no
 * optional fields. Names are camelCase versions of Kaldi's options (docs/features.md maps them).
 * Defaults are Kaldi's, except `dither` (0, as torchaudio) and `energyFloor` (1, torchaudio's
 * default and Kaldi's advice when dither is off).
 */
import { z } from 'zod';
import { HibikiError } from '../errors.js';

/** Window functions of Kaldi's feature-window.cc. */
export const WINDOW_TYPES = ['povey', 'hamming', 'hanning', 'rectangular', 'blackman'] as const;
export type WindowType = (typeof WINDOW_TYPES)[number];

/** Feature kinds: Kaldi's compute-mfcc-feats, compute-fbank-feats, compute-spectrogram-feats. */
export const FEATURE_KINDS = ['mfcc', 'fbank', 'spectrogram'] as const;
export type FeatureKind = (typeof FEATURE_KINDS)[number];

/** `kaldi` (default, matches Kaldi/torchaudio) or `meyda` (MFCC computed by Meyda per frame). */
export const FEATURE_FLAVOURS = ['kaldi', 'meyda'] as const;
export type FeatureFlavour = (typeof FEATURE_FLAVOURS)[number];

/** Meyda's window names (used only by the meyda flavour). */
export const MEYDA_WINDOWS = ['hanning', 'hamming', 'blackman', 'sine', 'rect'] as const;
export type MeydaWindow = (typeof MEYDA_WINDOWS)[number];

const schema = z
  .object({
    kind: z.enum(FEATURE_KINDS).optional(),
    flavour: z.enum(FEATURE_FLAVOURS).optional(),
    sampleScale: z.number().positive().optional(),
    sampleRate: z.number().int().nonnegative().optional(),
    frameLengthMs: z.number().positive().optional(),
    frameShiftMs: z.number().positive().optional(),
    snipEdges: z.boolean().optional(),
    dither: z.number().nonnegative().optional(),
    seed: z.number().int().optional(),
    removeDcOffset: z.boolean().optional(),
    preemphasisCoefficient: z.number().min(0).max(1).optional(),
    windowType: z.enum(WINDOW_TYPES).optional(),
    blackmanCoeff: z.number().optional(),
    roundToPowerOfTwo: z.boolean().optional(),
    rawEnergy: z.boolean().optional(),
    energyFloor: z.number().nonnegative().optional(),
    useEnergy: z.boolean().optional(),
    numMelBins: z.number().int().min(3).optional(),
    lowFreq: z.number().nonnegative().optional(),
    highFreq: z.number().optional(),
    numCeps: z.number().int().min(1).optional(),
    cepstralLifter: z.number().nonnegative().optional(),
    usePower: z.boolean().optional(),
    useLogFbank: z.boolean().optional(),
    htkCompat: z.boolean().optional(),
    meydaWindow: z.enum(MEYDA_WINDOWS).optional(),
  })
  .strict();

/** Input form of the feature config: every field optional. */
export type FeatureConfigInput = z.input<typeof schema>;

/** Resolved feature configuration (no optional fields). See docs/features.md for each option. */
export interface FeatureConfig {
  /** Output: `mfcc`, `fbank` (log-mel) or `spectrogram` (log power spectrum). Default `mfcc`. */
  kind: FeatureKind;
  /** `kaldi` (default) or `meyda` (mfcc only). */
  flavour: FeatureFlavour;
  /** Factor applied to [-1,1] samples before the Kaldi pipeline; 32768 reproduces Kaldi on int16 audio. */
  sampleScale: number;
  /** Expected sample rate in Hz; 0 = use each file's own rate. Archives resample when it differs. */
  sampleRate: number;
  /** Frame length in ms (Kaldi `frame-length`, 25). */
  frameLengthMs: number;
  /** Frame shift in ms (Kaldi `frame-shift`, 10). */
  frameShiftMs: number;
  /** Kaldi `snip-edges` (true). */
  snipEdges: boolean;
  /** Gaussian dither on the int16 scale (Kaldi `dither`; default 0 as torchaudio, Kaldi uses 1). */
  dither: number;
  /** Seed for the dither stream when no Rng is passed (per utterance in archives). */
  seed: number;
  /** Kaldi `remove-dc-offset` (true). */
  removeDcOffset: boolean;
  /** Kaldi `preemphasis-coefficient` (0.97). */
  preemphasisCoefficient: number;
  /** Kaldi `window-type` (povey). */
  windowType: WindowType;
  /** Kaldi `blackman-coeff` (0.42). */
  blackmanCoeff: number;
  /** Kaldi `round-to-power-of-two` (true). */
  roundToPowerOfTwo: boolean;
  /** Kaldi `raw-energy` (true): energy before pre-emphasis and window. */
  rawEnergy: boolean;
  /** Kaldi `energy-floor` (absolute, on the energy, not its log); 0 = no floor. Default 1. */
  energyFloor: number;
  /** Kaldi `use-energy`: mfcc replaces C0 by log energy (default true); fbank/spectrogram add it (false). */
  useEnergy: boolean;
  /** Kaldi `num-mel-bins` (23). */
  numMelBins: number;
  /** Kaldi `low-freq` in Hz (20). */
  lowFreq: number;
  /** Kaldi `high-freq` in Hz (0); <= 0 means offset from Nyquist. */
  highFreq: number;
  /** Kaldi `num-ceps` (13). */
  numCeps: number;
  /** Kaldi `cepstral-lifter` (22); 0 = no liftering. */
  cepstralLifter: number;
  /** Kaldi `use-power` (true): power, else magnitude spectrum. */
  usePower: boolean;
  /** Kaldi `use-log-fbank` (true), fbank only. */
  useLogFbank: boolean;
  /** Kaldi `htk-compat` (false): energy / C0 last. */
  htkCompat: boolean;
  /** Meyda flavour only: Meyda's window (hanning). */
  meydaWindow: MeydaWindow;
}

/**
 * Validates and completes a feature config. `useEnergy` defaults per kind as in Kaldi
 * (true for mfcc, false for fbank and spectrogram).
 * @param input parsed YAML/JSON object (or undefined for all defaults)
 * @param source file the config came from, for error messages
 * @throws HibikiError `FEATURE_CONFIG_INVALID`
 */
export function resolveFeatureConfig(input: unknown, source?: string): FeatureConfig {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue !== undefined && issue.path.length > 0 ? issue.path.join('.') : 'config';
    throw new HibikiError('FEATURE_CONFIG_INVALID', `bad feature option ${where}: ${issue?.message ?? 'invalid'}`, {
      ...(source !== undefined ? { file: source } : {}),
      expected: 'options documented in docs/features.md',
      found: JSON.stringify(input)?.slice(0, 200) ?? String(input),
    });
  }
  const c = parsed.data;
  const kind = c.kind ?? 'mfcc';
  const config: FeatureConfig = {
    kind,
    flavour: c.flavour ?? 'kaldi',
    sampleScale: c.sampleScale ?? 32768,
    sampleRate: c.sampleRate ?? 0,
    frameLengthMs: c.frameLengthMs ?? 25,
    frameShiftMs: c.frameShiftMs ?? 10,
    snipEdges: c.snipEdges ?? true,
    dither: c.dither ?? 0,
    seed: c.seed ?? 0,
    removeDcOffset: c.removeDcOffset ?? true,
    preemphasisCoefficient: c.preemphasisCoefficient ?? 0.97,
    windowType: c.windowType ?? 'povey',
    blackmanCoeff: c.blackmanCoeff ?? 0.42,
    roundToPowerOfTwo: c.roundToPowerOfTwo ?? true,
    rawEnergy: c.rawEnergy ?? true,
    energyFloor: c.energyFloor ?? 1,
    useEnergy: c.useEnergy ?? kind === 'mfcc',
    numMelBins: c.numMelBins ?? 23,
    lowFreq: c.lowFreq ?? 20,
    highFreq: c.highFreq ?? 0,
    numCeps: c.numCeps ?? 13,
    cepstralLifter: c.cepstralLifter ?? 22,
    usePower: c.usePower ?? true,
    useLogFbank: c.useLogFbank ?? true,
    htkCompat: c.htkCompat ?? false,
    meydaWindow: c.meydaWindow ?? 'hanning',
  };
  const bad = (field: string, expected: string, found: unknown): never => {
    throw new HibikiError('FEATURE_CONFIG_INVALID', `bad feature option ${field}`, {
      ...(source !== undefined ? { file: source } : {}),
      expected,
      found: String(found),
    });
  };
  if (config.kind === 'mfcc' && config.numCeps > config.numMelBins) {
    bad('numCeps', `<= numMelBins (${config.numMelBins})`, config.numCeps);
  }
  if (config.flavour === 'meyda' && config.kind !== 'mfcc') bad('flavour', 'meyda only with kind mfcc', config.kind);
  if (config.flavour === 'meyda' && config.numCeps > 40) bad('numCeps', '<= 40 for the meyda flavour', config.numCeps);
  return config;
}

/** Frame length and shift in samples, and the FFT size, for a sample rate (Kaldi truncates). */
export interface FrameGeometrySamples {
  /** Frame length in samples. */
  length: number;
  /** Frame shift in samples. */
  shift: number;
  /** FFT size: length rounded up to a power of two when `roundToPowerOfTwo`. */
  paddedLength: number;
}

/**
 * Frame geometry in samples, computed like Kaldi (`int(rate * ms * 0.001)`).
 * @throws HibikiError `FEATURE_FRAME_INVALID` when the frame is shorter than 2 samples or the FFT size is odd
 */
export function frameGeometry(config: FeatureConfig, sampleRate: number): FrameGeometrySamples {
  const length = Math.trunc(sampleRate * config.frameLengthMs * 0.001);
  const shift = Math.trunc(sampleRate * config.frameShiftMs * 0.001);
  if (!(sampleRate > 0) || length < 2 || shift < 1) {
    throw new HibikiError('FEATURE_FRAME_INVALID', 'frame length/shift too small for the sample rate', {
      expected: 'frame length >= 2 samples and shift >= 1 sample',
      found: `rate ${sampleRate} Hz, length ${length}, shift ${shift}`,
    });
  }
  const paddedLength = config.roundToPowerOfTwo ? nextPowerOfTwo(length) : length;
  if (paddedLength % 2 !== 0 && config.flavour === 'kaldi') {
    throw new HibikiError('FEATURE_FRAME_INVALID', 'the FFT size must be even', {
      expected: 'an even frame length in samples, or roundToPowerOfTwo',
      found: String(paddedLength),
    });
  }
  return { length, shift, paddedLength };
}

/** Smallest power of two >= n (n >= 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Output dimension of `computeFeatures` for this config. */
export function featureDim(config: FeatureConfig, sampleRate: number): number {
  if (config.kind === 'mfcc') return config.numCeps;
  if (config.kind === 'fbank') return config.numMelBins + (config.useEnergy ? 1 : 0);
  return frameGeometry(config, sampleRate).paddedLength / 2 + 1;
}
