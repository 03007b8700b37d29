/** The up-to-date stamp of a feature archive (written last; absent while a run is in progress). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArchiveSummary } from './types.js';

export const STAMP_FILE = 'stamp.json';
/** Bumped when the archive layout or the feature code changes what a config produces. */
export const STAMP_VERSION = 1;

export interface ArchiveStamp {
  version: number;
  signature: string;
  summary: ArchiveSummary;
}

/** The stamp of `dir`, or null when absent, unreadable or of another version (then: recompute). */
export function readStamp(dir: string): ArchiveStamp | null {
  const path = join(dir, STAMP_FILE);
  if (!existsSync(path)) return null;
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as ArchiveStamp;
    return s.version === STAMP_VERSION && typeof s.signature === 'string' ? s : null;
  } catch {
    return null;
  }
}
