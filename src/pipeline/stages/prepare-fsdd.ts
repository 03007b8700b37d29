/**
 * `prepare-fsdd`: connected-digit utterances from the Free Spoken Digit Dataset (real speech, CC
 * BY-SA 4.0). Recordings of one speaker are concatenated with random silences (seeded by
 * `data.seed`) over a faint noise floor; the alignment comes from the file boundaries, so it is
 * noisy by nature (the recordings are trimmed by hand, some with breath or silence left in).
 *
 * Sets are take-disjoint: the official test split (takes 0-4) is the test set when present, dev
 * is the next five takes, train the rest. Without takes 0-4 (e.g. a copy of the train split
 * only), takes 5-9 are held out as test instead, which the stage says in its notes.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { readAudio, writeWav } from '../../audio/index.js';
import { formatSeconds, writeDataDir, type AlignedSegment } from '../../data/index.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { corruptAlignment } from '../../data/synth/index.js';
import { HibikiError } from '../../errors.js';
import { Rng } from '../../util/rng.js';
import type { StageContext, StageKind } from '../registry.js';
import { downloadFsdd, listFsdd, type FsddRecording } from './fsdd-source.js';
import { sectionOf, writeSets } from './sets.js';

export const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

const range = z.tuple([z.number().min(0), z.number().min(0)]).refine((r) => r[0] <= r[1], 'range [lo, hi] with lo <= hi');

/** The `data` section of the fsdd recipe. */
export const fsddDataSchema = z.looseObject({
  /** Local copy (the folder holding recordings/); null: download into `<data-root>/fsdd/`. */
  root: z.string().min(1).nullable().default(null),
  seed: z.number().int().default(0),
  /** Digits per utterance, inclusive range. */
  digits: z.tuple([z.number().int().min(1), z.number().int().min(1)]).default([2, 5]),
  /** Silence between digits, seconds. */
  gapSec: range.default([0.05, 0.3]),
  /** Silence before the first and after the last digit, seconds. */
  edgeSec: range.default([0.1, 0.3]),
  /** Gaussian noise floor, dB relative to full scale (RMS). */
  noiseDb: z.number().max(0).default(-60),
  /** Boundary jitter of the training alignment, ms. */
  jitterMs: z.number().int().min(0).max(1000).default(0),
  /** Utterances per set. */
  sets: z.record(z.enum(['train', 'dev', 'test']), z.strictObject({ utterances: z.number().int().positive() })).default({ train: { utterances: 400 }, dev: { utterances: 50 }, test: { utterances: 100 } }),
});
type FsddData = z.output<typeof fsddDataSchema>;

/** Take ranges of the sets, and how the test set was chosen. */
export function fsddSplits(recordings: readonly FsddRecording[]): { pools: Record<'train' | 'dev' | 'test', FsddRecording[]>; note: string } {
  const official = recordings.some((r) => r.take <= 4);
  const testMax = official ? 4 : 9;
  const devMax = testMax + 5;
  const pools = {
    test: recordings.filter((r) => r.take <= testMax),
    dev: recordings.filter((r) => r.take > testMax && r.take <= devMax),
    train: recordings.filter((r) => r.take > devMax),
  };
  const note = official
    ? 'test: the official FSDD test split (takes 0-4); dev: takes 5-9; train: takes 10-49'
    : 'the official test split (takes 0-4) is absent: test holds out takes 5-9 of the train split, dev takes 10-14, train takes 15-49 (take-disjoint, same speakers)';
  return { pools, note };
}

interface Utterance {
  samples: Float32Array;
  alignment: AlignedSegment[];
  words: string[];
  speaker: string;
}

/** One connected-digit utterance of `speaker` from `pool` (8 kHz recordings). */
function makeUtterance(rng: Rng, pool: readonly FsddRecording[], speaker: string, d: FsddData, sampleRate: number, read: (p: string) => Float32Array): Utterance {
  const own = pool.filter((r) => r.speaker === speaker);
  const k = d.digits[0] + rng.int(d.digits[1] - d.digits[0] + 1);
  const parts: Float32Array[] = [];
  const alignment: AlignedSegment[] = [];
  const words: string[] = [];
  let t = 0;
  const silence = (sec: number): void => {
    const n = Math.round(sec * sampleRate);
    if (n === 0) return;
    parts.push(new Float32Array(n));
    alignment.push({ start: t / sampleRate, end: (t + n) / sampleRate, label: 'sil' });
    t += n;
  };
  silence(rng.range(d.edgeSec[0], d.edgeSec[1]));
  for (let i = 0; i < k; i++) {
    if (i > 0) silence(rng.range(d.gapSec[0], d.gapSec[1]));
    const rec = own[rng.int(own.length)]!;
    const x = read(rec.path);
    parts.push(x);
    const word = DIGIT_WORDS[rec.digit]!;
    alignment.push({ start: t / sampleRate, end: (t + x.length) / sampleRate, label: word });
    words.push(word);
    t += x.length;
  }
  silence(rng.range(d.edgeSec[0], d.edgeSec[1]));
  const samples = new Float32Array(t);
  let o = 0;
  for (const p of parts) {
    samples.set(p, o);
    o += p.length;
  }
  const sigma = 10 ** (d.noiseDb / 20);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.max(-1, Math.min(1, samples[i]! + sigma * rng.normal()));
  return { samples, alignment, words, speaker };
}

function jitter(alignment: AlignedSegment[], ms: number, rng: Rng): AlignedSegment[] {
  const msSegs = alignment.map((s) => ({ start: Math.round(s.start * 1000), end: Math.round(s.end * 1000), label: s.label }));
  return corruptAlignment(msSegs, rng, { jitterMs: ms, dropShortMs: 0, minDurationMs: 10 }).map((s) => ({ start: s.start / 1000, end: s.end / 1000, label: s.label }));
}

export const prepareFsdd: StageKind = {
  kind: 'prepare-fsdd',
  description: 'connected-digit utterances from the Free Spoken Digit Dataset (download or data.root), take-disjoint sets',
  version: 1,
  config: ['data'],
  async run(ctx: StageContext) {
    const d = sectionOf(ctx, 'data', fsddDataSchema);
    const root = d.root === null ? await downloadFsdd(ctx.output(join(ctx.dataRoot, 'fsdd'))) : ctx.input(resolve(d.root));
    const recordings = listFsdd(root);
    const { pools, note } = fsddSplits(recordings);
    ctx.log.info(`FSDD: ${recordings.length} recordings in ${root}; ${note}`);
    const cache = new Map<string, Float32Array>();
    let sampleRate = 0;
    const read = (p: string): Float32Array => {
      let x = cache.get(p);
      if (x === undefined) {
        const a = readAudio(p);
        if (sampleRate === 0) sampleRate = a.sampleRate;
        if (a.sampleRate !== sampleRate) throw new HibikiError('FSDD_RATE', 'FSDD recordings differ in sample rate', { file: p, expected: `${sampleRate} Hz`, found: `${a.sampleRate} Hz` });
        x = a.samples;
        cache.set(p, x);
      }
      return x;
    };
    read(recordings[0]!.path);
    const sets: Record<string, string> = {};
    const notes = [note];
    const rng = new Rng(d.seed).fork('fsdd');
    for (const [name, { utterances }] of Object.entries(d.sets) as ['train' | 'dev' | 'test', { utterances: number }][]) {
      const pool = pools[name];
      if (pool.length === 0) throw new HibikiError('FSDD_EMPTY_SET', `no FSDD recordings for set ${name}`, { file: root, expected: 'takes 0-49 of every digit', found: `${recordings.length} recordings` });
      const speakers = [...new Set(pool.map((r) => r.speaker))].sort();
      const setRng = rng.fork(name);
      const data = { wavScp: new Map<string, string>(), utt2spk: new Map<string, string>(), text: new Map<string, string[]>(), alignment: new Map<string, AlignedSegment[]>() };
      const exact = new Map<string, AlignedSegment[]>();
      const dir = join(ctx.outDir, name);
      let seconds = 0;
      for (let i = 0; i < utterances; i++) {
        const speaker = speakers[i % speakers.length]!;
        const r = setRng.fork(`utt-${i}`);
        const u = makeUtterance(r, pool, speaker, d, sampleRate, read);
        const utt = `${speaker}-${name}-${String(i + 1).padStart(5, '0')}`;
        writeWav(join(dir, 'wav', `${utt}.wav`), u.samples, sampleRate);
        data.wavScp.set(utt, join(dir, 'wav', `${utt}.wav`));
        data.utt2spk.set(utt, speaker);
        data.text.set(utt, u.words);
        exact.set(utt, u.alignment);
        data.alignment.set(utt, name === 'train' && d.jitterMs > 0 ? jitter(u.alignment, d.jitterMs, r.fork('labels')) : u.alignment);
        seconds += u.samples.length / sampleRate;
      }
      writeDataDir(dir, data);
      // The exact file boundaries beside the (possibly jittered) training alignment.
      writeFileAtomic(join(dir, 'alignment.exact'), [...exact].flatMap(([u, segs]) => segs.map((g) => `${u} ${formatSeconds(g.start)} ${formatSeconds(g.end)} ${g.label}\n`)).join(''));
      sets[name] = name;
      const line = `${name}: ${utterances} utterances, ${(seconds / 60).toFixed(1)} min, ${speakers.length} speakers, ${pool.length} recordings${name === 'train' && d.jitterMs > 0 ? `, alignment jittered by up to ${d.jitterMs} ms` : ''}`;
      notes.push(line);
      ctx.log.info(line);
    }
    writeSets(ctx.outDir, { sets, notes });
  },
};
