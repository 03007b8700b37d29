/**
 * Synthetic phone corpus: utterances of a formant-synthesised "language" with a 19-phone
 * inventory, random syllable structure and durations, pitch contours and speakers that differ in
 * vocal-tract length, f0, voice quality, speaking rate and vowel space; labels are an
 * `alignment` (phone segments, seconds) and a `text` (phones without silences, for CTC).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeWav } from '../../audio/index.js';
import { writeJsonAtomic } from '../../util/atomic.js';
import { log } from '../../util/log.js';
import { Rng } from '../../util/rng.js';
import { corruptAlignment, type MsSegment } from './corrupt.js';
import { renderPhones, type SpeakerVoice } from './formant.js';
import { colouredNoise } from './noise.js';
import { resolvePhoneCorpusOptions, type PhoneCorpusOptions, type ResolvedPhoneCorpusOptions } from './options.js';
import { CLUSTERS, CODAS, ONSETS, PHONES, PHONE_LABELS, VOWELS, phoneSpec } from './phone-inventory.js';
import type { SynthCorpusSummary } from './types.js';
import { dataDirFiles, writeAlignmentFile, writeKeyValueFile } from './writers.js';

/** One generated utterance. */
export interface SynthPhoneUtterance {
  /** `[n]` samples, float scale. */
  samples: Float32Array;
  /** Exact contiguous alignment from 0 to the end, integer ms. */
  alignment: MsSegment[];
  /** Phones without silences. */
  text: string[];
}

/** Draws a speaker: about half male-like (longer tract, lower f0), half female-like. */
export function randomSpeaker(rng: Rng): SpeakerVoice {
  const female = rng.uniform() < 0.5;
  const vtl = female ? rng.range(1.08, 1.22) : rng.range(0.88, 1.04);
  const f0 = female ? rng.range(170, 250) : rng.range(90, 140);
  const vowelShift: Record<string, [number, number, number]> = {};
  for (const v of VOWELS) vowelShift[v] = [1 + 0.08 * rng.normal(), 1 + 0.07 * rng.normal(), 1 + 0.04 * rng.normal()];
  return { vtl, f0, openQuotient: rng.range(0.45, 0.7), breathiness: rng.range(0, 0.4), rate: rng.range(0.85, 1.2), vowelShift };
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

/** A phone string for one word of 1-3 syllables ((C)(C)V(C)). */
function word(rng: Rng): string[] {
  const phones: string[] = [];
  const syllables = 1 + rng.int(3);
  for (let s = 0; s < syllables; s++) {
    const r = rng.uniform();
    if (r < 0.15) phones.push(...pick(rng, CLUSTERS));
    else if (r < 0.85) phones.push(pick(rng, ONSETS));
    phones.push(pick(rng, VOWELS));
    if (rng.uniform() < 0.35) phones.push(pick(rng, CODAS));
  }
  return phones;
}

/** Plans the phones and exact durations (ms) of an utterance. */
function planUtterance(rng: Rng, voice: SpeakerVoice, words: [number, number]): MsSegment[] {
  const labels: string[] = ['sil'];
  const count = words[0] + rng.int(words[1] - words[0] + 1);
  for (let w = 0; w < count; w++) {
    if (w > 0 && rng.uniform() < 0.2) labels.push('sil');
    for (const p of word(rng)) if (p !== labels[labels.length - 1]) labels.push(p);
  }
  labels.push('sil');
  const segs: MsSegment[] = [];
  let t = 0;
  labels.forEach((label, i) => {
    const spec = phoneSpec(label);
    const edge = label === 'sil' && (i === 0 || i === labels.length - 1);
    const [lo, hi] = edge ? [100, 300] : spec.duration;
    // phrase-final lengthening of the last two phones before the final silence
    const final = i >= labels.length - 3 && !edge ? 1.25 : 1;
    const dur = Math.max(30, Math.round((rng.range(lo, hi) * final) / (edge ? 1 : voice.rate)));
    segs.push({ start: t, end: t + dur, label });
    t += dur;
  });
  return segs;
}

/** f0 per sample: declination, slow random intonation and a final fall, in semitones around the speaker's f0. */
function pitchContour(rng: Rng, voice: SpeakerVoice, n: number, fs: number): Float32Array {
  const out = new Float32Array(n);
  const start = rng.range(1, 3);
  const end = rng.range(-4, -1);
  const waves = [0, 1].map(() => ({ amp: rng.range(0.5, 2), freq: rng.range(0.4, 2), ph: rng.range(0, 2 * Math.PI) }));
  for (let i = 0; i < n; i++) {
    const x = i / n;
    let st = start + (end - start) * x;
    for (const w of waves) st += w.amp * Math.sin(w.ph + (2 * Math.PI * w.freq * i) / fs);
    out[i] = voice.f0 * 2 ** (st / 12);
  }
  return out;
}

/**
 * Generates one utterance (pure given the Rng and speaker).
 * @returns samples `[n]` (speech at -26..-18 dBFS over background at the drawn SNR) and the exact alignment
 */
export function generatePhoneUtterance(rng: Rng, voice: SpeakerVoice, p: Pick<ResolvedPhoneCorpusOptions, 'sampleRate' | 'wordsPerUtterance' | 'snrDb'>): SynthPhoneUtterance {
  const fs = p.sampleRate;
  const alignment = planUtterance(rng, voice, p.wordsPerUtterance);
  const n = Math.round((alignment[alignment.length - 1]!.end * fs) / 1000);
  const speech = renderPhones(alignment, voice, pitchContour(rng, voice, n, fs), rng.fork('source'), fs);
  // level from the speech parts only, so that long silences do not change loudness
  let sum = 0;
  let count = 0;
  for (const s of alignment) {
    if (s.label === 'sil') continue;
    const a = Math.round((s.start * fs) / 1000);
    const b = Math.round((s.end * fs) / 1000);
    for (let i = a; i < b; i++) sum += speech[i]! * speech[i]!;
    count += b - a;
  }
  const speechRms = Math.sqrt(sum / Math.max(1, count));
  const target = 10 ** (rng.range(-26, -18) / 20);
  const gain = speechRms > 0 ? target / speechRms : 0;
  const noise = colouredNoise(rng.fork('background'), n, rng.range(0.5, 1.5));
  const noiseAmp = target * 10 ** (-rng.range(p.snrDb[0], p.snrDb[1]) / 20);
  // channel: a random first-order spectral tilt per utterance (microphone and room colour)
  const tilt = rng.range(-0.4, 0.4);
  const samples = new Float32Array(n);
  let peak = 0;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const x = speech[i]! * gain;
    samples[i] = x - tilt * prev + noise[i]! * noiseAmp;
    prev = x;
    peak = Math.max(peak, Math.abs(samples[i]!));
  }
  if (peak > 0.95) for (let i = 0; i < n; i++) samples[i] = (samples[i]! * 0.95) / peak;
  return { samples, alignment, text: alignment.filter((s) => s.label !== 'sil').map((s) => s.label) };
}

/**
 * Writes a synthetic phone corpus as a data directory: `wav/<utt>.wav` (16-bit PCM), `wav.scp`,
 * `utt2spk` (utterance ids are `<speaker>-<n>`), `text`, `alignment` (what a trainer uses:
 * corrupted for train when jitter or merging is asked for), `alignment.exact` (ground truth) and
 * `synth.json`. Speakers are disjoint between splits.
 * @param options see PhoneCorpusOptionsSchema; validated here
 */
export function synthesizePhoneCorpus(options: PhoneCorpusOptions): SynthCorpusSummary {
  const o = resolvePhoneCorpusOptions(options);
  const files = dataDirFiles(o.out);
  const corrupt = o.split === 'train' && (o.boundaryJitterMs > 0 || o.dropShortMs > 0);
  if (o.split !== 'train' && (o.boundaryJitterMs > 0 || o.dropShortMs > 0)) {
    log('warn', `split ${o.split} keeps exact labels; --boundary-jitter-ms and --drop-short-ms are ignored`);
  }
  const root = new Rng(o.seed).fork(`phones/${o.split}`);
  const spkWidth = Math.max(3, String(o.speakers).length);
  const speakers = Array.from({ length: o.speakers }, (_, s) => {
    const id = `${o.split}${String(s + 1).padStart(spkWidth, '0')}`;
    return { id, voice: randomSpeaker(root.fork(`speaker-${id}`)) };
  });
  const limit = o.utterances ?? (o.hours === undefined ? 100 : Infinity);
  const targetSeconds = o.hours === undefined ? Infinity : o.hours * 3600;
  const wavScp = new Map<string, string>();
  const utt2spk = new Map<string, string>();
  const text = new Map<string, string>();
  const exact = new Map<string, MsSegment[]>();
  const used = new Map<string, MsSegment[]>();
  mkdirSync(join(o.out, 'wav'), { recursive: true });
  let totalMs = 0;
  let seconds = 0;
  let labels = 0;
  let i = 0;
  for (; i < limit && seconds < targetSeconds; i++) {
    const spk = speakers[i % speakers.length]!;
    const utt = `${spk.id}-${String(Math.floor(i / speakers.length) + 1).padStart(5, '0')}`;
    const rng = root.fork(`utt-${i}`);
    const u = generatePhoneUtterance(rng, spk.voice, o);
    const rel = `wav/${utt}.wav`;
    writeWav(join(o.out, rel), u.samples, o.sampleRate);
    wavScp.set(utt, rel);
    utt2spk.set(utt, spk.id);
    text.set(utt, u.text.join(' '));
    exact.set(utt, u.alignment);
    used.set(utt, corrupt ? corruptAlignment(u.alignment, rng.fork('labels'), { jitterMs: o.boundaryJitterMs, dropShortMs: o.dropShortMs, minDurationMs: 10 }) : u.alignment);
    const before = seconds;
    totalMs += u.alignment[u.alignment.length - 1]!.end;
    seconds = totalMs / 1000;
    labels += u.alignment.length;
    const progress = Number.isFinite(targetSeconds) ? [before / targetSeconds, seconds / targetSeconds] : [i / limit, (i + 1) / limit];
    if (Math.floor(progress[1]! * 10) > Math.floor(progress[0]! * 10) && (limit >= 50 || targetSeconds >= 120)) {
      log('info', 'synth phones progress', { utterances: i + 1, seconds: Math.round(seconds) });
    }
  }
  writeKeyValueFile(files.wavScp, wavScp);
  writeKeyValueFile(files.utt2spk, utt2spk);
  writeKeyValueFile(files.text, text);
  writeAlignmentFile(files.alignmentExact, exact);
  writeAlignmentFile(files.alignment, used);
  const { out: _out, ...recorded } = o;
  writeJsonAtomic(files.meta, {
    kind: 'phones',
    version: 1,
    options: recorded,
    utterances: i,
    seconds,
    labelsCorrupted: corrupt,
    phones: PHONES.map((p) => ({ label: p.label, kind: p.kind, description: p.description })),
    speakers: speakers.map((s) => ({ id: s.id, vtl: round3(s.voice.vtl), f0: round3(s.voice.f0), rate: round3(s.voice.rate) })),
  });
  const summary: SynthCorpusSummary = { dir: o.out, split: o.split, files: i, seconds, labels, classes: [...PHONE_LABELS], corrupted: corrupt };
  log('info', 'synthetic phone corpus written', { ...summary });
  return summary;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}


