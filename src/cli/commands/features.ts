/**
 * `hibiki features --data <data dir | wav list> --out <dir> [--config <yaml|json>] [--nj N]`:
 * computes a feature archive (docs/features.md). Progress is a bar on a TTY and JSON lines
 * otherwise; the run ends with a summary (utterances, frames, audio seconds, x real time).
 */
import type { Command } from 'commander';
import type cliProgress from 'cli-progress';
import { HibikiError } from '../../errors.js';
import type { ArchiveProgress, ArchiveSummary } from '../../data/archive/index.js';

interface FeaturesCliOptions {
  data: string;
  out: string;
  config?: string;
  set?: string[];
  nj: string;
  uttsPerShard: string;
  force?: boolean;
  json?: boolean;
  allowOutsidePaths?: boolean;
}

function positiveInt(text: string, option: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw new HibikiError('USAGE', `bad value for ${option}`, { expected: `an integer >= ${min}`, found: text });
  }
  return n;
}

function summaryText(s: ArchiveSummary, out: string): string {
  if (s.skipped) return `${out}: up to date (${s.utterances} utterances, ${s.frames} frames), nothing to do\n`;
  let text = `${out}: ${s.utterances} utterances, ${s.frames} frames of dim ${s.dim} in ${s.shards} shard(s), ` +
    `${s.audioSeconds.toFixed(1)} s of audio in ${s.wallSeconds.toFixed(2)} s (${s.realTimeFactor.toFixed(0)}x real time)\n`;
  if (s.tooShort.length > 0) text += `skipped ${s.tooShort.length} utterance(s) shorter than one frame: ${s.tooShort.slice(0, 5).join(', ')}${s.tooShort.length > 5 ? ', ...' : ''}\n`;
  return text;
}

/** Registers `features`. */
export function registerFeatures(program: Command): void {
  program
    .command('features')
    .description('compute MFCC / fbank features of a data directory (wav.scp + segments) or wav list into a feature archive')
    .requiredOption('--data <path>', 'Kaldi data directory (wav.scp, optional segments) or a wav list file (`path` or `utt path` per line)')
    .requiredOption('--out <dir>', 'archive directory: feats.<n>.npy, index.jsonl, config.json, stats.json')
    .option('--config <file>', 'feature config (YAML or JSON), options as in docs/features.md')
    .option('--set <key=value...>', 'override config options, e.g. --set kind=fbank numMelBins=40')
    .option('--nj <n>', 'worker threads', '1')
    .option('--utts-per-shard <n>', 'utterances per .npy shard', '500')
    .option('--force', 'recompute even when the archive is up to date')
    .option('--json', 'JSON lines progress and summary even on a terminal')
    .option('--allow-outside-paths', 'accept wav.scp paths outside the data directory (absolute or ../)')
    .action(async (opts: FeaturesCliOptions) => {
      const [{ default: progress }, { applyOverrides, loadConfigFile }, { resolveFeatureConfig }, { extractFeatureArchive, readArchiveItems }] = await Promise.all([
        import('cli-progress'),
        import('../../config/index.js'),
        import('../../features/index.js'),
        import('../../data/archive/index.js'),
      ]);
      let raw: unknown = {};
      if (opts.config !== undefined) raw = loadConfigFile(opts.config).value ?? {};
      if (opts.set !== undefined) raw = applyOverrides(raw, opts.set);
      const config = resolveFeatureConfig(raw, opts.config);
      const items = readArchiveItems(opts.data, { allowOutside: opts.allowOutsidePaths === true });
      const numJobs = positiveInt(opts.nj, '--nj', 0);
      const uttsPerShard = positiveInt(opts.uttsPerShard, '--utts-per-shard', 1);
      const tty = process.stderr.isTTY === true && opts.json !== true;
      let bar: cliProgress.SingleBar | null = null;
      let lastLine = 0;
      const onProgress = (p: ArchiveProgress): void => {
        if (tty) {
          if (bar === null) {
            bar = new progress.SingleBar({ format: 'features [{bar}] {value}/{total} utts | {frames} frames | {audio} s audio | eta {eta_formatted}', stream: process.stderr }, progress.Presets.shades_classic);
            bar.start(p.totalUtterances, 0, { frames: 0, audio: '0' });
          }
          bar.update(p.doneUtterances, { frames: p.frames, audio: p.audioSeconds.toFixed(0) });
          return;
        }
        // At most about twice a second, plus the last one, so logs stay small.
        const now = Date.now();
        if (now - lastLine >= 500 || p.doneUtterances === p.totalUtterances) {
          lastLine = now;
          process.stdout.write(JSON.stringify({ event: 'progress', ...p }) + '\n');
        }
      };
      try {
        const summary = await extractFeatureArchive({ items, outDir: opts.out, config, numJobs, uttsPerShard, force: opts.force === true, onProgress });
        (bar as cliProgress.SingleBar | null)?.stop();
        if (tty) process.stdout.write(summaryText(summary, opts.out));
        else process.stdout.write(JSON.stringify({ event: 'summary', out: opts.out, ...summary }) + '\n');
      } finally {
        (bar as cliProgress.SingleBar | null)?.stop();
      }
    });
}
