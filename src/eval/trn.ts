/**
 * NIST sclite "trn" transcripts: one utterance a line, `tok1 tok2 ... (utt-id)`.
 * hibiki writes hyp.trn / ref.trn with these functions and `hibiki score tokens` reads them.
 * sclite's optional-deletion `(word)` and alternation `{ a / b }` syntax is not supported: such
 * tokens are rejected rather than silently scored differently from sclite.
 */
import { readFileSync } from 'node:fs';
import { HibikiError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';

/** One transcript line. */
export interface TrnEntry {
  /** Utterance id, written inside the trailing parentheses. */
  id: string;
  /** Tokens (words, characters, phones...), none empty, none containing white space. */
  tokens: string[];
}

const WHITESPACE = /\s/;

function checkToken(token: string, where: { file?: string; line?: number; utterance?: string }): void {
  if (token.length === 0 || WHITESPACE.test(token) || /^[({]/.test(token) || token.includes(')') || token === '/' || token === '}') {
    throw new HibikiError('TRN_BAD_TOKEN', 'token not allowed in a trn transcript', {
      ...where,
      expected: 'a non-empty token without white space, parentheses or sclite alternation syntax',
      found: JSON.stringify(token),
    });
  }
}

function checkId(id: string, where: { file?: string; line?: number }): void {
  if (id.length === 0 || WHITESPACE.test(id) || id.includes('(') || id.includes(')')) {
    throw new HibikiError('TRN_BAD_ID', 'bad utterance id', {
      ...where,
      expected: 'a non-empty id without white space or parentheses',
      found: JSON.stringify(id),
    });
  }
}

/** Formats one trn line (without the newline): `tok1 tok2 (id)`, or `(id)` for no tokens. */
export function formatTrnLine(entry: TrnEntry): string {
  checkId(entry.id, {});
  for (const t of entry.tokens) checkToken(t, { utterance: entry.id });
  return entry.tokens.length === 0 ? `(${entry.id})` : `${entry.tokens.join(' ')} (${entry.id})`;
}

/** Formats a whole trn file, one line per entry in the given order, newline-terminated. */
export function formatTrn(entries: readonly TrnEntry[]): string {
  return entries.map((e) => formatTrnLine(e) + '\n').join('');
}

/**
 * Trn entries from decoded token indices (e.g. CTC hypotheses), mapping indices to labels with
 * `label` (typically a vocabulary's `label(i)`).
 * @param ids utterance ids, same order and length as `hyps`
 */
export function trnEntriesFromIndices(
  ids: readonly string[],
  hyps: ReadonlyArray<{ tokens: ArrayLike<number> }>,
  label: (index: number) => string,
): TrnEntry[] {
  if (ids.length !== hyps.length) {
    throw new HibikiError('TRN_BAD_INPUT', 'one utterance id per hypothesis', { expected: String(hyps.length), found: String(ids.length) });
  }
  return hyps.map((h, i) => ({ id: ids[i] as string, tokens: Array.from(h.tokens, (k) => label(k)) }));
}

/** Writes a trn file atomically. Duplicate ids are an error (sclite would refuse them too). */
export function writeTrn(path: string, entries: readonly TrnEntry[]): void {
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.id)) {
      throw new HibikiError('TRN_DUPLICATE_ID', 'utterance id appears twice', { file: path, utterance: e.id });
    }
    seen.add(e.id);
  }
  writeFileAtomic(path, formatTrn(entries));
}

/**
 * Parses trn text. Blank lines and lines starting with `;;` (sclite comments) are skipped.
 * @param source file name used in error messages
 */
export function parseTrn(text: string, source = '<trn>'): TrnEntry[] {
  const entries: TrnEntry[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] as string).trim();
    if (line.length === 0 || line.startsWith(';;')) continue;
    const where = { file: source, line: n + 1 };
    const open = line.lastIndexOf('(');
    if (!line.endsWith(')') || open < 0) {
      throw new HibikiError('TRN_BAD_LINE', 'trn line must end with the utterance id in parentheses', {
        ...where,
        expected: 'tok1 tok2 ... (utt-id)',
        found: line.length > 80 ? line.slice(0, 77) + '...' : line,
      });
    }
    const id = line.slice(open + 1, -1).trim();
    checkId(id, where);
    if (seen.has(id)) throw new HibikiError('TRN_DUPLICATE_ID', 'utterance id appears twice', { ...where, utterance: id });
    seen.add(id);
    const body = line.slice(0, open).trim();
    const tokens = body.length === 0 ? [] : body.split(/\s+/);
    for (const t of tokens) checkToken(t, { ...where, utterance: id });
    entries.push({ id, tokens });
  }
  return entries;
}

/** Reads a trn file (UTF-8). */
export function readTrn(path: string): TrnEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new HibikiError('FILE_NOT_READABLE', 'cannot read trn file', { file: path, cause: e });
  }
  return parseTrn(text, path);
}
