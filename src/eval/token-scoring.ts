/**
 * Token, word and character error rates of hypothesis transcripts against references, with the
 * numbers NIST sclite reports for the same trn files:
 * - `word`: white-space tokens compared case-insensitively (ASCII letters), as plain `sclite`;
 * - `token`: white-space tokens compared exactly, as `sclite -s` (phones, sub-word units);
 * - `char`: every word split into characters, word boundaries dropped, case-insensitive, as
 *   `sclite -c` (`-c DH` with `deleteHyphens`).
 * Phone folding (e.g. TIMIT 61 -> 39) maps tokens before scoring; a phone mapped to nothing is
 * deleted from both sides.
 */
import { readFileSync } from 'node:fs';
import { HibikiError } from '../errors.js';
import { addCounts, alignSequences, countEdits, emptyCounts, type AlignmentStep, type EditCounts } from './edit-distance.js';
import type { TrnEntry } from './trn.js';

/** Scoring unit. */
export type TokenScoreMode = 'word' | 'char' | 'token';

/** Phone folding: token -> folded token, or `null` to delete the token. */
export type TokenFoldMap = ReadonlyMap<string, string | null>;

/** Options of {@link scoreTranscripts}. */
export interface TokenScoringOptions {
  /** Default 'word'. */
  mode?: TokenScoreMode;
  /** Applied to every token of both sides before splitting into units. */
  phoneMap?: TokenFoldMap;
  /** char mode only: remove '-' before splitting, as sclite `-c DH`. Default false. */
  deleteHyphens?: boolean;
}

/** Score of one utterance. `ref`/`hyp` are the compared units after folding and splitting. */
export interface UtteranceScore {
  id: string;
  /** sclite's speaker for `-i spu_id`: the id up to its first '_' (the whole id when none). */
  speaker: string;
  ref: string[];
  hyp: string[];
  steps: AlignmentStep[];
  counts: EditCounts;
}

/** Score of a corpus. */
export interface CorpusScore {
  mode: TokenScoreMode;
  utterances: UtteranceScore[];
  /** Sum over utterances. */
  total: EditCounts;
  /** Utterances with at least one error (sclite's S.Err numerator). */
  sentenceErrors: number;
  /** Per-speaker sums, speakers in first-appearance order. */
  speakers: { speaker: string; sentences: number; sentenceErrors: number; counts: EditCounts }[];
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** Turns one transcript into scoring units for `mode`. */
export function scoringUnits(tokens: readonly string[], options: TokenScoringOptions = {}): string[] {
  const mode = options.mode ?? 'word';
  let toks: string[] = [];
  if (options.phoneMap !== undefined) {
    for (const t of tokens) {
      const folded = options.phoneMap.has(t) ? options.phoneMap.get(t) : t;
      if (folded !== null && folded !== undefined) toks.push(folded);
    }
  } else {
    toks = [...tokens];
  }
  if (mode === 'token') return toks;
  if (mode === 'word') return toks.map(asciiLower);
  const chars: string[] = [];
  for (const t of toks) {
    const word = options.deleteHyphens === true ? t.replaceAll('-', '') : t;
    for (const ch of asciiLower(word)) chars.push(ch);
  }
  return chars;
}

/** Speaker of an utterance id as sclite's `-i spu_id` reads it. */
export function speakerOf(id: string): string {
  const k = id.indexOf('_');
  return k <= 0 ? id : id.slice(0, k);
}

/** Scores one utterance. */
export function scoreUtterance(id: string, ref: readonly string[], hyp: readonly string[], options: TokenScoringOptions = {}): UtteranceScore {
  const r = scoringUnits(ref, options);
  const h = scoringUnits(hyp, options);
  const steps = alignSequences(r, h);
  return { id, speaker: speakerOf(id), ref: r, hyp: h, steps, counts: countEdits(steps) };
}

/**
 * Scores hypotheses against references, matched by utterance id. Every reference utterance
 * needs a hypothesis and vice versa (an empty hypothesis is a line `(id)`), as sclite requires.
 * @param refSource,hypSource file names for error messages
 */
export function scoreTranscripts(
  refs: readonly TrnEntry[],
  hyps: readonly TrnEntry[],
  options: TokenScoringOptions = {},
  refSource = 'ref',
  hypSource = 'hyp',
): CorpusScore {
  const hypById = new Map(hyps.map((h) => [h.id, h]));
  const refIds = new Set(refs.map((r) => r.id));
  for (const h of hyps) {
    if (!refIds.has(h.id)) {
      throw new HibikiError('TRN_MISSING_UTTERANCE', 'hypothesis utterance has no reference', { file: refSource, utterance: h.id });
    }
  }
  const utterances: UtteranceScore[] = [];
  const total = emptyCounts();
  let sentenceErrors = 0;
  const bySpeaker = new Map<string, { speaker: string; sentences: number; sentenceErrors: number; counts: EditCounts }>();
  for (const r of refs) {
    const h = hypById.get(r.id);
    if (h === undefined) {
      throw new HibikiError('TRN_MISSING_UTTERANCE', 'reference utterance has no hypothesis', { file: hypSource, utterance: r.id });
    }
    const u = scoreUtterance(r.id, r.tokens, h.tokens, options);
    utterances.push(u);
    addCounts(total, u.counts);
    const wrong = u.counts.sub + u.counts.del + u.counts.ins > 0 ? 1 : 0;
    sentenceErrors += wrong;
    let s = bySpeaker.get(u.speaker);
    if (s === undefined) {
      s = { speaker: u.speaker, sentences: 0, sentenceErrors: 0, counts: emptyCounts() };
      bySpeaker.set(u.speaker, s);
    }
    s.sentences++;
    s.sentenceErrors += wrong;
    addCounts(s.counts, u.counts);
  }
  return { mode: options.mode ?? 'word', utterances, total, sentenceErrors, speakers: [...bySpeaker.values()] };
}

/**
 * Parses a phone map: one mapping a line, lines starting with `#` are comments. `from to` maps; `from` alone deletes the
 * phone; three or more columns (Kaldi's `phones.60-48-39.map`: 61, 48 and 39-phone sets) map
 * every earlier column to the last one, so one file folds both 61-phone and 48-phone output.
 */
export function parseTokenFoldMap(text: string, source = '<phone-map>'): Map<string, string | null> {
  const map = new Map<string, string | null>();
  const middle: { phone: string; target: string | null; line: number }[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] as string).trim();
    // Only whole-line comments: TIMIT's silence phone is `h#`.
    if (line.length === 0 || line.startsWith('#')) continue;
    const cols = line.split(/\s+/);
    const from = cols[0] as string;
    if (map.has(from)) {
      throw new HibikiError('PHONE_MAP_DUPLICATE', 'phone mapped twice', { file: source, line: n + 1, found: from });
    }
    const target = cols.length === 1 ? null : (cols[cols.length - 1] as string);
    map.set(from, target);
    for (let c = 1; c < cols.length - 1; c++) middle.push({ phone: cols[c] as string, target, line: n + 1 });
  }
  for (const m of middle) {
    const known = map.get(m.phone);
    if (known === undefined) map.set(m.phone, m.target);
    else if (known !== m.target) {
      throw new HibikiError('PHONE_MAP_CONFLICT', `phone '${m.phone}' folds to two targets`, {
        file: source,
        line: m.line,
        expected: String(known),
        found: String(m.target),
      });
    }
  }
  return map;
}

/** Reads a phone map file (see {@link parseTokenFoldMap}). */
export function readTokenFoldMap(path: string): Map<string, string | null> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new HibikiError('FILE_NOT_READABLE', 'cannot read phone map', { file: path, cause: e });
  }
  return parseTokenFoldMap(text, path);
}
