/**
 * Parsing a data directory into a `DataDir` plus a list of findings (problems with file and
 * line). `readDataDir` throws the first error; `validateDataDir` (validate.ts) reports them all.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { HibikiError, isHibikiError } from '../../errors.js';
import { outsidePathsAllowedByEnv, resolveDataPath } from './paths.js';
import { parseDecimal, readTextFile, splitLines, type TextLine } from './text-file.js';
import type { AlignedSegment, DataDir, EventSpan, Finding, Segment } from './types.js';

/** Options of `readDataDir` / `parseDataDir`. */
export interface ReadDataDirOptions {
  /** Accept wav.scp paths that are absolute or leave the data directory. Default false (or HIBIKI_ALLOW_OUTSIDE_PATHS=1). */
  allowOutside?: boolean;
}

/** Line numbers of parsed entries, so later checks can point at the line. */
export interface DataDirLines {
  wavScp: Map<string, number>;
  segments: Map<string, number>;
  text: Map<string, number>;
  /** Per utterance, the line of each segment in the order of `DataDir.alignment`. */
  alignment: Map<string, number[]>;
  /** Per key of `DataDir.events`, the line of each event in order. */
  events: Map<string, number[]>;
}

/** A parsed data directory and what was wrong with it. */
export interface ParsedDataDir {
  dir: string;
  data: DataDir;
  findings: Finding[];
  lines: DataDirLines;
}

/** Data-directory file names. */
export const DATA_FILES = { wavScp: 'wav.scp', segments: 'segments', utt2spk: 'utt2spk', text: 'text', alignment: 'alignment', events: 'events.tsv' } as const;

class Collector {
  readonly findings: Finding[] = [];
  error(code: string, file: string, line: number | undefined, message: string, utterance?: string): void {
    this.add('error', code, file, line, message, utterance);
  }
  warn(code: string, file: string, line: number | undefined, message: string, utterance?: string): void {
    this.add('warning', code, file, line, message, utterance);
  }
  private add(severity: Finding['severity'], code: string, file: string, line: number | undefined, message: string, utterance?: string): void {
    const f: Finding = { severity, code, file, message };
    if (line !== undefined) f.line = line;
    if (utterance !== undefined) f.utterance = utterance;
    this.findings.push(f);
  }
}

/** Reads `dir/name` as lines, or undefined when the file does not exist. */
function linesOf(dir: string, name: string): TextLine[] | undefined {
  const path = join(dir, name);
  if (!existsSync(path)) return undefined;
  return splitLines(readTextFile(path));
}

/**
 * Reads a keyed file (`id rest...`): checks field counts, duplicate ids (error) and sort order
 * (warning, once per file), and calls `take` for each well-formed line.
 */
function readKeyed(c: Collector, file: string, lines: TextLine[], minFields: number, maxFields: number, take: (id: string, l: TextLine) => void): void {
  const seen = new Set<string>();
  let prev: string | undefined;
  let unsortedReported = false;
  for (const l of lines) {
    const id = l.fields[0] ?? '';
    if (l.fields.length < minFields || l.fields.length > maxFields) {
      const expected = minFields === maxFields ? `${minFields}` : maxFields === Infinity ? `at least ${minFields}` : `${minFields} to ${maxFields}`;
      c.error('MALFORMED_LINE', file, l.line, `expected ${expected} fields, found ${l.fields.length}`, id);
      continue;
    }
    if (seen.has(id)) {
      c.error('DUPLICATE_ID', file, l.line, `id '${id}' appears more than once`, id);
      continue;
    }
    if (prev !== undefined && id < prev && !unsortedReported) {
      c.warn('UNSORTED_IDS', file, l.line, `ids are not sorted ('${id}' after '${prev}'); Kaldi tools need C-locale order (hibiki's writer sorts)`, id);
      unsortedReported = true;
    }
    seen.add(id);
    prev = id;
    take(id, l);
  }
}

/** Parses field `index` of `l` as a number, recording BAD_NUMBER when it is not one. */
function numberField(c: Collector, file: string, l: TextLine, index: number, what: string, utt: string): number | undefined {
  const v = parseDecimal(l.fields[index] ?? '');
  if (v === undefined) c.error('BAD_NUMBER', file, l.line, `${what} '${l.fields[index] ?? ''}' is not a number`, utt);
  return v;
}

/**
 * Parses every file of a data directory. Never throws for content problems: they become findings.
 * Raises `DATA_DIR_NOT_FOUND` when `dir` is not a directory.
 */
export function parseDataDir(dir: string, options: ReadDataDirOptions = {}): ParsedDataDir {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new HibikiError('DATA_DIR_NOT_FOUND', 'not a directory', { file: dir });
  }
  const allowOutside = options.allowOutside ?? outsidePathsAllowedByEnv();
  const c = new Collector();
  const data: DataDir = { wavScp: new Map() };
  const lines: DataDirLines = { wavScp: new Map(), segments: new Map(), text: new Map(), alignment: new Map(), events: new Map() };

  const wav = linesOf(dir, DATA_FILES.wavScp);
  if (wav === undefined) c.error('MISSING_FILE', DATA_FILES.wavScp, undefined, 'a data directory needs wav.scp');
  else {
    readKeyed(c, DATA_FILES.wavScp, wav, 2, Infinity, (id, l) => {
      const path = l.text.slice(id.length).trim();
      try {
        data.wavScp.set(id, resolveDataPath(dir, path, { file: DATA_FILES.wavScp, line: l.line, utterance: id }, allowOutside));
        lines.wavScp.set(id, l.line);
      } catch (e) {
        if (!isHibikiError(e)) throw e;
        c.error(e.code, DATA_FILES.wavScp, l.line, e.code === 'WAV_SCP_PIPE' ? 'shell pipes are not allowed (data is never code)' : `path '${path}' leaves the data directory (allow with --allow-outside-paths)`, id);
      }
    });
  }

  const seg = linesOf(dir, DATA_FILES.segments);
  if (seg !== undefined) {
    const segments = new Map<string, Segment>();
    readKeyed(c, DATA_FILES.segments, seg, 4, 4, (id, l) => {
      const start = numberField(c, DATA_FILES.segments, l, 2, 'start', id);
      const end = numberField(c, DATA_FILES.segments, l, 3, 'end', id);
      if (start === undefined || end === undefined) return;
      const recording = l.fields[1] ?? '';
      if (start < 0 || (end > 0 && end <= start)) {
        c.error('BAD_TIMES', DATA_FILES.segments, l.line, `segment [${start}, ${end}] is empty or negative`, id);
        return;
      }
      if (wav !== undefined && !data.wavScp.has(recording) && !wav.some((w) => w.fields[0] === recording)) {
        c.error('UNKNOWN_RECORDING', DATA_FILES.segments, l.line, `recording '${recording}' is not in wav.scp`, id);
      }
      segments.set(id, { recording, start, end: end <= 0 ? -1 : end });
      lines.segments.set(id, l.line);
    });
    data.segments = segments;
  }

  const spk = linesOf(dir, DATA_FILES.utt2spk);
  if (spk !== undefined) {
    const utt2spk = new Map<string, string>();
    readKeyed(c, DATA_FILES.utt2spk, spk, 2, 2, (id, l) => utt2spk.set(id, l.fields[1] ?? ''));
    data.utt2spk = utt2spk;
  }

  const txt = linesOf(dir, DATA_FILES.text);
  if (txt !== undefined) {
    const text = new Map<string, string[]>();
    readKeyed(c, DATA_FILES.text, txt, 1, Infinity, (id, l) => {
      text.set(id, l.fields.slice(1));
      lines.text.set(id, l.line);
      if (l.fields.length === 1) c.warn('EMPTY_TRANSCRIPT', DATA_FILES.text, l.line, 'empty transcript (CTC cannot learn from it)', id);
    });
    data.text = text;
  }

  const ali = linesOf(dir, DATA_FILES.alignment);
  if (ali !== undefined) data.alignment = parseAlignment(c, ali, lines.alignment);

  const ev = linesOf(dir, DATA_FILES.events);
  if (ev !== undefined) data.events = parseEvents(c, ev, data.wavScp, lines.events);

  return { dir, data, findings: c.findings, lines };
}

function parseAlignment(c: Collector, ali: TextLine[], lineMap: Map<string, number[]>): Map<string, AlignedSegment[]> {
  const file = DATA_FILES.alignment;
  const raw = new Map<string, { seg: AlignedSegment; line: number }[]>();
  for (const l of ali) {
    const utt = l.fields[0] ?? '';
    if (l.fields.length !== 4) {
      c.error('MALFORMED_LINE', file, l.line, `expected 4 fields (utt-id start end label), found ${l.fields.length}`, utt);
      continue;
    }
    const start = numberField(c, file, l, 1, 'start', utt);
    const end = numberField(c, file, l, 2, 'end', utt);
    if (start === undefined || end === undefined) continue;
    if (start < 0 || end <= start) {
      c.error('BAD_TIMES', file, l.line, `segment [${start}, ${end}] is empty or negative`, utt);
      continue;
    }
    let list = raw.get(utt);
    if (list === undefined) raw.set(utt, (list = []));
    const last = list[list.length - 1];
    if (last !== undefined && start < last.seg.start) {
      c.warn('UNSORTED_SEGMENTS', file, l.line, `segment starts at ${start}, before the previous one (${last.seg.start}); sorted on reading`, utt);
    }
    list.push({ seg: { start, end, label: l.fields[3] ?? '' }, line: l.line });
  }
  const out = new Map<string, AlignedSegment[]>();
  for (const [utt, list] of [...raw].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    list.sort((a, b) => a.seg.start - b.seg.start || a.line - b.line);
    out.set(utt, list.map((x) => x.seg));
    lineMap.set(utt, list.map((x) => x.line));
  }
  return out;
}

const EVENT_HEADER = /^(filename|file|audio_?file|filepath)$/i;

/** Maps an events.tsv filename to a wav.scp key: the id itself, or the unique id whose path has that basename. */
function eventKeyResolver(wavScp: Map<string, string>): (name: string) => string | undefined {
  const byBase = new Map<string, string | null>();
  for (const [id, path] of wavScp) {
    const b = basename(path);
    byBase.set(b, byBase.has(b) ? null : id);
  }
  return (name) => {
    if (wavScp.has(name)) return name;
    const hit = byBase.get(basename(name));
    return hit === null ? undefined : hit;
  };
}

function parseEvents(c: Collector, ev: TextLine[], wavScp: Map<string, string>, lineMap: Map<string, number[]>): Map<string, EventSpan[]> {
  const file = DATA_FILES.events;
  const resolveKey = eventKeyResolver(wavScp);
  const raw = new Map<string, { span: EventSpan; line: number }[]>();
  ev.forEach((l, i) => {
    const fields = l.text.includes('\t') ? l.text.split('\t').map((f) => f.trim()) : l.fields;
    const name = fields[0] ?? '';
    if (i === 0 && EVENT_HEADER.test(name)) return;
    const key = resolveKey(name);
    if (key === undefined) {
      c.error('UNKNOWN_FILE', file, l.line, `file '${name}' matches no wav.scp id or audio basename`, name);
      return;
    }
    let list = raw.get(key);
    if (list === undefined) raw.set(key, (list = []));
    if (fields.slice(1).every((f) => f === '')) return; // a file listed without events
    if (fields.length !== 4) {
      c.error('MALFORMED_LINE', file, l.line, `expected 4 fields (filename onset offset event_label), found ${fields.length}`, key);
      return;
    }
    const onset = parseDecimal(fields[1] ?? '');
    const offset = parseDecimal(fields[2] ?? '');
    if (onset === undefined || offset === undefined) {
      c.error('BAD_NUMBER', file, l.line, `onset/offset '${fields[1] ?? ''}'/'${fields[2] ?? ''}' are not numbers`, key);
      return;
    }
    if (onset < 0 || offset <= onset) {
      c.error('BAD_TIMES', file, l.line, `event [${onset}, ${offset}] is empty or negative`, key);
      return;
    }
    list.push({ span: { onset, offset, label: fields[3] ?? '' }, line: l.line });
  });
  const out = new Map<string, EventSpan[]>();
  for (const [key, list] of [...raw].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    list.sort((a, b) => a.span.onset - b.span.onset || a.line - b.line);
    out.set(key, list.map((x) => x.span));
    lineMap.set(key, list.map((x) => x.line));
  }
  return out;
}

/**
 * Reads a data directory. Raises the first error-level problem as a `HibikiError` (its code is
 * the finding's code: MALFORMED_LINE, DUPLICATE_ID, BAD_NUMBER, BAD_TIMES, WAV_SCP_PIPE,
 * PATH_OUTSIDE_DATA_DIR, UNKNOWN_RECORDING, UNKNOWN_FILE, MISSING_FILE). Warnings are ignored;
 * run `validateDataDir` for the full list and for checks that need the audio.
 */
export function readDataDir(dir: string, options: ReadDataDirOptions = {}): DataDir {
  const parsed = parseDataDir(dir, options);
  const first = parsed.findings.find((f) => f.severity === 'error');
  if (first !== undefined) {
    const details: { file: string; line?: number; utterance?: string } = { file: join(dir, first.file) };
    if (first.line !== undefined) details.line = first.line;
    if (first.utterance !== undefined) details.utterance = first.utterance;
    throw new HibikiError(first.code, first.message, details);
  }
  return parsed.data;
}
