/**
 * Event lists as sed_eval and DCASE write them: one event a line, tab-, comma- or
 * semicolon-separated, in one of these layouts:
 *   `onset offset label` (3), `file onset offset label` (4), `file scene onset offset label` (5),
 *   or a lone `file` (a file with no events). Times in seconds. A DCASE header line
 *   (`filename onset offset event_label`) is skipped. Labels may contain commas when the list is
 *   tab-separated (AudioSet names).
 */
import { readFileSync, existsSync } from 'node:fs';
import { HibikiError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic.js';

/** One event. `file` is '' for 3-column lists (a single recording). */
export interface EventItem {
  file: string;
  /** Seconds. */
  onset: number;
  /** Seconds. */
  offset: number;
  label: string;
}

/** A parsed list: its events, and every file it names (including files with no events), in order. */
export interface EventList {
  events: EventItem[];
  files: string[];
}

function pickDelimiter(lines: readonly string[]): string {
  const first = lines.find((l) => l.trim() !== '') ?? '';
  if (first.includes('\t')) return '\t';
  if (first.includes(';')) return ';';
  if (first.includes(',')) return ',';
  return '\t';
}

const isNumber = (s: string): boolean => s.trim() !== '' && Number.isFinite(Number(s.trim()));

/**
 * Parses event-list text.
 * @param source file name used in error messages
 */
export function parseEventList(text: string, source = '<event list>'): EventList {
  const lines = text.split(/\r?\n/);
  const delimiter = pickDelimiter(lines);
  const events: EventItem[] = [];
  const files: string[] = [];
  const seen = new Set<string>();
  const addFile = (f: string): void => {
    if (!seen.has(f)) {
      seen.add(f);
      files.push(f);
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const cols = raw.split(delimiter).map((c) => c.trim());
    while (cols.length > 1 && cols[cols.length - 1] === '') cols.pop();
    const where = { file: source, line: i + 1 };
    let file: string;
    let onsetText: string;
    let offsetText: string;
    let label: string;
    if (cols.length === 1) {
      addFile(cols[0]!);
      continue;
    } else if (cols.length === 3) {
      [onsetText, offsetText, label] = cols as [string, string, string];
      file = '';
    } else if (cols.length === 4) {
      [file, onsetText, offsetText, label] = cols as [string, string, string, string];
    } else if (cols.length === 5) {
      file = cols[0]!;
      [onsetText, offsetText, label] = [cols[2]!, cols[3]!, cols[4]!];
    } else {
      throw new HibikiError('EVENT_LIST_COLUMNS', 'wrong number of columns', {
        ...where,
        expected: '1, 3 (onset offset label), 4 (file onset offset label) or 5 (file scene onset offset label)',
        found: `${cols.length}`,
      });
    }
    if (!isNumber(onsetText) || !isNumber(offsetText)) {
      if (events.length === 0 && files.length === 0) continue; // header line
      throw new HibikiError('EVENT_LIST_TIME', 'onset and offset must be numbers (seconds)', { ...where, expected: 'numbers', found: `${onsetText} ${offsetText}` });
    }
    const onset = Number(onsetText);
    const offset = Number(offsetText);
    if (offset < onset || onset < 0) {
      throw new HibikiError('EVENT_LIST_TIME', 'event must satisfy 0 <= onset <= offset', { ...where, expected: '0 <= onset <= offset', found: `${onset} ${offset}` });
    }
    if (label === '') throw new HibikiError('EVENT_LIST_LABEL', 'empty event label', { ...where, expected: 'a label', found: '""' });
    addFile(file);
    events.push({ file, onset, offset, label });
  }
  return { events, files };
}

/** Reads an event-list file (see parseEventList). */
export function readEventList(path: string): EventList {
  if (!existsSync(path)) throw new HibikiError('FILE_NOT_FOUND', 'no such event list', { file: path });
  return parseEventList(readFileSync(path, 'utf8'), path);
}

/**
 * Writes a DCASE event list (`filename<TAB>onset<TAB>offset<TAB>event_label`, with header),
 * atomically. Times are written with millisecond precision.
 */
export function writeEventList(path: string, events: readonly EventItem[]): void {
  let text = 'filename\tonset\toffset\tevent_label\n';
  for (const e of events) text += `${e.file}\t${e.onset.toFixed(3)}\t${e.offset.toFixed(3)}\t${e.label}\n`;
  writeFileAtomic(path, text);
}

/** Sorted unique labels (code-point order, as Python's sorted()). */
export function uniqueLabels(events: readonly EventItem[]): string[] {
  return [...new Set(events.map((e) => e.label))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Events of one file. */
export function eventsOfFile(events: readonly EventItem[], file: string): EventItem[] {
  return events.filter((e) => e.file === file);
}
