/**
 * The Free Spoken Digit Dataset (github.com/Jakobovski/free-spoken-digit-dataset, CC BY-SA 4.0):
 * finding the recordings (`{digit}_{speaker}_{take}.wav`, 8 kHz) in a local copy, or downloading
 * the repository archive over https and unpacking its `recordings/` folder.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { HibikiError } from '../../errors.js';

/** One recording of FSDD. */
export interface FsddRecording {
  path: string;
  digit: number;
  speaker: string;
  take: number;
}

/** Archive of the repository at the commit the shipped numbers were measured with. */
export const FSDD_COMMIT = '26eb9aaf76e81b692f806f9140c2d2777410d7a1';
export const FSDD_URL = `https://github.com/Jakobovski/free-spoken-digit-dataset/archive/${FSDD_COMMIT}.tar.gz`;

const NAME = /^(\d)_([A-Za-z]+)_(\d+)\.wav$/;

/**
 * The recordings under `root` (its `recordings/` folder when there is one), sorted by name.
 * @throws HibikiError `FSDD_NOT_FOUND` when there is no FSDD file there
 */
export function listFsdd(root: string): FsddRecording[] {
  const dir = existsSync(join(root, 'recordings')) ? join(root, 'recordings') : root;
  if (!existsSync(dir)) throw new HibikiError('FSDD_NOT_FOUND', 'no such FSDD folder', { file: dir, expected: 'a folder with recordings/{digit}_{speaker}_{take}.wav', found: 'nothing' });
  const out: FsddRecording[] = [];
  for (const name of readdirSync(dir).sort()) {
    const m = NAME.exec(name);
    if (m !== null) out.push({ path: join(dir, name), digit: Number(m[1]), speaker: m[2]!, take: Number(m[3]) });
  }
  if (out.length === 0) {
    throw new HibikiError('FSDD_NOT_FOUND', 'no FSDD recordings in the folder', { file: dir, expected: 'files named {digit}_{speaker}_{take}.wav', found: `${readdirSync(dir).length} other entries` });
  }
  return out;
}

/**
 * Downloads the FSDD repository archive into `<dest>/` (once: an existing copy is reused) and
 * returns the folder holding `recordings/`.
 * @throws HibikiError `FSDD_DOWNLOAD_FAILED` when offline or the download fails (suggests
 *   `--set data.root=<path>`), `FSDD_UNPACK_FAILED` when tar fails
 */
export async function downloadFsdd(dest: string, url = FSDD_URL): Promise<string> {
  const done = join(dest, 'free-spoken-digit-dataset');
  if (existsSync(join(done, 'recordings'))) return done;
  let body: ArrayBuffer;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    body = await res.arrayBuffer();
  } catch (cause) {
    throw new HibikiError('FSDD_DOWNLOAD_FAILED', 'could not download the Free Spoken Digit Dataset; with a local copy of it, run with --set data.root=<path> (the folder holding recordings/)', {
      expected: `an https download of ${url}`,
      found: cause instanceof Error ? cause.message : String(cause),
      cause,
    });
  }
  mkdirSync(dest, { recursive: true });
  const tmp = join(dest, `.download-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const tarball = join(tmp, 'fsdd.tar.gz');
  writeFileSync(tarball, Buffer.from(body));
  // tar with an argument list, no shell: the archive name is ours, not user data.
  const r = spawnSync('tar', ['-xzf', tarball, '-C', tmp], { encoding: 'utf8' });
  const top = r.status === 0 ? readdirSync(tmp).find((n) => n.startsWith('free-spoken-digit-dataset')) : undefined;
  if (top === undefined) {
    throw new HibikiError('FSDD_UNPACK_FAILED', 'could not unpack the FSDD archive', { file: tarball, expected: 'a tar.gz with free-spoken-digit-dataset-*/recordings/', found: r.stderr || `exit ${r.status}` });
  }
  renameSync(join(tmp, top), done);
  rmSync(tmp, { recursive: true, force: true });
  return done;
}
