/**
 * TIMIT (LDC93S1) layout: `<root>/{TRAIN,TEST}/DR<n>/<SPEAKER>/<SENTENCE>.{WAV,PHN,WRD}` (either
 * case), audio in NIST SPHERE (or RIFF, as some re-distributions have it, including a
 * `<SENTENCE>.WAV.wav` copy beside the SPHERE file), `.PHN`/`.WRD` lines `start end label` in
 * samples at 16 kHz. Produces the usual three sets: train (all TRAIN speakers), dev (the 50
 * speakers of data/timit/dev-speakers.txt) and test (the 24-speaker core test set of
 * data/timit/core-test-speakers.txt), SA sentences excluded by default (as in Kaldi's recipe,
 * since all speakers read the same two SA sentences).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { HibikiError } from '../../errors.js';
import type { AlignedSegment, DataDir } from '../datadir/types.js';
import { readTextFile, splitLines } from '../datadir/text-file.js';
import { foldAlignment, shippedDataDir, timitPhoneMap, type TimitPhoneSet } from '../vocab/phone-map.js';
import { buildDataDir, requireDir, type ImportedUtterance } from './common.js';

export interface TimitOptions {
  /** Which labels become the alignment: 'phones' (.PHN, default) or 'words' (.WRD, with gaps at pauses). */
  tier?: 'phones' | 'words';
  /** Phone set of the output: '61' (as transcribed, default), '48' or '39' (folded; q deleted). */
  phoneSet?: TimitPhoneSet;
  /** Keep the SA sentences. Default false. */
  includeSa?: boolean;
  /** Sample rate of the label files in Hz. Default 16000. */
  sampleRate?: number;
}

/**
 * Parses a .PHN or .WRD file: `start end label` in samples. Raises `TIMIT_SYNTAX` and
 * `TIMIT_BAD_TIMES` with the line.
 * @returns segments in seconds
 */
export function parseTimitLabels(text: string, file: string, sampleRate = 16000): AlignedSegment[] {
  const out: AlignedSegment[] = [];
  for (const l of splitLines(text)) {
    const [a, b, label] = l.fields;
    if (l.fields.length !== 3 || !/^\d+$/.test(a ?? '') || !/^\d+$/.test(b ?? '')) {
      throw new HibikiError('TIMIT_SYNTAX', 'expected `start end label` with times in samples', { file, line: l.line, expected: 'two integers and a label', found: l.text });
    }
    const start = Number(a);
    const end = Number(b);
    if (end <= start) throw new HibikiError('TIMIT_BAD_TIMES', 'segment ends before it starts', { file, line: l.line, expected: 'start < end', found: `${start} ${end}` });
    out.push({ start: start / sampleRate, end: end / sampleRate, label: label as string });
  }
  return out;
}

/** Reads a shipped speaker list (data/timit/<name>), lower case. */
export function timitSpeakerList(name: 'core-test-speakers.txt' | 'dev-speakers.txt'): Set<string> {
  const path = join(shippedDataDir(), 'timit', name);
  return new Set(splitLines(readTextFile(path), { commentPrefix: '#' }).map((l) => (l.fields[0] ?? '').toLowerCase()));
}

function entries(dir: string): { name: string; path: string; isDir: boolean }[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .map((e) => ({ name: e.name, path: join(dir, e.name), isDir: e.isDirectory() }))
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

function findChild(dir: string, name: string): string | undefined {
  return entries(dir).find((e) => e.isDir && e.name.toLowerCase() === name)?.path;
}

/** Utterances of one part (TRAIN or TEST) whose speaker passes `keep`. */
function readPart(partDir: string, keep: (spk: string) => boolean, o: Required<TimitOptions>): ImportedUtterance[] {
  const out: ImportedUtterance[] = [];
  const map = o.phoneSet === '61' ? undefined : timitPhoneMap('61', o.phoneSet);
  for (const region of entries(partDir).filter((e) => e.isDir)) {
    for (const spkDir of entries(region.path).filter((e) => e.isDir)) {
      const spk = spkDir.name.toLowerCase();
      if (!keep(spk)) continue;
      const files = entries(spkDir.path).filter((e) => !e.isDir);
      for (const lab of files.filter((f) => /\.phn$/i.test(f.name))) {
        const sent = lab.name.slice(0, -4).toLowerCase();
        if (!o.includeSa && sent.startsWith('sa')) continue;
        const id = `${spk}_${sent}`;
        const audio = files.find((f) => f.name.toLowerCase() === `${sent}.wav`) ?? files.find((f) => f.name.toLowerCase() === `${sent}.wav.wav`);
        if (audio === undefined) throw new HibikiError('TIMIT_MISSING_AUDIO', 'no audio beside the .PHN file', { file: lab.path, utterance: id, expected: `${sent}.WAV` });
        let segs: AlignedSegment[];
        if (o.tier === 'words') {
          const wrd = files.find((f) => f.name.toLowerCase() === `${sent}.wrd`);
          if (wrd === undefined) throw new HibikiError('TIMIT_MISSING_WRD', 'no .WRD file beside the .PHN file', { file: lab.path, utterance: id });
          segs = parseTimitLabels(readTextFile(wrd.path), wrd.path, o.sampleRate);
        } else {
          segs = parseTimitLabels(readTextFile(lab.path), lab.path, o.sampleRate);
          if (map !== undefined) segs = foldAlignment(segs, map, { utterance: id });
        }
        out.push({ id, audio: audio.path, speaker: spk, alignment: segs, text: segs.map((s) => s.label) });
      }
    }
  }
  return out;
}

/**
 * Imports a TIMIT tree into three data directories' contents. Raises `TIMIT_LAYOUT` when
 * TRAIN or TEST is missing.
 */
export function importTimit(root: string, options: TimitOptions = {}): { train: DataDir; dev: DataDir; test: DataDir } {
  requireDir(root, 'TIMIT root');
  const o: Required<TimitOptions> = { tier: options.tier ?? 'phones', phoneSet: options.phoneSet ?? '61', includeSa: options.includeSa ?? false, sampleRate: options.sampleRate ?? 16000 };
  const train = findChild(root, 'train');
  const test = findChild(root, 'test');
  if (train === undefined || test === undefined) {
    throw new HibikiError('TIMIT_LAYOUT', 'expected TRAIN and TEST folders (TIMIT/TRAIN/DR1/FCJF0/SI1027.PHN ...)', { file: root, found: entries(root).map((e) => e.name).join(', ') });
  }
  const core = timitSpeakerList('core-test-speakers.txt');
  const dev = timitSpeakerList('dev-speakers.txt');
  return {
    train: buildDataDir(readPart(train, () => true, o)),
    dev: buildDataDir(readPart(test, (s) => dev.has(s), o)),
    test: buildDataDir(readPart(test, (s) => core.has(s), o)),
  };
}
