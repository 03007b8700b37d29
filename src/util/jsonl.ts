/** JSON Lines: one JSON value per line. Used for logs, indexes and reports. */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { HibikiError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';

/** Appends one record as a line. Appends of one line are not torn by a crash in practice; readers skip a torn last line. */
export function appendJsonl(path: string, record: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, JSON.stringify(record) + '\n');
}

/** Writes all records atomically (temp + rename). */
export function writeJsonl(path: string, records: Iterable<unknown>): void {
  let text = '';
  for (const r of records) text += JSON.stringify(r) + '\n';
  writeFileAtomic(path, text);
}

/**
 * Reads every record. A malformed line raises `JSONL_PARSE` with file and line, except a torn
 * final line (no trailing newline) when `tolerateTornTail` is set, which is dropped: that is what
 * a killed appender leaves behind.
 */
export function readJsonl<T = unknown>(path: string, options: { tolerateTornTail?: boolean } = {}): T[] {
  if (!existsSync(path)) throw new HibikiError('FILE_NOT_FOUND', 'no such file', { file: path });
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const out: T[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch (cause) {
      const isTornTail = i === lines.length - 1 && !text.endsWith('\n');
      if (isTornTail && options.tolerateTornTail === true) break;
      throw new HibikiError('JSONL_PARSE', 'line is not valid JSON', {
        file: path,
        line: i + 1,
        expected: 'one JSON value per line',
        found: line.length > 60 ? line.slice(0, 60) + '...' : line,
        cause,
      });
    }
  }
  return out;
}
