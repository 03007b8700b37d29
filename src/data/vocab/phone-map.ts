/**
 * Phone-map folding (TIMIT 61 -> 48 -> 39 and the like). A map file has one source phone per line
 * and its images in further columns (Kaldi's `phones.60-48-39.map` layout); a line with fewer
 * columns than the one asked for means "delete this phone" (TIMIT's glottal stop `q`). `#` starts
 * a comment line.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HibikiError } from '../../errors.js';
import type { AlignedSegment } from '../datadir/types.js';
import { readTextFile, splitLines } from '../datadir/text-file.js';

/** Source phone -> target phone, or null when the phone is deleted. */
export type PhoneMap = Map<string, string | null>;

/**
 * Reads columns `from` -> `to` (0-based) of a phone-map file. A source listed twice must map to
 * the same target (`PHONE_MAP_CONFLICT` otherwise), which lets 48 -> 39 be read from the 61-row file.
 */
export function readPhoneMap(path: string, from: number, to: number): PhoneMap {
  const map: PhoneMap = new Map();
  for (const l of splitLines(readTextFile(path), { commentPrefix: '#' })) {
    const src = l.fields[from];
    if (src === undefined) {
      if (from === 0) throw new HibikiError('MALFORMED_LINE', 'phone-map line has no source column', { file: path, line: l.line });
      continue; // a deleted phone has no entry in later columns
    }
    const dst = l.fields[to] ?? null;
    if (map.has(src) && map.get(src) !== dst) {
      throw new HibikiError('PHONE_MAP_CONFLICT', `phone '${src}' maps to two targets`, { file: path, line: l.line, expected: String(map.get(src)), found: String(dst) });
    }
    map.set(src, dst);
  }
  return map;
}

/** Directory of the shipped data files (`data/` of the package), found by walking up from this module. */
export function shippedDataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'data', 'phone-maps'))) return join(dir, 'data');
    dir = dirname(dir);
  }
  throw new HibikiError('SHIPPED_DATA_NOT_FOUND', "cannot find hibiki's data/phone-maps directory", { expected: 'data/phone-maps beside package.json' }, 1);
}

/** The TIMIT phone sets of the shipped map. */
export type TimitPhoneSet = '61' | '48' | '39';

/** The shipped TIMIT map (data/phone-maps/timit-61-48-39.map) from one phone set to a smaller one. */
export function timitPhoneMap(from: TimitPhoneSet, to: TimitPhoneSet): PhoneMap {
  const col: Record<TimitPhoneSet, number> = { '61': 0, '48': 1, '39': 2 };
  if (col[to] < col[from]) throw new HibikiError('BAD_PHONE_SET', 'phone maps only fold to smaller sets', { expected: 'from 61 to 48/39 or 48 to 39', found: `${from} -> ${to}` });
  return readPhoneMap(join(shippedDataDir(), 'phone-maps', 'timit-61-48-39.map'), col[from], col[to]);
}

function mapOne(map: PhoneMap, label: string, utterance: string | undefined, onMissing: 'error' | 'keep'): string | null {
  const m = map.get(label);
  if (m !== undefined) return m;
  if (onMissing === 'keep') return label;
  throw new HibikiError('UNKNOWN_LABEL', `phone '${label}' is not in the phone map`, { ...(utterance === undefined ? {} : { utterance }), found: label });
}

export interface FoldOptions {
  /** Labels missing from the map: 'error' (default) or 'keep' them unchanged. */
  onMissing?: 'error' | 'keep';
  /** For error messages. */
  utterance?: string;
}

/** Folds a token sequence; deleted phones are dropped. */
export function foldTokens(tokens: readonly string[], map: PhoneMap, options: FoldOptions = {}): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    const m = mapOne(map, t, options.utterance, options.onMissing ?? 'error');
    if (m !== null) out.push(m);
  }
  return out;
}

/**
 * Folds an alignment. A deleted phone's time goes to the segment before it (to the one after it
 * when it is first), so the alignment keeps covering the audio; contiguous segments that end up
 * with the same label are merged (a boundary between two equal labels is no boundary).
 */
export function foldAlignment(segments: readonly AlignedSegment[], map: PhoneMap, options: FoldOptions = {}): AlignedSegment[] {
  const out: AlignedSegment[] = [];
  let pendingStart: number | undefined; // start of deleted phones at the very beginning
  for (const s of segments) {
    const m = mapOne(map, s.label, options.utterance, options.onMissing ?? 'error');
    const last = out[out.length - 1];
    if (m === null) {
      if (last !== undefined && Math.abs(last.end - s.start) < 1e-9) last.end = s.end;
      else if (last === undefined) pendingStart ??= s.start;
      continue;
    }
    const start = pendingStart ?? s.start;
    pendingStart = undefined;
    if (last !== undefined && last.label === m && Math.abs(last.end - start) < 1e-9) last.end = s.end;
    else out.push({ start, end: s.end, label: m });
  }
  return out;
}
