/**
 * A folder of audio files with side-car label files of the same stem beside them:
 * `.TextGrid` (alignment from one tier; text from its non-empty labels unless a transcript exists),
 * `.lab` (timed: alignment; MFA transcript: text), `.txt` (Audacity label track: events or
 * alignment; otherwise a transcript), `.tsv` (sed_eval/DCASE event list: events). Files in
 * sub-folders get the sub-folder path in their id and the first sub-folder as speaker (the layout
 * of MFA corpora). Side-cars may also live in a mirrored labels folder (`labelsDir`).
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { HibikiError } from '../../errors.js';
import type { AlignedSegment, DataDir, EventSpan } from '../datadir/types.js';
import { readTextFile } from '../datadir/text-file.js';
import { looksLikeAudacity, parseAudacityLabels } from './audacity.js';
import { AUDIO_EXTENSIONS, buildDataDir, listFiles, requireDir, safeLabel, stripExt, uttIdFor, type ImportedUtterance } from './common.js';
import { parseDcaseEventList } from './event-list.js';
import { parseLab, type LabForm } from './lab.js';
import { readTextGrid, textGridToAlignment } from './textgrid.js';

/** Side-car kinds, named by extension. */
export type SidecarKind = 'TextGrid' | 'lab' | 'txt' | 'tsv';

export interface WavFolderOptions {
  /** Side-car kinds to read; default all. */
  sidecars?: SidecarKind[];
  /** TextGrid tier name (default: the only interval tier, else 'phones'). */
  tier?: string;
  /** Label of empty TextGrid intervals; null drops them. Default 'sil'. */
  emptyLabel?: string | null;
  /** Form of .lab files; default 'auto'. */
  labForm?: LabForm | 'auto';
  /** Audacity label tracks become events (default) or an alignment. */
  audacityAs?: 'events' | 'alignment';
  /** Raise `IMPORT_NO_LABELS` for an audio file without any side-car. Default false. */
  requireLabels?: boolean;
  /**
   * A second folder mirroring the audio folder's layout (e.g. an aligner's output folder):
   * side-cars are looked for there first, then beside the audio.
   */
  labelsDir?: string;
}

/** Finds the side-car of `stemPath` with extension `ext` (case-insensitive), if any. */
function sidecar(stemPath: string, ext: string, dirListing: Map<string, string[]>): string | undefined {
  const dir = dirname(stemPath);
  let names = dirListing.get(dir);
  if (names === undefined) dirListing.set(dir, (names = existsSync(dir) ? readdirSync(dir) : []));
  const want = (basename(stemPath) + '.' + ext).toLowerCase();
  const hit = names.find((n) => n.toLowerCase() === want);
  return hit === undefined ? undefined : join(dir, hit);
}

function eventsFromTsv(path: string, audio: string): EventSpan[] {
  const list = parseDcaseEventList(readTextFile(path), path);
  const names = new Set([basename(audio), basename(stripExt(audio))]);
  const out: EventSpan[] = [];
  for (const r of list.rows) {
    if (r.filename !== undefined && !names.has(basename(r.filename)) && !names.has(basename(stripExt(r.filename)))) {
      throw new HibikiError('IMPORT_UNKNOWN_FILE', `event list names another file '${r.filename}'`, { file: path, line: r.line, expected: basename(audio), found: r.filename });
    }
    if (r.onset !== undefined && r.offset !== undefined && r.label !== undefined) out.push({ onset: r.onset, offset: r.offset, label: safeLabel(r.label) });
  }
  return out;
}

/** Imports a folder of audio files with side-car labels. Raises `IMPORT_NO_AUDIO` when there is no audio. */
export function importWavFolder(root: string, options: WavFolderOptions = {}): DataDir {
  requireDir(root, 'input');
  const kinds = new Set<SidecarKind>(options.sidecars ?? ['TextGrid', 'lab', 'txt', 'tsv']);
  const audio = listFiles(root, AUDIO_EXTENSIONS);
  if (audio.length === 0) throw new HibikiError('IMPORT_NO_AUDIO', 'no .wav or .sph files found', { file: root });
  const listing = new Map<string, string[]>();
  const utts: ImportedUtterance[] = [];
  for (const path of audio) {
    const id = uttIdFor(root, path);
    const stem = stripExt(path);
    const mirrored = options.labelsDir === undefined ? undefined : join(options.labelsDir, relative(root, stem));
    const find = (ext: string): string | undefined => (mirrored === undefined ? undefined : sidecar(mirrored, ext, listing)) ?? sidecar(stem, ext, listing);
    const u: ImportedUtterance = { id, audio: path };
    const parts = relative(root, path).split(sep);
    if (parts.length > 1) u.speaker = (parts[0] as string).replace(/\s+/g, '_');
    let alignment: { from: string; segs: AlignedSegment[] } | undefined;
    let transcript: string[] | undefined;
    let tgText: string[] | undefined;
    const setAlignment = (from: string, segs: AlignedSegment[]): void => {
      if (alignment !== undefined) throw new HibikiError('IMPORT_CONFLICT', `two side-cars give an alignment (${basename(alignment.from)} and ${basename(from)}); restrict with --sidecar`, { file: from, utterance: id });
      alignment = { from, segs };
    };
    const setTranscript = (from: string, tokens: string[]): void => {
      if (transcript !== undefined) throw new HibikiError('IMPORT_CONFLICT', 'two side-cars give a transcript; restrict with --sidecar', { file: from, utterance: id });
      transcript = tokens;
    };
    let found = false;
    const tg = kinds.has('TextGrid') ? find('textgrid') : undefined;
    if (tg !== undefined) {
      found = true;
      const opts = { emptyLabel: options.emptyLabel === undefined ? 'sil' : options.emptyLabel, file: tg, ...(options.tier !== undefined ? { tier: options.tier } : {}) };
      const grid = readTextGrid(tg);
      setAlignment(tg, textGridToAlignment(grid, opts));
      tgText = textGridToAlignment(grid, { ...opts, emptyLabel: null }).map((s) => s.label);
    }
    const lab = kinds.has('lab') ? find('lab') : undefined;
    if (lab !== undefined) {
      found = true;
      const c = parseLab(readTextFile(lab), lab, options.labForm ?? 'auto');
      if (c.form === 'transcript') setTranscript(lab, c.tokens);
      else setAlignment(lab, c.segments);
    }
    const txt = kinds.has('txt') ? find('txt') : undefined;
    if (txt !== undefined) {
      found = true;
      const text = readTextFile(txt);
      if (looksLikeAudacity(text)) {
        const regions = parseAudacityLabels(text, txt).filter((l) => l.end > l.start && l.label !== '');
        if (options.audacityAs === 'alignment') setAlignment(txt, regions.map((l) => ({ start: l.start, end: l.end, label: safeLabel(l.label) })));
        else u.events = regions.map((l) => ({ onset: l.start, offset: l.end, label: safeLabel(l.label) }));
      } else {
        setTranscript(txt, text.split(/\s+/).filter((t) => t !== ''));
      }
    }
    const tsv = kinds.has('tsv') ? find('tsv') : undefined;
    if (tsv !== undefined) {
      found = true;
      if (u.events !== undefined) throw new HibikiError('IMPORT_CONFLICT', 'two side-cars give events', { file: tsv, utterance: id });
      u.events = eventsFromTsv(tsv, path);
    }
    if (!found && options.requireLabels === true) throw new HibikiError('IMPORT_NO_LABELS', 'audio file has no side-car label file', { file: path, utterance: id });
    if (alignment !== undefined) u.alignment = (alignment as { segs: AlignedSegment[] }).segs;
    const text = transcript ?? tgText;
    if (text !== undefined) u.text = text;
    utts.push(u);
  }
  return buildDataDir(utts);
}
