/** Shared pieces of the importers: finding audio files, utterance ids, assembling a DataDir. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { HibikiError } from '../../errors.js';
import { compareIds } from '../datadir/text-file.js';
import type { AlignedSegment, DataDir, EventSpan } from '../datadir/types.js';

/** Audio extensions the audio layer reads (WAV and NIST SPHERE), lower case. */
export const AUDIO_EXTENSIONS = new Set(['.wav', '.sph']);

/** One utterance found by an importer. */
export interface ImportedUtterance {
  id: string;
  /** Absolute audio path. */
  audio: string;
  speaker?: string;
  alignment?: AlignedSegment[];
  events?: EventSpan[];
  text?: string[];
}

/** Raises `IMPORT_NOT_FOUND` unless `dir` is a directory. */
export function requireDir(dir: string, what: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new HibikiError('IMPORT_NOT_FOUND', `${what} is not a directory`, { file: dir });
}

/** Files under `dir` (recursively, following no symlinked directories) whose lower-cased extension is in `exts`, sorted. */
export function listFiles(dir: string, exts: Set<string>): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d, { withFileTypes: true })) {
      if (name.name.startsWith('.')) continue;
      const p = join(d, name.name);
      if (name.isDirectory()) walk(p);
      else if (name.isFile() && exts.has(extname(name.name).toLowerCase())) out.push(p);
    }
  };
  walk(dir);
  return out.sort(compareIds);
}

/** Path without its extension. */
export function stripExt(path: string): string {
  const e = extname(path);
  return e === '' ? path : path.slice(0, -e.length);
}

/** Utterance id of a file: its path relative to `root` without extension, '/' -> '-', whitespace -> '_'. */
export function uttIdFor(root: string, path: string): string {
  return stripExt(relative(root, path)).split(sep).join('-').replace(/\s+/g, '_');
}

/** A label made safe for whitespace-separated data files. */
export function safeLabel(label: string): string {
  return label.trim().replace(/\s+/g, '_');
}

/**
 * Assembles a DataDir. Raises `IMPORT_DUPLICATE_ID` when two files give the same id. A part
 * (alignment, events, text, utt2spk) is present when any utterance has it.
 */
export function buildDataDir(utts: ImportedUtterance[]): DataDir {
  const data: DataDir = { wavScp: new Map() };
  const origin = new Map<string, string>();
  for (const u of utts) {
    const prev = origin.get(u.id);
    if (prev !== undefined) throw new HibikiError('IMPORT_DUPLICATE_ID', `two files give utterance id '${u.id}'`, { file: u.audio, utterance: u.id, found: prev });
    origin.set(u.id, u.audio);
    data.wavScp.set(u.id, u.audio);
    if (u.speaker !== undefined) (data.utt2spk ??= new Map()).set(u.id, u.speaker);
    if (u.alignment !== undefined) (data.alignment ??= new Map()).set(u.id, u.alignment);
    if (u.events !== undefined) (data.events ??= new Map()).set(u.id, u.events);
    if (u.text !== undefined) (data.text ??= new Map()).set(u.id, u.text);
  }
  return data;
}
