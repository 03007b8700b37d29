/**
 * sed_eval / DCASE event lists. Fields are separated by tabs, commas or semicolons (whichever the
 * first line uses; whitespace when none), with 3, 4 or 5 columns:
 * - `onset offset label` (one file's events),
 * - `filename onset offset label`,
 * - `filename scene_label onset offset label`.
 * A header line (`onset`, `event_onset`, `filename`... in the onset column) is skipped. In the 4-
 * and 5-column forms a line with only the file name (and empty fields) lists a file without events.
 */
import { HibikiError } from '../../errors.js';
import { parseDecimal, splitLines, type TextLine } from '../datadir/text-file.js';

export interface DcaseEventRow {
  /** 1-based line in the list. */
  line: number;
  /** Absent in the 3-column form. */
  filename?: string;
  scene?: string;
  /** Seconds; absent (with offset and label) for a file listed without events. */
  onset?: number;
  offset?: number;
  label?: string;
}

export interface DcaseEventList {
  columns: 3 | 4 | 5;
  separator: string;
  rows: DcaseEventRow[];
}

function detectSeparator(first: string): string {
  for (const s of ['\t', ';', ',']) if (first.includes(s)) return s;
  return ' ';
}

const HEADER_WORD = /^(onset|event_?onset|start|filename|file|filepath|audio_?file|scene_?label)$/i;

/**
 * Parses an event list. Raises `EVENTS_SYNTAX` (wrong column count, bad number) and
 * `EVENTS_BAD_TIMES` (offset <= onset, negative onset), with the line.
 * @param columns force a column count; default: from the first data line
 */
export function parseDcaseEventList(text: string, file = '<events>', columns?: 3 | 4 | 5): DcaseEventList {
  const raw = text.split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? '';
  const separator = detectSeparator(raw);
  const lines: TextLine[] = separator === ' ' ? splitLines(text) : splitLines(text, { separator });
  const first = lines[0];
  let body = lines;
  if (first !== undefined && first.fields.some((f) => HEADER_WORD.test(f))) body = lines.slice(1);
  const cols = columns ?? (body[0]?.fields.length ?? 4);
  if (cols !== 3 && cols !== 4 && cols !== 5) {
    throw new HibikiError('EVENTS_SYNTAX', 'event lists have 3, 4 or 5 columns', { file, line: body[0]?.line ?? 1, expected: '3, 4 or 5', found: String(cols) });
  }
  const rows: DcaseEventRow[] = [];
  for (const l of body) {
    const f = l.fields;
    const nonEmpty = f.filter((x) => x !== '').length;
    if (cols > 3 && nonEmpty <= (cols === 5 ? 2 : 1) && (f[0] ?? '') !== '') {
      const row: DcaseEventRow = { line: l.line, filename: f[0] ?? '' };
      if (cols === 5 && (f[1] ?? '') !== '') row.scene = f[1] ?? '';
      rows.push(row);
      continue;
    }
    if (f.length !== cols) {
      throw new HibikiError('EVENTS_SYNTAX', `expected ${cols} columns`, { file, line: l.line, expected: String(cols), found: String(f.length) });
    }
    const o = cols - 3;
    const onset = parseDecimal(f[o] ?? '');
    const offset = parseDecimal(f[o + 1] ?? '');
    if (onset === undefined || offset === undefined) {
      throw new HibikiError('EVENTS_SYNTAX', 'onset and offset must be numbers (seconds)', { file, line: l.line, expected: 'numbers', found: `${f[o] ?? ''} ${f[o + 1] ?? ''}` });
    }
    if (onset < 0 || offset <= onset) {
      throw new HibikiError('EVENTS_BAD_TIMES', 'event is empty or negative', { file, line: l.line, expected: '0 <= onset < offset', found: `${onset} ${offset}` });
    }
    const label = f[o + 2] ?? '';
    if (label === '') throw new HibikiError('EVENTS_SYNTAX', 'event has no label', { file, line: l.line, expected: 'a label', found: 'empty field' });
    const row: DcaseEventRow = { line: l.line, onset, offset, label };
    if (cols >= 4) row.filename = f[0] ?? '';
    if (cols === 5) row.scene = f[1] ?? '';
    rows.push(row);
  }
  return { columns: cols, separator, rows };
}
