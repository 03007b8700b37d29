/**
 * What to extract: a Kaldi data directory (wav.scp, optional segments; src/data/datadir reads
 * it) or a wav list file (lines `utt path`, or just `path` with the file name as utterance id;
 * relative paths resolve against the list file's directory; shell pipes are refused: data is
 * never code).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { HibikiError } from '../../errors.js';
import { readDataDir } from '../datadir/index.js';
import type { ArchiveItem } from './types.js';

interface Line {
  fields: string[];
  line: number;
}

function readLines(path: string): Line[] {
  const out: Line[] = [];
  readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .forEach((text, i) => {
      const t = text.trim();
      if (t !== '' && !t.startsWith('#')) out.push({ fields: t.split(/\s+/), line: i + 1 });
    });
  return out;
}

function audioPath(base: string, p: string, file: string, line: number): string {
  if (p.endsWith('|') || p.startsWith('|')) {
    throw new HibikiError('WAVSCP_PIPE', 'shell pipes are not supported (data is never code)', {
      file,
      line,
      expected: 'a path to a WAV or SPHERE file',
      found: p,
    });
  }
  return isAbsolute(p) ? p : resolve(base, p);
}

/**
 * Items of a data directory (wav.scp + optional segments, read by `readDataDir`) or of a wav
 * list file.
 * @param allowOutside accept data-directory audio paths outside the directory (see readDataDir)
 * @throws HibikiError `FILE_NOT_FOUND`, `WAVSCP_INVALID`, `WAVSCP_PIPE`, `DUPLICATE_UTTERANCE`, or readDataDir's codes
 */
export function readArchiveItems(source: string, options: { allowOutside?: boolean } = {}): ArchiveItem[] {
  if (!existsSync(source)) throw new HibikiError('FILE_NOT_FOUND', 'no such data directory or wav list', { file: source });
  if (!statSync(source).isDirectory()) return readWavList(source);
  const data = readDataDir(source, options.allowOutside === true ? { allowOutside: true } : {});
  if (data.segments === undefined) return [...data.wavScp].map(([utt, path]) => ({ utt, path }));
  const items: ArchiveItem[] = [];
  for (const [utt, seg] of data.segments) {
    // readDataDir has already checked that every segment's recording is in wav.scp.
    items.push({ utt, path: data.wavScp.get(seg.recording)!, start: seg.start, end: seg.end });
  }
  return items;
}

function readWavList(path: string): ArchiveItem[] {
  const base = dirname(path);
  const items: ArchiveItem[] = [];
  const seen = new Set<string>();
  for (const { fields, line } of readLines(path)) {
    if (fields.length > 2) throw new HibikiError('WAVSCP_INVALID', 'bad wav list line', { file: path, line, expected: '<path> or <id> <path>', found: fields.join(' ') });
    const p = audioPath(base, fields[fields.length - 1]!, path, line);
    const utt = fields.length === 2 ? fields[0]! : basename(p, extname(p));
    if (seen.has(utt)) throw new HibikiError('DUPLICATE_UTTERANCE', 'utterance listed twice', { file: path, line, utterance: utt });
    seen.add(utt);
    items.push({ utt, path: p });
  }
  return items;
}
