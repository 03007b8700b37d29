/**
 * `prepareDataDir`: the library side of `hibiki prepare`. Options are validated once here (zod),
 * the importer for the format runs, and the data directory is written (atomically, sorted).
 */
import { statSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { HibikiError } from '../../errors.js';
import type { DataDir } from '../datadir/types.js';
import { writeDataDir } from '../datadir/write.js';
import { importClassFolders } from './class-folders.js';
import { importEventList } from './dcase.js';
import { importTimit } from './timit.js';
import { importTranscript } from './transcript.js';
import { importWavFolder, type WavFolderOptions } from './wav-folder.js';

/** Importer formats of `hibiki prepare --format`. */
export const PREPARE_FORMATS = ['wav-folder', 'textgrid', 'htk-lab', 'audacity', 'dcase', 'timit', 'class-folders', 'transcript'] as const;
export type PrepareFormat = (typeof PREPARE_FORMATS)[number];

const PrepareOptionsSchema = z
  .object({
    format: z.enum(PREPARE_FORMATS),
    in: z.string().min(1),
    out: z.string().min(1),
    audio: z.string().min(1).optional(),
    labels: z.string().min(1).optional(),
    tier: z.string().min(1).optional(),
    emptyLabel: z.string().min(1).regex(/^\S+$/, 'a label without whitespace').default('sil'),
    dropEmpty: z.boolean().default(false),
    labForm: z.enum(['auto', 'htk', 'seconds', 'festival']).default('auto'),
    audacityAs: z.enum(['events', 'alignment']).default('events'),
    phoneSet: z.enum(['61', '48', '39']).default('61'),
    includeSa: z.boolean().default(false),
    requireLabels: z.boolean().default(false),
  })
  .strict();

/** Options of `prepareDataDir` (see docs/data.md for each format). */
export type PrepareOptions = z.input<typeof PrepareOptionsSchema>;
type Resolved = z.output<typeof PrepareOptionsSchema>;

/** What was written. */
export interface PrepareResult {
  /** Data directories written, with their utterance counts and whether any audio lies outside them (readers then need allowOutside). */
  written: { dir: string; utterances: number; outsidePaths: boolean }[];
}

/** Validates prepare options; raises `BAD_OPTIONS` naming the first bad option. */
export function resolvePrepareOptions(input: unknown): Resolved {
  const r = PrepareOptionsSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new HibikiError('BAD_OPTIONS', `option ${issue?.path.join('.') || '?'}: ${issue?.message ?? 'invalid'}`, { expected: 'see hibiki prepare --help' });
  }
  return r.data;
}

function hasOutsidePaths(dir: string, data: DataDir): boolean {
  const root = resolve(dir);
  for (const p of data.wavScp.values()) {
    const rel = relative(root, resolve(p));
    if (rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) return true;
  }
  return false;
}

function folderOptions(o: Resolved): WavFolderOptions {
  const w: WavFolderOptions = { emptyLabel: o.dropEmpty ? null : o.emptyLabel, labForm: o.labForm, audacityAs: o.audacityAs, requireLabels: o.requireLabels };
  if (o.tier !== undefined) w.tier = o.tier;
  if (o.labels !== undefined) w.labelsDir = o.labels;
  return w;
}

function importOne(o: Resolved): DataDir {
  switch (o.format) {
    case 'wav-folder':
      return importWavFolder(o.in, folderOptions(o));
    case 'textgrid':
      return importWavFolder(o.in, { ...folderOptions(o), sidecars: ['TextGrid'] });
    case 'htk-lab':
      return importWavFolder(o.in, { ...folderOptions(o), sidecars: ['lab'] });
    case 'audacity':
      return importWavFolder(o.in, { ...folderOptions(o), sidecars: ['txt'] });
    case 'dcase':
      if (existsSync(o.in) && statSync(o.in).isDirectory()) return importWavFolder(o.in, { ...folderOptions(o), sidecars: ['tsv'] });
      return importEventList(o.in, o.audio ?? dirname(o.in));
    case 'class-folders':
      return importClassFolders(o.in);
    case 'transcript':
      return importTranscript(o.in, o.audio ?? dirname(o.in));
    case 'timit':
      throw new HibikiError('BAD_OPTIONS', 'timit writes three directories', {}, 1);
  }
}

/**
 * Imports `in` in format `format` and writes the data directory `out` (for TIMIT: `out/train`,
 * `out/dev`, `out/test`). Raises `BAD_OPTIONS` and the importers' errors.
 */
export function prepareDataDir(input: PrepareOptions): PrepareResult {
  const o = resolvePrepareOptions(input);
  if (o.format === 'timit') {
    if (o.tier !== undefined && o.tier !== 'phones' && o.tier !== 'words') {
      throw new HibikiError('BAD_OPTIONS', 'for TIMIT, --tier is phones or words', { expected: 'phones | words', found: o.tier });
    }
    const sets = importTimit(o.in, { tier: o.tier ?? 'phones', phoneSet: o.phoneSet, includeSa: o.includeSa });
    const written: PrepareResult['written'] = [];
    for (const name of ['train', 'dev', 'test'] as const) {
      const dir = join(o.out, name);
      writeDataDir(dir, sets[name]);
      written.push({ dir, utterances: sets[name].wavScp.size, outsidePaths: hasOutsidePaths(dir, sets[name]) });
    }
    return { written };
  }
  const data = importOne(o);
  writeDataDir(o.out, data);
  return { written: [{ dir: o.out, utterances: data.wavScp.size, outsidePaths: hasOutsidePaths(o.out, data) }] };
}
