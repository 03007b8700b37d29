/**
 * Feature extraction into an archive directory (DESIGN.md "Feature archive"): utterances sorted
 * by id are cut into fixed shards of `uttsPerShard` utterances (the layout never depends on the
 * number of jobs), shards are computed by N worker threads, and the archive files appear
 * atomically: feats.<n>.npy, index.jsonl, config.json, stats.json (global CMVN sums) and last
 * stamp.json, whose signature (config + input paths, sizes, mtimes) lets a rerun skip the work.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { canonicalJson, sha256Hex } from '../../config/index.js';
import { HibikiError } from '../../errors.js';
import { cmvnSumsToJson, mergeCmvnSums, type CmvnSums, type FeatureConfig } from '../../features/index.js';
import { writeJsonAtomic } from '../../util/atomic.js';
import { writeJsonl } from '../../util/jsonl.js';
import { computeShard, type ShardJob, type ShardResult } from './shard.js';
import type { ArchiveEntry, ArchiveItem, ArchiveProgress, ArchiveSummary } from './types.js';
import { deserializeError, type FromWorker, type ToWorker } from './worker-protocol.js';
import { readStamp, STAMP_FILE, STAMP_VERSION } from './stamp.js';

/** Options of `extractFeatureArchive`. */
export interface ExtractOptions {
  items: readonly ArchiveItem[];
  /** Archive directory (created). */
  outDir: string;
  config: FeatureConfig;
  /** Worker threads (default 1); 0 computes in the calling thread. */
  numJobs?: number;
  /** Utterances per shard (default 500). Part of the layout, so part of the stamp. */
  uttsPerShard?: number;
  /** Recompute even when the stamp matches. */
  force?: boolean;
  onProgress?: (p: ArchiveProgress) => void;
}

/** Shard file name of shard n. */
export function shardName(n: number): string {
  return `feats.${n}.npy`;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function signatureOf(items: readonly ArchiveItem[], config: FeatureConfig, uttsPerShard: number): string {
  const inputs = items.map((it) => {
    let st;
    try {
      st = statSync(it.path);
    } catch {
      throw new HibikiError('FILE_NOT_FOUND', 'audio file does not exist', { file: it.path, utterance: it.utt });
    }
    return [it.utt, resolve(it.path), st.size, st.mtimeMs, it.start ?? 0, it.end ?? -1];
  });
  return sha256Hex(canonicalJson({ version: STAMP_VERSION, config, uttsPerShard, inputs }));
}

/**
 * How to start a worker: compiled JS from dist/ directly; TypeScript sources (tests, `npm run
 * hibiki`) through a tiny bootstrap that registers tsx in the worker first, because Node 20 does
 * not apply `--import tsx` loader hooks to a worker's entry module.
 */
function startWorker(): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./worker.js', self));
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', self).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
  return new Worker(bootstrap, { eval: true });
}

function runInWorkers(jobs: ShardJob[], numJobs: number, onUtterance: (frames: number, seconds: number) => void): Promise<ShardResult[]> {
  const results: ShardResult[] = new Array<ShardResult>(jobs.length);
  return new Promise((resolvePromise, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let failed = false;
    const fail = (e: Error): void => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(e);
    };
    // Workers told to exit (no more jobs) may end before the others finish; any other exit is a failure.
    const dismissed = new Set<Worker>();
    const dismiss = (w: Worker): void => {
      dismissed.add(w);
      w.postMessage({ type: 'exit' } satisfies ToWorker);
    };
    const feed = (w: Worker): void => {
      if (next < jobs.length) w.postMessage({ type: 'job', job: jobs[next++]! } satisfies ToWorker);
      else dismiss(w);
    };
    const count = Math.max(1, Math.min(numJobs, jobs.length));
    for (let i = 0; i < count; i++) {
      const w = startWorker();
      workers.push(w);
      w.on('message', (msg: FromWorker) => {
        if (msg.type === 'progress') onUtterance(msg.frames, msg.seconds);
        else if (msg.type === 'error') fail(deserializeError(msg.error));
        else {
          results[msg.result.index] = msg.result;
          done += 1;
          if (done === jobs.length) {
            for (const x of workers) if (!dismissed.has(x)) dismiss(x);
            resolvePromise(results);
          } else {
            feed(w);
          }
        }
      });
      w.on('error', (e) => fail(e instanceof Error ? e : new Error(String(e))));
      w.on('exit', (code) => {
        if (!dismissed.has(w)) fail(new HibikiError('WORKER_EXITED', `feature worker exited unexpectedly with code ${code}`, {}, 1));
      });
      feed(w);
    }
  });
}

/**
 * Extracts features of `items` into the archive directory `outDir`.
 * @returns a summary (utterances, frames, audio seconds, x real time); `skipped` when up to date
 * @throws HibikiError `DUPLICATE_UTTERANCE`, `FILE_NOT_FOUND`, audio errors, `FEATURE_DIM_MISMATCH`
 */
export async function extractFeatureArchive(options: ExtractOptions): Promise<ArchiveSummary> {
  const t0 = performance.now();
  const { outDir, config } = options;
  const uttsPerShard = options.uttsPerShard ?? 500;
  const items = [...options.items].sort((a, b) => compareIds(a.utt, b.utt));
  if (items.length === 0) {
    throw new HibikiError('ARCHIVE_NO_UTTERANCES', 'nothing to extract', { file: outDir, expected: 'at least one utterance', found: 'none' });
  }
  for (let i = 1; i < items.length; i++) {
    if (items[i]!.utt === items[i - 1]!.utt) {
      throw new HibikiError('DUPLICATE_UTTERANCE', 'utterance id listed twice', { utterance: items[i]!.utt, file: items[i]!.path });
    }
  }
  const signature = signatureOf(items, config, uttsPerShard);
  const stamp = readStamp(outDir);
  if (options.force !== true && stamp !== null && stamp.signature === signature) {
    const complete = existsSync(join(outDir, 'index.jsonl')) && Array.from({ length: stamp.summary.shards }, (_, n) => existsSync(join(outDir, shardName(n)))).every(Boolean);
    if (complete) return { ...stamp.summary, skipped: true, wallSeconds: (performance.now() - t0) / 1000, realTimeFactor: 0 };
  }
  // A run killed from here on leaves no stamp, so the next run recomputes.
  rmSync(join(outDir, STAMP_FILE), { force: true });
  const jobs: ShardJob[] = [];
  for (let s = 0; s * uttsPerShard < items.length; s++) {
    jobs.push({ index: s, outPath: resolve(outDir, shardName(s)), items: items.slice(s * uttsPerShard, (s + 1) * uttsPerShard), config });
  }
  let doneUtterances = 0;
  let frames = 0;
  let audioSeconds = 0;
  const onUtterance = (f: number, seconds: number): void => {
    doneUtterances += 1;
    frames += f;
    audioSeconds += seconds;
    options.onProgress?.({ doneUtterances, totalUtterances: items.length, frames, audioSeconds });
  };
  const numJobs = options.numJobs ?? 1;
  const results = numJobs <= 0 ? jobs.map((j) => computeShard(j, (_u, f, s) => onUtterance(f, s))) : await runInWorkers(jobs, numJobs, onUtterance);
  const summary = writeArchiveFiles(outDir, config, results, items.length, signature, t0);
  return summary;
}

function writeArchiveFiles(outDir: string, config: FeatureConfig, results: ShardResult[], utterances: number, signature: string, t0: number): ArchiveSummary {
  const withRows = results.filter((r) => r.entries.length > 0);
  const dim = withRows[0]?.dim ?? results[0]?.dim ?? 0;
  const bad = withRows.find((r) => r.dim !== dim);
  if (bad !== undefined) {
    throw new HibikiError('FEATURE_DIM_MISMATCH', 'utterances of one archive must share the feature dimension', {
      utterance: bad.entries[0]!.utt,
      expected: `dim ${dim}`,
      found: `dim ${bad.dim} (different sample rates? set sampleRate in the feature config)`,
    });
  }
  const entries: ArchiveEntry[] = [];
  const sums: CmvnSums[] = [];
  const tooShort: string[] = [];
  let frames = 0;
  let audioSeconds = 0;
  for (const r of results) {
    for (const e of r.entries) entries.push({ utt: e.utt, shard: shardName(r.index), offset: e.offset, frames: e.frames, dim: e.dim });
    if (r.dim === dim) sums.push({ dim, count: r.sums.count, sum: r.sums.sum, sumSq: r.sums.sumSq });
    tooShort.push(...r.tooShort);
    frames += r.frames;
    audioSeconds += r.audioSeconds;
  }
  // Shards of an earlier, larger layout would otherwise linger beside the new index.
  for (const name of existsSync(outDir) ? readdirSync(outDir) : []) {
    const m = /^feats\.(\d+)\.npy$/.exec(name);
    if (m !== null && Number(m[1]) >= results.length) rmSync(join(outDir, name), { force: true });
  }
  writeJsonl(join(outDir, 'index.jsonl'), entries);
  writeJsonAtomic(join(outDir, 'config.json'), config);
  writeJsonAtomic(join(outDir, 'stats.json'), cmvnSumsToJson(mergeCmvnSums(sums, dim)));
  const wallSeconds = (performance.now() - t0) / 1000;
  const summary: ArchiveSummary = {
    skipped: false,
    utterances: utterances - tooShort.length,
    tooShort,
    frames,
    dim,
    shards: results.length,
    audioSeconds,
    wallSeconds,
    realTimeFactor: wallSeconds > 0 ? audioSeconds / wallSeconds : 0,
  };
  writeJsonAtomic(join(outDir, STAMP_FILE), { version: STAMP_VERSION, signature, summary });
  return summary;
}
