/**
 * Praat TextGrid reader (long and short text formats; UTF-8 or UTF-16, as Praat writes them).
 * Both formats carry the same sequence of values; the long one only adds `name =` labels and
 * `item [1]:` headings. So one tokenizer keeps strings ("" escapes a quote), numbers and
 * `<flags>` and drops everything else, and one reader walks the value sequence. Montreal Forced
 * Aligner writes long-format TextGrids with tiers named 'words' and 'phones'.
 */
import { HibikiError } from '../../errors.js';
import type { AlignedSegment } from '../datadir/types.js';
import { readTextFile } from '../datadir/text-file.js';
import { readFileSync } from 'node:fs';

export interface TextGridInterval {
  xmin: number;
  xmax: number;
  text: string;
}
export interface TextGridPoint {
  time: number;
  mark: string;
}
export type TextGridTier =
  | { kind: 'interval'; name: string; xmin: number; xmax: number; intervals: TextGridInterval[] }
  | { kind: 'point'; name: string; xmin: number; xmax: number; points: TextGridPoint[] };
export interface TextGrid {
  xmin: number;
  xmax: number;
  tiers: TextGridTier[];
}

type Token = { kind: 'string' | 'number' | 'flag'; value: string; line: number };

function tokenize(text: string, file: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i] as string;
    if (ch === '\n') {
      line++;
      i++;
    } else if (ch === '"') {
      const startLine = line;
      let value = '';
      i++;
      for (;;) {
        if (i >= n) throw new HibikiError('TEXTGRID_SYNTAX', 'unterminated string', { file, line: startLine });
        const c = text[i] as string;
        if (c === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        value += c;
        i++;
      }
      out.push({ kind: 'string', value, line: startLine });
    } else if (ch === '<') {
      const end = text.indexOf('>', i);
      if (end < 0) throw new HibikiError('TEXTGRID_SYNTAX', "unterminated '<flag>'", { file, line });
      out.push({ kind: 'flag', value: text.slice(i + 1, end), line });
      i = end + 1;
    } else if (ch === '[') {
      const end = text.indexOf(']', i); // `item [1]:` headings of the long format
      i = end < 0 ? n : end + 1;
    } else if (ch === '!') {
      while (i < n && text[i] !== '\n') i++; // Praat comment
    } else if (/[0-9+\-.]/.test(ch)) {
      const m = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
      if (m === null) throw new HibikiError('TEXTGRID_SYNTAX', `unexpected '${ch}'`, { file, line });
      out.push({ kind: 'number', value: m[0], line });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      while (i < n && /[A-Za-z0-9_]/.test(text[i] as string)) i++; // labels like `xmin`, `intervals`
    } else {
      i++; // '=', ':', '?', whitespace
    }
  }
  return out;
}

class Reader {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly file: string,
  ) {}
  private next(kind: Token['kind'], what: string): Token {
    const t = this.tokens[this.pos];
    if (t === undefined) {
      const last = this.tokens[this.tokens.length - 1];
      throw new HibikiError('TEXTGRID_TRUNCATED', `file ends where ${what} was expected`, { file: this.file, ...(last ? { line: last.line } : {}), expected: what, found: 'end of file' });
    }
    if (t.kind !== kind) {
      throw new HibikiError('TEXTGRID_SYNTAX', `expected ${what}`, { file: this.file, line: t.line, expected: `${kind} (${what})`, found: t.kind === 'string' ? JSON.stringify(t.value) : t.value });
    }
    this.pos++;
    return t;
  }
  number(what: string): number {
    return Number(this.next('number', what).value);
  }
  count(what: string): number {
    const t = this.tokens[this.pos];
    const v = this.number(what);
    if (!Number.isInteger(v) || v < 0) throw new HibikiError('TEXTGRID_SYNTAX', `${what} must be a non-negative integer`, { file: this.file, ...(t ? { line: t.line } : {}), found: String(v) });
    return v;
  }
  string(what: string): Token {
    return this.next('string', what);
  }
  flag(): string {
    return this.next('flag', '<exists> or <absent>').value;
  }
}

/**
 * Parses TextGrid text. Raises `TEXTGRID_SYNTAX`, `TEXTGRID_TRUNCATED`, `TEXTGRID_NOT_TEXTGRID`,
 * `TEXTGRID_BAD_TIMES` (interval with xmax <= xmin, or intervals out of order), with the line.
 */
export function parseTextGrid(text: string, file = '<textgrid>'): TextGrid {
  const tokens = tokenize(text, file);
  if (tokens[0]?.kind !== 'string') {
    throw new HibikiError('TEXTGRID_NOT_TEXTGRID', 'not a Praat TextGrid text file', { file, line: tokens[0]?.line ?? 1, expected: 'File type = "ooTextFile"', found: tokens[0]?.value ?? 'no values' });
  }
  const r = new Reader(tokens, file);
  const fileType = r.string('"ooTextFile"');
  const objectClass = r.string('"TextGrid"');
  if (!fileType.value.startsWith('ooTextFile') || objectClass.value !== 'TextGrid') {
    throw new HibikiError('TEXTGRID_NOT_TEXTGRID', 'not a Praat TextGrid text file', { file, line: fileType.line, expected: 'File type = "ooTextFile", Object class = "TextGrid"', found: `${fileType.value} / ${objectClass.value}` });
  }
  const xmin = r.number('xmin');
  const xmax = r.number('xmax');
  const tiers: TextGridTier[] = [];
  if (r.flag() === 'exists') {
    const size = r.count('number of tiers');
    for (let t = 0; t < size; t++) tiers.push(readTier(r, file));
  }
  return { xmin, xmax, tiers };
}

function readTier(r: Reader, file: string): TextGridTier {
  const cls = r.string('tier class');
  const name = r.string('tier name').value;
  const xmin = r.number('tier xmin');
  const xmax = r.number('tier xmax');
  if (cls.value === 'IntervalTier') {
    const n = r.count('number of intervals');
    const intervals: TextGridInterval[] = [];
    for (let k = 0; k < n; k++) {
      const a = r.number('interval xmin');
      const b = r.number('interval xmax');
      const t = r.string('interval text');
      const prev = intervals[intervals.length - 1];
      if (!(b > a) || (prev !== undefined && a < prev.xmax - 1e-9)) {
        throw new HibikiError('TEXTGRID_BAD_TIMES', `interval ${k + 1} of tier '${name}' is empty or out of order`, { file, line: t.line, expected: 'xmin < xmax, in time order', found: `[${a}, ${b}]` });
      }
      intervals.push({ xmin: a, xmax: b, text: t.value });
    }
    return { kind: 'interval', name, xmin, xmax, intervals };
  }
  if (cls.value === 'TextTier') {
    const n = r.count('number of points');
    const points: TextGridPoint[] = [];
    for (let k = 0; k < n; k++) points.push({ time: r.number('point time'), mark: r.string('point mark').value });
    return { kind: 'point', name, xmin, xmax, points };
  }
  throw new HibikiError('TEXTGRID_SYNTAX', `unknown tier class '${cls.value}'`, { file, line: cls.line, expected: 'IntervalTier or TextTier', found: cls.value });
}

/** Reads a TextGrid file (UTF-8 or UTF-16 with or without BOM). Binary TextGrids raise `TEXTGRID_BINARY`. */
export function readTextGrid(path: string): TextGrid {
  const text = readTextFile(path);
  if (text.startsWith('ooBinaryFile') || readFileSync(path).subarray(0, 12).toString('latin1') === 'ooBinaryFile') {
    throw new HibikiError('TEXTGRID_BINARY', 'binary TextGrids are not supported; save as text file in Praat', { file: path });
  }
  return parseTextGrid(text, path);
}

export interface TextGridToAlignmentOptions {
  /** Tier name. Default: the only interval tier, else the one tier named 'phones' or '<speaker> - phones' (MFA). */
  tier?: string;
  /** Label for empty intervals (silence in MFA output); null drops them (leaving gaps). Default 'sil'. */
  emptyLabel?: string | null;
  /** For error messages. */
  file?: string;
}

/** Picks the interval tier `name` (or the default tier, see options) of a TextGrid. */
export function selectTier(tg: TextGrid, tier: string | undefined, file: string): Extract<TextGridTier, { kind: 'interval' }> {
  const names = tg.tiers.map((t) => t.name);
  let chosen: TextGridTier | undefined;
  if (tier !== undefined) {
    chosen = tg.tiers.find((t) => t.name === tier);
    if (chosen === undefined) throw new HibikiError('TEXTGRID_NO_TIER', `no tier named '${tier}'`, { file, expected: tier, found: names.join(', ') || 'no tiers' });
  } else {
    const intervalTiers = tg.tiers.filter((t) => t.kind === 'interval');
    // MFA names its tiers 'words'/'phones', or '<speaker> - words'/'<speaker> - phones' for multi-speaker corpora
    const phoneTiers = intervalTiers.filter((t) => t.name === 'phones' || t.name.endsWith(' - phones'));
    chosen = intervalTiers.length === 1 ? intervalTiers[0] : phoneTiers.length === 1 ? phoneTiers[0] : undefined;
    if (chosen === undefined) {
      throw new HibikiError('TEXTGRID_TIER_AMBIGUOUS', 'choose a tier by name (--tier)', { file, expected: "one interval tier, or one named 'phones' or '<speaker> - phones'", found: names.join(', ') || 'no tiers' });
    }
  }
  if (chosen.kind !== 'interval') throw new HibikiError('TEXTGRID_POINT_TIER', `tier '${chosen.name}' is a point tier; alignments need an interval tier`, { file, found: chosen.name });
  return chosen;
}

/**
 * An alignment from one interval tier. Whitespace inside labels becomes '_' (data-directory
 * labels are single tokens).
 */
export function textGridToAlignment(tg: TextGrid, options: TextGridToAlignmentOptions = {}): AlignedSegment[] {
  const tier = selectTier(tg, options.tier, options.file ?? '<textgrid>');
  const empty = options.emptyLabel === undefined ? 'sil' : options.emptyLabel;
  const out: AlignedSegment[] = [];
  for (const iv of tier.intervals) {
    const label = iv.text.trim().replace(/\s+/g, '_');
    if (label === '' && empty === null) continue;
    out.push({ start: iv.xmin, end: iv.xmax, label: label === '' ? (empty as string) : label });
  }
  return out;
}
