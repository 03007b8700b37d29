/**
 * Options of the synthetic corpora, validated once with zod (CONFIG_INVALID on bad input).
 * Resolved options have no optional fields except the size, given as files/utterances or hours.
 */
import { z } from 'zod';
import { HibikiError } from '../../errors.js';
import { validateConfig } from '../../config/validate.js';

const range = (lo: number, hi: number) => z.tuple([z.number().min(lo).max(hi), z.number().min(lo).max(hi)]).refine((r) => r[0] <= r[1], 'range [lo, hi] with lo <= hi');

const common = {
  /** Output data directory. */
  out: z.string().min(1),
  /** Seed: equal seeds give byte-identical corpora. */
  seed: z.number().int(),
  /** Corpus size in hours of audio (alternative to the count). */
  hours: z.number().positive().max(1000).optional(),
  /** Which split: only train gets corrupted labels; dev/test keep the exact ones. */
  split: z.enum(['train', 'dev', 'test']).default('train'),
  /** Maximum boundary shift of the training labels, ms (0 = exact). */
  boundaryJitterMs: z.number().int().min(0).max(1000).default(0),
  /** Training labels: segments shorter than this (ms) are merged (phones) or dropped (events). */
  dropShortMs: z.number().int().min(0).max(5000).default(0),
  /** Sampling rate, Hz (the class inventories are designed for >= 16 kHz). */
  sampleRate: z.number().int().min(16000).max(48000).default(16000),
};

export const EventCorpusOptionsSchema = z.strictObject({
  ...common,
  /** Number of files (default 20 when neither files nor hours is given). */
  files: z.number().int().positive().max(1_000_000).optional(),
  /** Length of each file, seconds. */
  fileDuration: z.number().min(2).max(600).default(10),
  /** Maximum number of events sounding at once. */
  maxPolyphony: z.number().int().min(1).max(5).default(3),
  /** Event-to-background SNR range, dB (RMS of the event over RMS of the background). */
  snrDb: range(-20, 60).default([0, 20]),
  /** Events per 10 s of audio, drawn uniformly from this range. */
  eventsPer10s: range(0, 30).default([3, 7]),
});

export const PhoneCorpusOptionsSchema = z.strictObject({
  ...common,
  /** Number of utterances (default 100 when neither utterances nor hours is given). */
  utterances: z.number().int().positive().max(10_000_000).optional(),
  /** Number of speakers of this split (speakers are disjoint between splits). */
  speakers: z.number().int().positive().max(10_000).default(10),
  /** Words per utterance. */
  wordsPerUtterance: range(1, 50).default([2, 6]),
  /** Speech-to-background SNR range, dB. */
  snrDb: range(-10, 80).default([15, 35]),
});

export type EventCorpusOptions = z.input<typeof EventCorpusOptionsSchema>;
export type ResolvedEventCorpusOptions = z.output<typeof EventCorpusOptionsSchema>;
export type PhoneCorpusOptions = z.input<typeof PhoneCorpusOptionsSchema>;
export type ResolvedPhoneCorpusOptions = z.output<typeof PhoneCorpusOptionsSchema>;

function checkSize(count: number | undefined, hours: number | undefined, name: string): void {
  if (count !== undefined && hours !== undefined) {
    throw new HibikiError('SYNTH_BAD_SIZE', `give either ${name} or hours, not both`, { expected: `${name} or hours`, found: `${name}=${count}, hours=${hours}` });
  }
}

/** Validates event-corpus options and fills in defaults. */
export function resolveEventCorpusOptions(input: unknown): ResolvedEventCorpusOptions {
  const o = validateConfig(EventCorpusOptionsSchema, input, { what: 'synth events options' });
  checkSize(o.files, o.hours, 'files');
  return o;
}

/** Validates phone-corpus options and fills in defaults. */
export function resolvePhoneCorpusOptions(input: unknown): ResolvedPhoneCorpusOptions {
  const o = validateConfig(PhoneCorpusOptionsSchema, input, { what: 'synth phones options' });
  checkSize(o.utterances, o.hours, 'utterances');
  return o;
}
