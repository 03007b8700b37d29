/**
 * Reading label and list files as text: byte-order marks (UTF-8, UTF-16 LE/BE, as Praat and
 * Windows tools write them), CRLF line ends, and whitespace-split fields with 1-based line numbers
 * so that every parse error can name its line.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { HibikiError } from '../../errors.js';

/** One non-blank line of a text file, with its 1-based line number and fields. */
export interface TextLine {
  /** 1-based line number in the file. */
  line: number;
  /** The line without its line end (and without surrounding whitespace). */
  text: string;
  /** `text` split on runs of whitespace (or on `separator` when one is given). */
  fields: string[];
}

/**
 * Decodes file bytes to a string: UTF-16 (LE or BE) when a byte-order mark says so, or when the
 * file has no BOM but looks like UTF-16 (every second byte zero in the first bytes, which is what
 * BOM-less UTF-16 of ASCII text looks like); UTF-8 otherwise, with a UTF-8 BOM removed.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (looksLikeUtf16(bytes, 1)) return new TextDecoder('utf-16le').decode(bytes);
  if (looksLikeUtf16(bytes, 0)) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

function looksLikeUtf16(bytes: Uint8Array, zeroParity: number): boolean {
  const n = Math.min(bytes.length - (bytes.length % 2), 64);
  if (n < 4) return false;
  for (let i = 0; i < n; i++) {
    const isZero = bytes[i] === 0;
    if ((i % 2 === zeroParity) !== isZero) return false;
  }
  return true;
}

/** Reads a whole text file (see `decodeText`). Missing files raise `FILE_NOT_FOUND`. */
export function readTextFile(path: string): string {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new HibikiError('FILE_NOT_FOUND', 'no such file', { file: path });
  }
  return decodeText(readFileSync(path));
}

/**
 * Splits text into non-blank lines with fields.
 * @param separator a field separator (e.g. '\t'); default: runs of whitespace
 * @param commentPrefix lines starting with it (after leading whitespace) are skipped; default none
 */
export function splitLines(text: string, options: { separator?: string | RegExp; commentPrefix?: string } = {}): TextLine[] {
  const out: TextLine[] = [];
  const raw = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < raw.length; i++) {
    const full = raw[i] ?? '';
    const trimmed = full.trim();
    if (trimmed === '') continue;
    if (options.commentPrefix !== undefined && trimmed.startsWith(options.commentPrefix)) continue;
    const fields = options.separator === undefined ? trimmed.split(/\s+/) : full.replace(/[\r\n]+$/, '').split(options.separator).map((f) => f.trim());
    out.push({ line: i + 1, text: trimmed, fields });
  }
  return out;
}

/**
 * Parses a decimal number field. Rejects empty strings, `NaN`, infinities and hex, which
 * `Number()` would accept or turn into 0.
 * @returns the number, or undefined when `s` is not a finite decimal number
 */
export function parseDecimal(s: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/** Like `parseDecimal` but raises `BAD_NUMBER` with file and line when the field is not a number. */
export function requireDecimal(s: string, what: string, file: string, line: number): number {
  const v = parseDecimal(s);
  if (v === undefined) {
    throw new HibikiError('BAD_NUMBER', `${what} is not a number`, { file, line, expected: 'a decimal number', found: JSON.stringify(s) });
  }
  return v;
}

/** Compares strings by UTF-16 code units: the byte order Kaldi's `LC_ALL=C sort` gives for ASCII ids. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
