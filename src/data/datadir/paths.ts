/**
 * Audio paths from data files. DESIGN.md "Data is never code": a wav.scp entry is a file path,
 * never a shell pipe (Kaldi's `cmd |` form), and it may not point outside the data directory
 * unless the user allows that explicitly (option `allowOutside`, CLI `--allow-outside-paths`, or
 * the environment variable `HIBIKI_ALLOW_OUTSIDE_PATHS=1`).
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { HibikiError } from '../../errors.js';

/** Where a path came from, for error messages. */
export interface PathOrigin {
  file: string;
  line: number;
  utterance?: string;
}

/** True when the user allowed paths outside the data directory through the environment. */
export function outsidePathsAllowedByEnv(): boolean {
  const v = process.env['HIBIKI_ALLOW_OUTSIDE_PATHS'];
  return v === '1' || v === 'true' || v === 'yes';
}

/**
 * Resolves a wav.scp path against the data directory.
 * Raises `WAV_SCP_PIPE` for a pipe (a field ending or starting with `|`, or more than one field),
 * `PATH_OUTSIDE_DATA_DIR` for an absolute path or a `..` path leaving `dataDir` when not allowed.
 * @returns the absolute, normalised path
 */
export function resolveDataPath(dataDir: string, path: string, origin: PathOrigin, allowOutside: boolean): string {
  if (path.includes('|')) {
    throw new HibikiError('WAV_SCP_PIPE', 'shell pipes are not allowed in wav.scp (data is never code); convert the audio to files first', {
      ...origin,
      expected: 'a file path',
      found: path,
    });
  }
  const root = resolve(dataDir);
  const full = resolve(root, path);
  if (!allowOutside) {
    const rel = relative(root, full);
    const escapes = isAbsolute(path) || rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel);
    if (escapes) {
      throw new HibikiError(
        'PATH_OUTSIDE_DATA_DIR',
        'audio path leaves the data directory; allow it with --allow-outside-paths (or HIBIKI_ALLOW_OUTSIDE_PATHS=1)',
        { ...origin, expected: `a path inside ${dataDir}`, found: path },
      );
    }
  }
  return full;
}
