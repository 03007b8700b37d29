/**
 * `hibiki report --exp <dir> [--compare <exp>...] [--out <file>]`: one self-contained report.html
 * (training curves, confusion, reliability, per-class tables, sound-event timelines, comparison).
 */
import type { Command } from 'commander';

interface ReportCliOptions {
  exp: string;
  compare?: string[];
  out?: string;
  timelines: string;
}

/** Registers the `report` command. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report (no network needed to open it) for one or more experiments')
    .requiredOption('--exp <dir>', 'experiment directory (train.jsonl, eval/<set>/metrics.json)')
    .option('--compare <dirs...>', 'further experiment directories to compare side by side')
    .option('--out <file>', 'output file (default <exp>/report.html)')
    .option('--timelines <n>', 'sound-event timelines shown per evaluated set', '3')
    .action(async (opts: ReportCliOptions) => {
      const n = Number(opts.timelines);
      const { writeReport } = await import('../../eval/report/write-report.js');
      const out = await writeReport({
        expDirs: [opts.exp, ...(opts.compare ?? [])],
        ...(opts.out !== undefined ? { out: opts.out } : {}),
        maxTimelines: Number.isInteger(n) && n >= 0 ? n : 3,
      });
      process.stdout.write(`wrote ${out}\n`);
    });
}
