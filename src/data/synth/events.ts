/**
 * Synthetic sound-event corpus: files of polyphonic events over coloured background noise, with
 * DCASE `events.tsv` labels. Events have attack and decay ramps of random length and shape, so
 * that their edges fade into the background and the annotated onset/offset is genuinely
 * ambiguous near the edges, as in real recordings.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeWav } from '../../audio/index.js';
import { writeJsonAtomic } from '../../util/atomic.js';
import { log } from '../../util/log.js';
import { Rng } from '../../util/rng.js';
import { corruptEvents, type MsEvent } from './corrupt.js';
import { EVENT_CLASSES, EVENT_LABELS } from './event-classes.js';
import { colouredNoise, rms } from './noise.js';
import { resolveEventCorpusOptions, type EventCorpusOptions, type ResolvedEventCorpusOptions } from './options.js';
import type { SynthCorpusSummary } from './types.js';
import { dataDirFiles, writeEventsFile, writeKeyValueFile } from './writers.js';

/** One generated file. */
export interface SynthEventFile {
  /** `[durationMs * fs / 1000]` samples, float scale. */
  samples: Float32Array;
  /** Exact events, integer ms, sorted by onset. */
  events: MsEvent[];
  durationMs: number;
  /** Background RMS (float scale), for checks. */
  backgroundRms: number;
}

type FileParams = Pick<ResolvedEventCorpusOptions, 'fileDuration' | 'sampleRate' | 'maxPolyphony' | 'snrDb' | 'eventsPer10s'>;

function activeAt(events: MsEvent[], t: number): number {
  let n = 0;
  for (const e of events) if (e.onset <= t && t < e.offset) n++;
  return n;
}

function fits(events: MsEvent[], cand: MsEvent, maxPolyphony: number): boolean {
  const overlapping = events.filter((e) => e.onset < cand.offset && cand.onset < e.offset);
  if (overlapping.some((e) => e.label === cand.label)) return false;
  const points = [cand.onset, ...overlapping.map((e) => e.onset).filter((t) => t > cand.onset)];
  return points.every((t) => activeAt(overlapping, t) + 1 <= maxPolyphony);
}

/** Attack (rising) and decay (falling) ramps: raised cosine raised to a random power. */
function envelope(rng: Rng, n: number, fs: number): Float32Array {
  const attack = Math.max(1, Math.min(Math.round(rng.range(0.005, 0.15) * fs), Math.floor(0.4 * n)));
  const decay = Math.max(1, Math.min(Math.round(rng.range(0.01, 0.3) * fs), Math.floor(0.4 * n)));
  const ga = rng.range(0.5, 2);
  const gd = rng.range(0.5, 2);
  const env = new Float32Array(n).fill(1);
  for (let i = 0; i < attack; i++) env[i] = (0.5 - 0.5 * Math.cos((Math.PI * i) / attack)) ** ga;
  for (let i = 0; i < decay; i++) env[n - 1 - i] = (0.5 - 0.5 * Math.cos((Math.PI * i) / decay)) ** gd;
  return env;
}

/**
 * Generates one file of the event corpus (pure given the Rng).
 * @returns samples `[fileDuration * sampleRate]` and the exact events (integer ms)
 */
export function generateEventFile(rng: Rng, p: FileParams): SynthEventFile {
  const fs = p.sampleRate;
  const durationMs = Math.round(p.fileDuration * 1000);
  const n = Math.round((durationMs * fs) / 1000);
  // background: coloured noise at -42..-30 dBFS, sometimes with mains hum
  const bgRms = 10 ** (rng.range(-42, -30) / 20);
  const bgRng = rng.fork('background');
  const samples = colouredNoise(bgRng, n, rng.range(0.3, 1.5));
  for (let i = 0; i < n; i++) samples[i] = samples[i]! * bgRms;
  if (rng.uniform() < 0.3) {
    const mains = rng.uniform() < 0.5 ? 50 : 60;
    const humAmp = bgRms * rng.range(0.3, 1);
    for (let i = 0; i < n; i++) {
      const w = (2 * Math.PI * mains * i) / fs;
      samples[i]! += humAmp * (Math.sin(w) + 0.5 * Math.sin(2 * w) + 0.25 * Math.sin(3 * w));
    }
  }
  const backgroundRms = rms(samples);

  const events: MsEvent[] = [];
  const count = Math.round(rng.range(p.eventsPer10s[0], p.eventsPer10s[1]) * (p.fileDuration / 10));
  for (let k = 0; k < count; k++) {
    const cls = EVENT_CLASSES[rng.int(EVENT_CLASSES.length)]!;
    const maxDur = Math.min(cls.maxDuration, 0.8 * p.fileDuration);
    for (let attempt = 0; attempt < 30; attempt++) {
      const dur = Math.round(rng.range(Math.min(cls.minDuration, maxDur), maxDur) * 1000);
      const onset = rng.int(durationMs - dur + 1);
      const cand = { onset, offset: onset + dur, label: cls.label };
      if (!fits(events, cand, p.maxPolyphony)) continue;
      events.push(cand);
      const evRng = rng.fork(`event-${k}`);
      const len = Math.round((dur * fs) / 1000);
      const at = Math.round((onset * fs) / 1000);
      const raw = cls.render(evRng, len, fs);
      const env = envelope(evRng, len, fs);
      const amp = backgroundRms * 10 ** (rng.range(p.snrDb[0], p.snrDb[1]) / 20);
      for (let i = 0; i < len && at + i < n; i++) samples[at + i]! += amp * env[i]! * raw[i]!;
      break;
    }
  }
  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(samples[i]!));
  if (peak > 0.9) for (let i = 0; i < n; i++) samples[i] = (samples[i]! * 0.9) / peak;
  events.sort((a, b) => a.onset - b.onset || a.offset - b.offset || (a.label < b.label ? -1 : 1));
  return { samples, events, durationMs, backgroundRms: peak > 0.9 ? (backgroundRms * 0.9) / peak : backgroundRms };
}

function fileCount(o: ResolvedEventCorpusOptions): number {
  if (o.files !== undefined) return o.files;
  if (o.hours !== undefined) return Math.max(1, Math.ceil((o.hours * 3600) / o.fileDuration));
  return 20;
}

/**
 * Writes a synthetic sound-event corpus as a data directory: `wav/<id>.wav` (16-bit PCM),
 * `wav.scp`, `utt2spk` (each file its own speaker), `events.tsv` (the labels a trainer uses:
 * corrupted for train when jitter or dropping is asked for) and `events.exact.tsv` (ground
 * truth), plus `synth.json` (resolved options and class descriptions).
 * @param options see EventCorpusOptionsSchema; validated here
 */
export function synthesizeEventCorpus(options: EventCorpusOptions): SynthCorpusSummary {
  const o = resolveEventCorpusOptions(options);
  const files = dataDirFiles(o.out);
  const corrupt = o.split === 'train' && (o.boundaryJitterMs > 0 || o.dropShortMs > 0);
  if (o.split !== 'train' && (o.boundaryJitterMs > 0 || o.dropShortMs > 0)) {
    log('warn', `split ${o.split} keeps exact labels; --boundary-jitter-ms and --drop-short-ms are ignored`);
  }
  const count = fileCount(o);
  const width = Math.max(5, String(count).length);
  const root = new Rng(o.seed).fork(`events/${o.split}`);
  const wavScp = new Map<string, string>();
  const utt2spk = new Map<string, string>();
  const exact = new Map<string, MsEvent[]>();
  const used = new Map<string, MsEvent[]>();
  mkdirSync(join(o.out, 'wav'), { recursive: true });
  let totalMs = 0;
  let labels = 0;
  for (let i = 0; i < count; i++) {
    const utt = `ev-${o.split}-${String(i + 1).padStart(width, '0')}`;
    const rng = root.fork(utt);
    const file = generateEventFile(rng, o);
    const rel = `wav/${utt}.wav`;
    writeWav(join(o.out, rel), file.samples, o.sampleRate);
    wavScp.set(utt, rel);
    utt2spk.set(utt, utt);
    exact.set(`${utt}.wav`, file.events);
    used.set(`${utt}.wav`, corrupt
      ? corruptEvents(file.events, file.durationMs, rng.fork('labels'), { jitterMs: o.boundaryJitterMs, dropShortMs: o.dropShortMs, minDurationMs: 20 })
      : file.events);
    totalMs += file.durationMs;
    labels += file.events.length;
    if (count >= 50 && (i + 1) % Math.ceil(count / 10) === 0) log('info', 'synth events progress', { files: i + 1, of: count });
  }
  const seconds = totalMs / 1000;
  writeKeyValueFile(files.wavScp, wavScp);
  writeKeyValueFile(files.utt2spk, utt2spk);
  writeEventsFile(files.eventsExact, exact);
  writeEventsFile(files.events, used);
  const { out: _out, ...recorded } = o;
  writeJsonAtomic(files.meta, {
    kind: 'events',
    version: 1,
    options: recorded,
    files: count,
    seconds,
    labelsCorrupted: corrupt,
    classes: EVENT_CLASSES.map((c) => ({ label: c.label, description: c.description, duration: [c.minDuration, c.maxDuration] })),
  });
  const summary: SynthCorpusSummary = { dir: o.out, split: o.split, files: count, seconds, labels, classes: [...EVENT_LABELS], corrupted: corrupt };
  log('info', 'synthetic event corpus written', { ...summary });
  return summary;
}
