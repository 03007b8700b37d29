/**
 * The phone inventory of the synthetic "language": acoustic targets for a formant synthesiser
 * (Klatt-style), for an adult male vocal tract; speakers scale the formants by their vocal-tract
 * length factor. Formant values follow Peterson & Barney (1952) averages; consonant F1-F3 are
 * loci that neighbouring vowels move towards (coarticulation).
 */

/** Broad class of a phone, which decides how it is rendered. */
export type PhoneKind = 'vowel' | 'nasal' | 'liquid' | 'fricative' | 'stop' | 'silence';

export interface PhoneSpec {
  label: string;
  kind: PhoneKind;
  description: string;
  /** Formants F1-F3 (Hz): targets for sonorants, loci for obstruents. */
  formants: [number, number, number];
  /** Bandwidths B1-B3 (Hz). */
  bandwidths: [number, number, number];
  /** Voicing amplitude (linear, vowel /a/ = 1). */
  voicing: number;
  /** Frication (or burst, for stops) amplitude, and its band centre and bandwidth (Hz). */
  frication: number;
  fricCentre: number;
  fricBandwidth: number;
  /** Aspiration amplitude (noise through the formants). */
  aspiration: number;
  /** Duration range in ms at speaking rate 1. */
  duration: [number, number];
}

const V: [number, number, number] = [70, 100, 150];

function vowel(label: string, f: [number, number, number], voicing: number, description: string): PhoneSpec {
  return { label, kind: 'vowel', description, formants: f, bandwidths: V, voicing, frication: 0, fricCentre: 3000, fricBandwidth: 1000, aspiration: 0, duration: [70, 160] };
}

/** The phones, sorted by label. `sil` is silence (background only). */
export const PHONES: readonly PhoneSpec[] = [
  vowel('a', [730, 1090, 2440], 1.0, 'open central vowel'),
  { label: 'b', kind: 'stop', description: 'voiced bilabial stop: closure with a weak voice bar, weak diffuse low burst, no aspiration', formants: [200, 900, 2200], bandwidths: V, voicing: 0.08, frication: 0.5, fricCentre: 1000, fricBandwidth: 1500, aspiration: 0, duration: [50, 90] },
  { label: 'd', kind: 'stop', description: 'voiced alveolar stop: closure with a weak voice bar, high burst (~4 kHz), no aspiration', formants: [200, 1800, 2700], bandwidths: V, voicing: 0.08, frication: 0.6, fricCentre: 4000, fricBandwidth: 2000, aspiration: 0, duration: [50, 90] },
  vowel('e', [530, 1840, 2480], 0.9, 'mid front vowel'),
  { label: 'f', kind: 'fricative', description: 'voiceless labiodental fricative: weak, flat broadband noise', formants: [300, 1000, 2300], bandwidths: V, voicing: 0, frication: 0.25, fricCentre: 5500, fricBandwidth: 6000, aspiration: 0, duration: [70, 130] },
  { label: 'g', kind: 'stop', description: 'voiced velar stop: closure with a weak voice bar, compact burst (~2.2 kHz), no aspiration', formants: [200, 2000, 2500], bandwidths: V, voicing: 0.08, frication: 1.0, fricCentre: 2200, fricBandwidth: 700, aspiration: 0, duration: [50, 90] },
  vowel('i', [270, 2290, 3010], 0.75, 'close front vowel'),
  { label: 'k', kind: 'stop', description: 'voiceless velar stop: closure, compact mid-frequency burst (~2.2 kHz), aspiration', formants: [300, 2000, 2500], bandwidths: V, voicing: 0, frication: 2.0, fricCentre: 2200, fricBandwidth: 700, aspiration: 0.15, duration: [60, 110] },
  { label: 'l', kind: 'liquid', description: 'lateral approximant', formants: [360, 1300, 2900], bandwidths: [80, 150, 200], voicing: 0.55, frication: 0, fricCentre: 3000, fricBandwidth: 1000, aspiration: 0, duration: [40, 80] },
  { label: 'm', kind: 'nasal', description: 'bilabial nasal: low murmur, nasal anti-resonance, F2 locus ~1000 Hz', formants: [280, 1000, 2200], bandwidths: [100, 250, 300], voicing: 0.5, frication: 0, fricCentre: 3000, fricBandwidth: 1000, aspiration: 0, duration: [45, 90] },
  { label: 'n', kind: 'nasal', description: 'alveolar nasal: low murmur, nasal anti-resonance, F2 locus ~1700 Hz', formants: [280, 1700, 2600], bandwidths: [100, 250, 300], voicing: 0.5, frication: 0, fricCentre: 3000, fricBandwidth: 1000, aspiration: 0, duration: [45, 90] },
  vowel('o', [570, 840, 2410], 0.95, 'mid back rounded vowel'),
  { label: 'p', kind: 'stop', description: 'voiceless bilabial stop: closure, weak diffuse low burst (~1 kHz), aspiration', formants: [300, 900, 2200], bandwidths: V, voicing: 0, frication: 1.0, fricCentre: 1000, fricBandwidth: 1500, aspiration: 0.15, duration: [60, 110] },
  { label: 's', kind: 'fricative', description: 'voiceless alveolar fricative: strong noise at 4.5-7 kHz', formants: [300, 1700, 2600], bandwidths: V, voicing: 0, frication: 0.25, fricCentre: 5500, fricBandwidth: 2000, aspiration: 0, duration: [80, 150] },
  { label: 'sh', kind: 'fricative', description: 'voiceless postalveolar fricative: strong noise at 2.5-4 kHz', formants: [300, 2000, 2500], bandwidths: V, voicing: 0, frication: 1.6, fricCentre: 2900, fricBandwidth: 1400, aspiration: 0, duration: [80, 150] },
  { label: 'sil', kind: 'silence', description: 'silence (background noise only)', formants: [500, 1500, 2500], bandwidths: V, voicing: 0, frication: 0, fricCentre: 3000, fricBandwidth: 1000, aspiration: 0, duration: [80, 250] },
  { label: 't', kind: 'stop', description: 'voiceless alveolar stop: closure, strong high burst (~4.5 kHz), aspiration', formants: [300, 1800, 2700], bandwidths: V, voicing: 0, frication: 1.0, fricCentre: 4500, fricBandwidth: 2000, aspiration: 0.15, duration: [60, 110] },
  vowel('u', [300, 870, 2240], 0.75, 'close back rounded vowel'),
  { label: 'z', kind: 'fricative', description: 'voiced alveolar fricative: s-like noise over low voicing', formants: [250, 1700, 2600], bandwidths: V, voicing: 0.3, frication: 0.12, fricCentre: 5500, fricBandwidth: 2000, aspiration: 0, duration: [60, 110] },
];

/** Neutral (schwa-like) formants, Hz: short vowels fall short of their targets towards these. */
export const NEUTRAL_FORMANTS: [number, number, number] = [500, 1500, 2500];

/** Phone labels, sorted. */
export const PHONE_LABELS: readonly string[] = PHONES.map((p) => p.label).sort();

const BY_LABEL = new Map(PHONES.map((p) => [p.label, p]));

/** The spec of a phone label (throws on unknown labels: a programming error). */
export function phoneSpec(label: string): PhoneSpec {
  const p = BY_LABEL.get(label);
  if (p === undefined) throw new Error(`unknown synthetic phone ${label}`);
  return p;
}

/** True for vowels, nasals and liquids (their boundaries with each other are gradual). */
export function isSonorant(label: string): boolean {
  const k = phoneSpec(label).kind;
  return k === 'vowel' || k === 'nasal' || k === 'liquid';
}

export const VOWELS = PHONES.filter((p) => p.kind === 'vowel').map((p) => p.label);
/** Consonants allowed as syllable onsets and codas. */
export const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 's', 'sh', 't', 'z'];
export const CODAS = ['d', 'k', 'l', 'm', 'n', 's', 't'];
/** Two-consonant onsets. */
export const CLUSTERS: readonly (readonly [string, string])[] = [['s', 'p'], ['s', 't'], ['s', 'k'], ['p', 'l'], ['k', 'l'], ['f', 'l']];
