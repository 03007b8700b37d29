/**
 * A plain transcript file for CTC: `utt-id token token ...` per line, with the audio of each
 * utterance found as `<utt-id>.wav` (or `.sph`) anywhere under an audio folder.
 */
import { basename } from 'node:path';
import { HibikiError } from '../../errors.js';
import type { DataDir } from '../datadir/types.js';
import { readTextFile, splitLines } from '../datadir/text-file.js';
import { AUDIO_EXTENSIONS, buildDataDir, listFiles, requireDir, stripExt, type ImportedUtterance } from './common.js';

/**
 * Imports a transcript file. Raises `IMPORT_DUPLICATE_ID` (with line), `IMPORT_MISSING_AUDIO`
 * (no audio file for an id, with line) and `IMPORT_AMBIGUOUS_AUDIO` (two files of that stem).
 */
export function importTranscript(file: string, audioDir: string): DataDir {
  requireDir(audioDir, 'audio folder');
  const byStem = new Map<string, string[]>();
  for (const p of listFiles(audioDir, AUDIO_EXTENSIONS)) {
    const stem = basename(stripExt(p));
    byStem.set(stem, [...(byStem.get(stem) ?? []), p]);
  }
  const utts: ImportedUtterance[] = [];
  const seen = new Map<string, number>();
  for (const l of splitLines(readTextFile(file))) {
    const id = l.fields[0] as string;
    const first = seen.get(id);
    if (first !== undefined) throw new HibikiError('IMPORT_DUPLICATE_ID', `utterance '${id}' appears twice`, { file, line: l.line, utterance: id, found: `first at line ${first}` });
    seen.set(id, l.line);
    const hits = byStem.get(id) ?? [];
    if (hits.length === 0) throw new HibikiError('IMPORT_MISSING_AUDIO', `no audio file named ${id}.wav under ${audioDir}`, { file, line: l.line, utterance: id });
    if (hits.length > 1) throw new HibikiError('IMPORT_AMBIGUOUS_AUDIO', `several audio files named ${id}.*`, { file, line: l.line, utterance: id, found: hits.join(', ') });
    utts.push({ id, audio: hits[0] as string, text: l.fields.slice(1) });
  }
  return buildDataDir(utts);
}
