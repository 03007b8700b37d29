/**
 * Folder-per-class clips (utterance classification, e.g. ESC-50 or Speech Commands laid out as
 * `<root>/<class>/<clip>.wav`): every clip gets one label covering the whole file, written as an
 * alignment segment [0, duration) and as a one-token transcript. Durations come from the audio
 * headers.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { HibikiError } from '../../errors.js';
import { readAudioHeader } from '../datadir/audio-header.js';
import type { DataDir } from '../datadir/types.js';
import { AUDIO_EXTENSIONS, buildDataDir, listFiles, requireDir, safeLabel, uttIdFor, type ImportedUtterance } from './common.js';

/** Imports `<root>/<class>/**.wav`. Raises `IMPORT_NO_AUDIO` when no class folder holds audio. */
export function importClassFolders(root: string): DataDir {
  requireDir(root, 'input');
  const utts: ImportedUtterance[] = [];
  const classes = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  for (const cls of classes) {
    const label = safeLabel(cls);
    for (const path of listFiles(join(root, cls), AUDIO_EXTENSIONS)) {
      const duration = readAudioHeader(path).duration;
      const id = uttIdFor(root, path);
      utts.push({ id, audio: path, alignment: duration > 0 ? [{ start: 0, end: duration, label }] : [], text: [label] });
    }
  }
  if (utts.length === 0) throw new HibikiError('IMPORT_NO_AUDIO', 'no audio in class folders', { file: root, expected: '<root>/<class>/<clip>.wav' });
  return buildDataDir(utts);
}
