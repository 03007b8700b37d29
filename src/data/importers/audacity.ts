/**
 * Audacity label tracks (File > Export > Labels): `start<TAB>end<TAB>label` in seconds, a point
 * label having start == end, and for spectral selections an extra line `\<TAB>fmin<TAB>fmax`
 * (Hz) after the label it belongs to.
 */
import { HibikiError } from '../../errors.js';
import { parseDecimal, splitLines } from '../datadir/text-file.js';

export interface AudacityLabel {
  /** Seconds. */
  start: number;
  /** Seconds; equal to start for a point label. */
  end: number;
  /** May be empty (Audacity allows unnamed labels). */
  label: string;
  /** Spectral selection in Hz, when present. */
  lowHz?: number;
  highHz?: number;
}

/** True when every line looks like an Audacity label line (used to tell label tracks from transcripts). */
export function looksLikeAudacity(text: string): boolean {
  const lines = splitLines(text);
  return lines.length > 0 && lines.every((l) => {
    if (/^\\\t/.test(l.text)) return true;
    const f = l.text.split('\t');
    return f.length >= 2 && parseDecimal(f[0] ?? '') !== undefined && parseDecimal(f[1] ?? '') !== undefined;
  });
}

/** Parses a label track. Raises `AUDACITY_SYNTAX` and `AUDACITY_BAD_TIMES` with the line. */
export function parseAudacityLabels(text: string, file = '<labels>'): AudacityLabel[] {
  const out: AudacityLabel[] = [];
  for (const l of splitLines(text, { separator: '\t' })) {
    if (l.fields[0] === '\\') {
      const prev = out[out.length - 1];
      const lo = parseDecimal(l.fields[1] ?? '');
      const hi = parseDecimal(l.fields[2] ?? '');
      if (prev === undefined || lo === undefined || hi === undefined) {
        throw new HibikiError('AUDACITY_SYNTAX', 'frequency line must follow a label and hold two numbers', { file, line: l.line, expected: '\\<TAB>fmin<TAB>fmax', found: l.text });
      }
      prev.lowHz = lo;
      prev.highHz = hi;
      continue;
    }
    const start = parseDecimal(l.fields[0] ?? '');
    const end = parseDecimal(l.fields[1] ?? '');
    if (start === undefined || end === undefined) {
      throw new HibikiError('AUDACITY_SYNTAX', 'expected tab-separated start, end and label', { file, line: l.line, expected: 'start<TAB>end<TAB>label', found: l.text });
    }
    if (start < 0 || end < start) throw new HibikiError('AUDACITY_BAD_TIMES', 'label ends before it starts', { file, line: l.line, expected: '0 <= start <= end', found: `${start} ${end}` });
    out.push({ start, end, label: l.fields.slice(2).join(' ').trim() });
  }
  return out;
}
