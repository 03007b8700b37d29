/** Synthetic corpora: sound events and a formant-synthesised phone "language", from a seed. */
export type { SynthSegment, SynthEvent, SynthSplit, SynthCorpusSummary } from './types.js';
export { synthesizeEventCorpus, generateEventFile } from './events.js';
export type { SynthEventFile } from './events.js';
export { synthesizePhoneCorpus, generatePhoneUtterance, randomSpeaker } from './phones.js';
export type { SynthPhoneUtterance } from './phones.js';
export type { SpeakerVoice } from './formant.js';
export { EVENT_CLASSES, EVENT_LABELS } from './event-classes.js';
export type { EventClass } from './event-classes.js';
export { PHONES, PHONE_LABELS } from './phone-inventory.js';
export type { PhoneSpec, PhoneKind } from './phone-inventory.js';
export { corruptAlignment, corruptEvents, mergeShortSegments } from './corrupt.js';
export type { MsSegment, MsEvent, CorruptionOptions } from './corrupt.js';
export { resolveEventCorpusOptions, resolvePhoneCorpusOptions, EventCorpusOptionsSchema, PhoneCorpusOptionsSchema } from './options.js';
export type { EventCorpusOptions, PhoneCorpusOptions, ResolvedEventCorpusOptions, ResolvedPhoneCorpusOptions } from './options.js';
