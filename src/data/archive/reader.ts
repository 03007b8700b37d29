/**
 * Reading a feature archive one utterance at a time: the index is loaded, shard files are opened
 * lazily and read with positioned reads at the utterance's byte offset, never loaded whole.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { HibikiError } from '../../errors.js';
import { cmvnSumsFromJson, resolveFeatureConfig, type CmvnSums, type FeatureConfig, type FeatureMatrix } from '../../features/index.js';
import { parseNpyHeader, type NpyInfo } from './npy.js';
import type { ArchiveEntry } from './types.js';

const MAX_OPEN_SHARDS = 8;

/** An open archive. Call `close()` to release file descriptors. */
export interface FeatureArchive {
  readonly dir: string;
  /** Index entries in index order. */
  readonly entries: ArchiveEntry[];
  /** The feature config the archive was made with. */
  readonly config: FeatureConfig;
  /** Whether `utt` is in the archive. */
  has(utt: string): boolean;
  /** Features of one utterance, `[frames, dim]`. @throws HibikiError `ARCHIVE_UNKNOWN_UTTERANCE`, `ARCHIVE_CORRUPT` */
  read(utt: string): FeatureMatrix;
  /** Features of one index entry. */
  readEntry(entry: ArchiveEntry): FeatureMatrix;
  /** Streams utterances in index order, one in memory at a time. */
  utterances(): Generator<{ entry: ArchiveEntry; features: FeatureMatrix }>;
  /** Global CMVN sums (stats.json), or null when absent. */
  cmvnSums(): CmvnSums | null;
  close(): void;
}

function parseIndex(path: string): ArchiveEntry[] {
  if (!existsSync(path)) throw new HibikiError('FILE_NOT_FOUND', 'feature archive has no index.jsonl', { file: path });
  const lines = readFileSync(path, 'utf8').split('\n');
  const entries: ArchiveEntry[] = [];
  const seen = new Set<string>();
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    let v: Partial<ArchiveEntry> | null = null;
    try {
      v = JSON.parse(text) as Partial<ArchiveEntry>;
    } catch {
      v = null;
    }
    const int = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 0;
    const ok =
      v !== null &&
      typeof v.utt === 'string' &&
      typeof v.shard === 'string' &&
      /^[\w.-]+\.npy$/.test(v.shard) &&
      int(v.offset) &&
      int(v.frames) &&
      int(v.dim);
    if (!ok) {
      throw new HibikiError('ARCHIVE_INDEX_INVALID', 'bad index line', {
        file: path,
        line: i + 1,
        expected: '{"utt","shard":"<name>.npy","offset","frames","dim"} with non-negative integers',
        found: text.slice(0, 120),
      });
    }
    if (seen.has(v!.utt!)) throw new HibikiError('ARCHIVE_INDEX_INVALID', 'utterance listed twice', { file: path, line: i + 1, utterance: v!.utt! });
    seen.add(v!.utt!);
    entries.push({ utt: v!.utt!, shard: v!.shard!, offset: v!.offset!, frames: v!.frames!, dim: v!.dim! });
  });
  return entries;
}

class Archive implements FeatureArchive {
  readonly dir: string;
  readonly entries: ArchiveEntry[];
  readonly config: FeatureConfig;
  private readonly byUtt = new Map<string, ArchiveEntry>();
  private readonly open = new Map<string, { fd: number; info: NpyInfo }>();

  constructor(dir: string) {
    this.dir = dir;
    this.entries = parseIndex(join(dir, 'index.jsonl'));
    for (const e of this.entries) this.byUtt.set(e.utt, e);
    const configPath = join(dir, 'config.json');
    if (!existsSync(configPath)) throw new HibikiError('FILE_NOT_FOUND', 'feature archive has no config.json', { file: configPath });
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch (cause) {
      throw new HibikiError('ARCHIVE_CORRUPT', 'config.json is not valid JSON', { file: configPath, cause });
    }
    this.config = resolveFeatureConfig(raw, configPath);
  }

  has(utt: string): boolean {
    return this.byUtt.has(utt);
  }

  read(utt: string): FeatureMatrix {
    const e = this.byUtt.get(utt);
    if (e === undefined) throw new HibikiError('ARCHIVE_UNKNOWN_UTTERANCE', 'utterance not in the feature archive', { file: this.dir, utterance: utt });
    return this.readEntry(e);
  }

  private shard(name: string): { fd: number; info: NpyInfo } {
    let s = this.open.get(name);
    if (s !== undefined) {
      // Most recently used last.
      this.open.delete(name);
      this.open.set(name, s);
      return s;
    }
    const path = join(this.dir, name);
    if (!existsSync(path)) throw new HibikiError('FILE_NOT_FOUND', 'feature shard is missing', { file: path });
    const fd = openSync(path, 'r');
    try {
      const head = new Uint8Array(Math.min(65536, fstatSync(fd).size));
      readSync(fd, head, 0, head.length, 0);
      const info = parseNpyHeader(head, path);
      const expectedSize = info.dataOffset + info.rows * info.dim * 4;
      if (fstatSync(fd).size < expectedSize) {
        throw new HibikiError('ARCHIVE_CORRUPT', 'feature shard is shorter than its header says', { file: path, expected: `${expectedSize} bytes`, found: `${fstatSync(fd).size} bytes` });
      }
      s = { fd, info };
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    if (this.open.size >= MAX_OPEN_SHARDS) {
      const [oldest, o] = this.open.entries().next().value!;
      closeSync(o.fd);
      this.open.delete(oldest);
    }
    this.open.set(name, s);
    return s;
  }

  readEntry(e: ArchiveEntry): FeatureMatrix {
    const { fd, info } = this.shard(e.shard);
    if (info.dim !== e.dim || e.offset + e.frames > info.rows) {
      throw new HibikiError('ARCHIVE_CORRUPT', 'index entry does not fit its shard', {
        file: join(this.dir, e.shard),
        utterance: e.utt,
        expected: `rows ${e.offset}..${e.offset + e.frames} of dim ${e.dim}`,
        found: `shard of ${info.rows} rows, dim ${info.dim}`,
      });
    }
    const data = new Float32Array(e.frames * e.dim);
    const bytes = new Uint8Array(data.buffer);
    let done = 0;
    const position = info.dataOffset + e.offset * e.dim * 4;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, bytes.length - done, position + done);
      if (n === 0) throw new HibikiError('ARCHIVE_CORRUPT', 'unexpected end of feature shard', { file: join(this.dir, e.shard), utterance: e.utt });
      done += n;
    }
    return { data, frames: e.frames, dim: e.dim };
  }

  *utterances(): Generator<{ entry: ArchiveEntry; features: FeatureMatrix }> {
    for (const entry of this.entries) yield { entry, features: this.readEntry(entry) };
  }

  cmvnSums(): CmvnSums | null {
    const path = join(this.dir, 'stats.json');
    if (!existsSync(path)) return null;
    return cmvnSumsFromJson(JSON.parse(readFileSync(path, 'utf8')), path);
  }

  close(): void {
    for (const s of this.open.values()) closeSync(s.fd);
    this.open.clear();
  }
}

/**
 * Opens a feature archive directory (index.jsonl, config.json, feats.<n>.npy, stats.json).
 * @throws HibikiError `FILE_NOT_FOUND`, `ARCHIVE_INDEX_INVALID`, `ARCHIVE_CORRUPT`
 */
export function openFeatureArchive(dir: string): FeatureArchive {
  return new Archive(dir);
}
