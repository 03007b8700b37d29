/**
 * Checkpoints: `checkpoints/step-<8 digits>/` holding `tensors.bin` (raw little-endian float32 of
 * every tensor, back to back) and `manifest.json` (names, shapes, byte offsets, a SHA-256 of
 * tensors.bin and the loop state). A checkpoint is assembled in a temporary directory, the manifest
 * written last, then the directory is renamed into place: a directory under the final name is
 * complete. Loading still verifies sizes and the checksum and falls back to the previous
 * checkpoint when the newest is damaged.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HibikiError } from '../errors.js';
import { writeChunksAtomic, writeJsonAtomic } from '../util/atomic.js';
import { log } from '../util/log.js';

/** One stored tensor. */
export interface NamedTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  /** Byte offset into tensors.bin. */
  offset: number;
  /** Number of float32 values. */
  length: number;
}

export interface CheckpointManifest<S> {
  format: 'hibiki-checkpoint';
  version: 1;
  step: number;
  bytes: number;
  sha256: string;
  tensors: ManifestEntry[];
  state: S;
}

/** A loaded checkpoint. */
export interface Checkpoint<S> {
  dir: string;
  step: number;
  tensors: NamedTensor[];
  state: S;
}

const STEP_DIR = /^step-(\d{8,})$/;

/** Directory name of the checkpoint of `step`. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

function bytesOf(values: Float32Array): Uint8Array {
  // Float32Array memory is little-endian on every platform Node supports.
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/**
 * Writes a checkpoint atomically into `root/step-<step>/` (replacing one of the same step).
 * @param root the `checkpoints/` directory
 */
export function saveCheckpoint<S>(root: string, step: number, tensors: NamedTensor[], state: S): string {
  mkdirSync(root, { recursive: true });
  const final = join(root, checkpointName(step));
  const tmp = join(root, `.tmp-${checkpointName(step)}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const hash = createHash('sha256');
  const entries: ManifestEntry[] = [];
  let offset = 0;
  for (const t of tensors) {
    hash.update(bytesOf(t.values));
    entries.push({ name: t.name, shape: t.shape, offset, length: t.values.length });
    offset += t.values.byteLength;
  }
  writeChunksAtomic(join(tmp, 'tensors.bin'), tensors.map((t) => bytesOf(t.values)));
  const manifest: CheckpointManifest<S> = {
    format: 'hibiki-checkpoint',
    version: 1,
    step,
    bytes: offset,
    sha256: hash.digest('hex'),
    tensors: entries,
    state,
  };
  writeJsonAtomic(join(tmp, 'manifest.json'), manifest);
  if (existsSync(final)) {
    const old = join(root, `.old-${checkpointName(step)}-${process.pid}`);
    rmSync(old, { recursive: true, force: true });
    renameSync(final, old);
    renameSync(tmp, final);
    rmSync(old, { recursive: true, force: true });
  } else renameSync(tmp, final);
  return final;
}

/** Reads and verifies one checkpoint directory; throws CHECKPOINT_CORRUPT when anything is off. */
export function readCheckpoint<S>(dir: string): Checkpoint<S> {
  const manifestPath = join(dir, 'manifest.json');
  const corrupt = (why: string, expected?: string, found?: string): HibikiError =>
    new HibikiError('CHECKPOINT_CORRUPT', why, {
      file: dir,
      ...(expected === undefined ? {} : { expected }),
      ...(found === undefined ? {} : { found }),
    });
  if (!existsSync(manifestPath)) throw corrupt('checkpoint has no manifest.json (it was not completed)');
  let m: CheckpointManifest<S>;
  try {
    m = JSON.parse(readFileSync(manifestPath, 'utf8')) as CheckpointManifest<S>;
  } catch (cause) {
    throw corrupt(`manifest.json is not valid JSON (${String(cause)})`);
  }
  if (m.format !== 'hibiki-checkpoint' || m.version !== 1 || !Array.isArray(m.tensors)) {
    throw corrupt('manifest.json is not a hibiki checkpoint manifest', 'format hibiki-checkpoint version 1');
  }
  const binPath = join(dir, 'tensors.bin');
  if (!existsSync(binPath)) throw corrupt('tensors.bin is missing');
  const size = statSync(binPath).size;
  if (size !== m.bytes) throw corrupt('tensors.bin has the wrong size', `${m.bytes} bytes`, `${size} bytes`);
  const bytes = readFileSync(binPath);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== m.sha256) throw corrupt('tensors.bin does not match its checksum', m.sha256, sha);
  const aligned = new Uint8Array(bytes.byteLength);
  aligned.set(bytes);
  const tensors = m.tensors.map((e) => ({
    name: e.name,
    shape: e.shape,
    values: new Float32Array(aligned.buffer, e.offset, e.length).slice(),
  }));
  return { dir, step: m.step, tensors, state: m.state };
}

/** Steps of the checkpoint directories under `root`, newest first (complete or not). */
export function listCheckpoints(root: string): { step: number; dir: string }[] {
  if (!existsSync(root)) return [];
  const out: { step: number; dir: string }[] = [];
  for (const name of readdirSync(root)) {
    const match = STEP_DIR.exec(name);
    if (match !== null) out.push({ step: Number(match[1]), dir: join(root, name) });
  }
  return out.sort((a, b) => b.step - a.step);
}

/**
 * The newest checkpoint that verifies, or undefined when there is none. Damaged ones are logged
 * and skipped (left on disk for inspection).
 */
export function loadLatestCheckpoint<S>(root: string): Checkpoint<S> | undefined {
  for (const { dir } of listCheckpoints(root)) {
    try {
      return readCheckpoint<S>(dir);
    } catch (e) {
      log('warn', 'skipping damaged checkpoint', { dir, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return undefined;
}

/** Deletes all but the newest `keep` checkpoints, and temporary directories left by killed runs. */
export function pruneCheckpoints(root: string, keep: number): void {
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    if (name.startsWith('.tmp-') || name.startsWith('.old-')) {
      const pid = Number(/-(\d+)$/.exec(name)?.[1]);
      if (pid !== process.pid) rmSync(join(root, name), { recursive: true, force: true });
    }
  }
  for (const { dir } of listCheckpoints(root).slice(keep)) rmSync(dir, { recursive: true, force: true });
}
