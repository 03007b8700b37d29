/**
 * A sed_eval/DCASE event list naming several files (4 or 5 columns) plus the folder holding the
 * audio: each audio file becomes an utterance; files the list names without events, and audio
 * files it does not name at all, get an empty event list (DCASE lists omit event-free files).
 */
import { basename } from 'node:path';
import { HibikiError } from '../../errors.js';
import type { DataDir, EventSpan } from '../datadir/types.js';
import { readTextFile } from '../datadir/text-file.js';
import { AUDIO_EXTENSIONS, buildDataDir, listFiles, requireDir, safeLabel, stripExt, uttIdFor, type ImportedUtterance } from './common.js';
import { parseDcaseEventList } from './event-list.js';

/**
 * Imports an event list for the audio under `audioDir`. Raises `IMPORT_LIST_NEEDS_FILENAMES`
 * for a 3-column list and `IMPORT_UNKNOWN_FILE` (with line) for a row naming no audio file.
 */
export function importEventList(listFile: string, audioDir: string): DataDir {
  requireDir(audioDir, 'audio folder');
  const list = parseDcaseEventList(readTextFile(listFile), listFile);
  if (list.columns === 3) {
    throw new HibikiError('IMPORT_LIST_NEEDS_FILENAMES', 'a 3-column list has no file names; put it beside its wav as <stem>.tsv and use --format wav-folder', { file: listFile, expected: '4 or 5 columns', found: '3' });
  }
  const audio = listFiles(audioDir, AUDIO_EXTENSIONS);
  const byName = new Map<string, string | null>();
  for (const p of audio) {
    for (const key of [basename(p), basename(stripExt(p))]) byName.set(key, byName.has(key) ? null : p);
  }
  const events = new Map<string, EventSpan[]>(audio.map((p) => [p, []]));
  for (const r of list.rows) {
    const name = basename(r.filename ?? '');
    const hit = byName.get(name) ?? byName.get(stripExt(name));
    if (hit === undefined || hit === null) {
      throw new HibikiError('IMPORT_UNKNOWN_FILE', hit === null ? `file name '${name}' matches several audio files` : `no audio file '${name}' under ${audioDir}`, { file: listFile, line: r.line, found: r.filename ?? '' });
    }
    if (r.onset !== undefined && r.offset !== undefined && r.label !== undefined) (events.get(hit) as EventSpan[]).push({ onset: r.onset, offset: r.offset, label: safeLabel(r.label) });
  }
  const utts: ImportedUtterance[] = audio.map((p) => ({ id: uttIdFor(audioDir, p), audio: p, events: events.get(p) ?? [] }));
  return buildDataDir(utts);
}
