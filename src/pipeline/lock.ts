/**
 * One runner per experiment directory: `<exp>/.lock` holds the owner's pid. A lock left by a
 * process that no longer exists (killed) is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HibikiError } from '../errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of `expDir`; returns its release function.
 * @throws HibikiError `EXP_LOCKED` when another live process holds it
 */
export function lockExperiment(expDir: string): () => void {
  mkdirSync(expDir, { recursive: true });
  const path = join(expDir, '.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new HibikiError('EXP_LOCKED', 'another hibiki run is using this experiment directory', {
        file: expDir,
        expected: 'no other run on the same recipe and tag',
        found: `process ${owner}`,
      });
    }
    rmSync(path, { force: true });
  }
  throw new HibikiError('EXP_LOCKED', 'could not take the experiment lock', { file: path });
}
