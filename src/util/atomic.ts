/**
 * Atomic file output: every artefact is written to a temporary file in the same directory,
 * flushed to disk, then renamed into place, so a killed process never leaves a half-written file
 * under the final name (rename is atomic within one file system on POSIX).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** A temporary path beside `path`, unique within this process. */
export function tempPathFor(path: string): string {
  counter += 1;
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter}`);
}

/**
 * Writes `data` to `path` atomically (temp file + fsync + rename). Creates parent directories.
 * @param path final file path
 * @param data file contents; strings are written as UTF-8
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeChunksAtomic(path, [typeof data === 'string' ? Buffer.from(data, 'utf8') : data]);
}

/** Writes a value as pretty-printed JSON (2-space indent, trailing newline), atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Writes several buffers as one file atomically, without concatenating them in memory first.
 * @param path final file path
 * @param chunks byte chunks written in order
 */
export function writeChunksAtomic(path: string, chunks: Iterable<Uint8Array>): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  const fd = openSync(tmp, 'w');
  try {
    for (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.length) offset += writeSync(fd, chunk, offset, chunk.length - offset);
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}
