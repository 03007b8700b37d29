/**
 * `.lab` label files. Three timed forms exist in the wild, plus one that is not timed:
 * - `htk`: `start end label [score ...]`, times in 100 ns units (HTK); a `///` line separates
 *   label levels, of which the first is read;
 * - `seconds`: `start end label`, times in seconds (WaveSurfer, many aligners);
 * - `festival`: an optional header ending in a line `#`, then `end colour label` per line, times
 *   in seconds, each segment starting where the previous ended (the first at 0);
 * - `transcript`: Montreal Forced Aligner's `.lab`, one line of words (no times).
 * `auto` decides from the content: a `#` header line -> festival; a first field that is not a
 * number -> transcript; all times integers -> htk; integer second column with fractional first
 * column -> festival; otherwise seconds. Force the form when the guess is wrong (e.g. a
 * seconds file whose times are all whole numbers).
 */
import { HibikiError } from '../../errors.js';
import type { AlignedSegment } from '../datadir/types.js';
import { parseDecimal, splitLines, type TextLine } from '../datadir/text-file.js';

export type LabForm = 'htk' | 'seconds' | 'festival' | 'transcript';

export interface LabContents {
  form: LabForm;
  /** Timed forms: the segments (seconds). Empty for a transcript. */
  segments: AlignedSegment[];
  /** Transcript form: the words. */
  tokens: string[];
}

const INT = /^[+-]?\d+$/;

/** Guesses the form of a .lab file (see the module comment). */
export function detectLabForm(lines: TextLine[]): LabForm {
  if (lines.some((l) => l.text === '#')) return 'festival';
  const data = lines.filter((l) => l.text !== '///');
  const first = data[0];
  if (first === undefined) return 'seconds';
  if (parseDecimal(first.fields[0] ?? '') === undefined) return 'transcript';
  const c1Int = data.every((l) => INT.test(l.fields[0] ?? ''));
  const c2Int = data.every((l) => INT.test(l.fields[1] ?? ''));
  if (c1Int && c2Int) return 'htk';
  if (c2Int) return 'festival';
  return 'seconds';
}

function time(l: TextLine, index: number, file: string, what: string): number {
  const v = parseDecimal(l.fields[index] ?? '');
  if (v === undefined) throw new HibikiError('LAB_SYNTAX', `${what} is not a number`, { file, line: l.line, expected: 'a number', found: JSON.stringify(l.fields[index] ?? '') });
  return v;
}

function label(l: TextLine, index: number, file: string): string {
  const s = l.fields[index];
  if (s === undefined || s === ';') throw new HibikiError('LAB_SYNTAX', 'line has no label', { file, line: l.line, expected: 'a label after the times', found: l.text });
  return s;
}

/**
 * Parses a .lab file's text.
 * @param form the form, or 'auto' (default) to guess it
 * Raises `LAB_SYNTAX` (bad field) and `LAB_BAD_TIMES` (end before start, or times going back), with the line.
 */
export function parseLab(text: string, file = '<lab>', form: LabForm | 'auto' = 'auto'): LabContents {
  const lines = splitLines(text);
  if (lines[0]?.text.startsWith('#!MLF!#') === true) {
    throw new HibikiError('LAB_MLF_UNSUPPORTED', 'HTK master label files (MLF) are not read; split them into one .lab per audio file', { file, line: lines[0].line, expected: 'one .lab per audio file', found: '#!MLF!#' });
  }
  const f = form === 'auto' ? detectLabForm(lines) : form;
  if (f === 'transcript') return { form: f, segments: [], tokens: lines.flatMap((l) => l.fields) };
  const segments: AlignedSegment[] = [];
  if (f === 'festival') {
    const headerEnd = lines.findIndex((l) => l.text === '#');
    let prevEnd = 0;
    for (const l of lines.slice(headerEnd + 1)) {
      const end = time(l, 0, file, 'end time');
      const lab = label(l, 2, file);
      if (end < prevEnd) throw new HibikiError('LAB_BAD_TIMES', 'end time goes back', { file, line: l.line, expected: `>= ${prevEnd}`, found: String(end) });
      if (end > prevEnd) segments.push({ start: prevEnd, end, label: lab });
      prevEnd = end;
    }
    return { form: f, segments, tokens: [] };
  }
  const divisor = f === 'htk' ? 1e7 : 1; // division is correctly rounded: 2300000 / 1e7 === 0.23
  for (const l of lines) {
    if (l.text === '///') break; // HTK: further label levels follow
    const start = time(l, 0, file, 'start time');
    const end = time(l, 1, file, 'end time');
    const lab = label(l, 2, file);
    if (!(end > start) || start < 0) {
      throw new HibikiError('LAB_BAD_TIMES', 'segment is empty or negative', { file, line: l.line, expected: '0 <= start < end', found: `${l.fields[0]} ${l.fields[1]}` });
    }
    segments.push({ start: start / divisor, end: end / divisor, label: lab });
  }
  return { form: f, segments, tokens: [] };
}
