/**
 * Up-to-date stamps. A stage's stamp (`<exp>/stamps/<stage>.json`, written last, atomically)
 * holds a key hashed from what decides its outputs (kind, options, config slice, seed, the ids
 * of the upstream stamps) plus the size and mtime of every input and output it declared. A stage
 * is up to date when its stamp exists, the key is unchanged and every file still matches.
 * Each run of a stage gets a new `id`, and downstream keys include upstream ids, so a stage that
 * reran makes everything after it rerun.
 */
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { canonicalJson, hashConfig, sha256Hex } from '../config/index.js';
import { writeJsonAtomic } from '../util/atomic.js';

/** Size and modification time of a file, or a digest of every file below a directory. */
export type Signature =
  | { path: string; type: 'file'; size: number; mtimeMs: number }
  | { path: string; type: 'dir'; files: number; size: number; digest: string }
  | { path: string; type: 'missing' };

/** What a stage's key is made of, kept so that a rerun can say why. */
export interface StampParts {
  kind: string;
  options: string;
  slice: string;
  seed: number;
  upstream: Record<string, string | null>;
}

export interface Stamp {
  version: 1;
  stage: string;
  kind: string;
  key: string;
  parts: StampParts;
  inputs: Signature[];
  outputs: Signature[];
  outDir: Signature;
  id: string;
  startedAt: string;
  finishedAt: string;
  seconds: number;
}

/** Signature of `path` (absolute). Directories are walked recursively; dot-files count too. */
export function signatureOf(path: string): Signature {
  if (!existsSync(path)) return { path, type: 'missing' };
  const st = statSync(path);
  if (!st.isDirectory()) return { path, type: 'file', size: st.size, mtimeMs: st.mtimeMs };
  const lines: string[] = [];
  let size = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else {
        size += s.size;
        lines.push(`${relative(path, p)}\t${s.size}\t${s.mtimeMs}`);
      }
    }
  };
  walk(path);
  return { path, type: 'dir', files: lines.length, size, digest: sha256Hex(lines.join('\n')) };
}

/** The stage key from its parts. */
export function stampKey(parts: StampParts): string {
  return hashConfig({ v: 1, ...parts });
}

/** Hashes options and slice into StampParts. */
export function stampParts(kind: string, options: unknown, slice: unknown, seed: number, upstream: Record<string, string | null>): StampParts {
  return { kind, options: hashConfig(options ?? null), slice: hashConfig(slice), seed, upstream };
}

export function stampPath(expDir: string, stage: string): string {
  return join(expDir, 'stamps', `${stage}.json`);
}

/** Reads a stamp; a missing, torn or foreign file reads as no stamp. */
export function readStamp(expDir: string, stage: string): Stamp | undefined {
  const p = stampPath(expDir, stage);
  if (!existsSync(p)) return undefined;
  try {
    const s = JSON.parse(readFileSync(p, 'utf8')) as Stamp;
    return s.version === 1 && typeof s.key === 'string' && typeof s.id === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

export function writeStamp(expDir: string, stamp: Stamp): void {
  writeJsonAtomic(stampPath(expDir, stamp.stage), stamp);
}

export function removeStamp(expDir: string, stage: string): void {
  rmSync(stampPath(expDir, stage), { force: true });
}

/** A new stamp id: unique per completed run of the stage. */
export function newStampId(key: string, finishedAt: string, outDir: Signature): string {
  return sha256Hex(`${key}\n${finishedAt}\n${canonicalJson(outDir)}\n${process.pid}\n${Math.random()}`);
}

/**
 * Why a stage must run, or `undefined` when its stamp is up to date.
 * @param parts the key parts computed now
 * @param outDir the stage's final output directory
 */
export function staleReason(stamp: Stamp | undefined, parts: StampParts, outDir: string): string | undefined {
  if (stamp === undefined) return 'no stamp';
  if (stamp.key === stampKey(parts)) {
    for (const sig of stamp.inputs) if (!sameSignature(sig, signatureOf(sig.path))) return `input changed: ${sig.path}`;
    for (const sig of stamp.outputs) if (!sameSignature(sig, signatureOf(sig.path))) return `output changed: ${sig.path}`;
    if (!sameSignature(stamp.outDir, signatureOf(outDir))) return `output changed: ${outDir}`;
    return undefined;
  }
  const old = stamp.parts;
  if (old.kind !== parts.kind) return 'stage kind or its version changed';
  if (old.slice !== parts.slice) return 'config changed';
  if (old.options !== parts.options) return 'options changed';
  if (old.seed !== parts.seed) return 'seed changed';
  const names = new Set([...Object.keys(old.upstream), ...Object.keys(parts.upstream)]);
  for (const n of names) if (old.upstream[n] !== parts.upstream[n]) return `upstream ${n} changed`;
  return 'stamp format changed';
}

function sameSignature(a: Signature, b: Signature): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
