/**
 * `hibiki validate-data <dir>`: every problem of a data directory with file and line (docs/data.md,
 * "Validation"). Exit code 2 when there is at least one error, 0 otherwise (warnings only).
 */
import type { Command } from 'commander';
import { EXIT_USER_ERROR } from '../../errors.js';
import type { ValidateOptions } from '../../data/datadir/validate.js';

interface ValidateDataCliOptions {
  json?: boolean;
  vocab?: string;
  unkMap?: boolean;
  allowOutsidePaths?: boolean;
  tolerance?: string;
  skipAudio?: boolean;
}

/** Registers `validate-data`. */
export function registerValidateData(program: Command): void {
  program
    .command('validate-data')
    .description('check a data directory (wav.scp, segments, utt2spk, text, alignment, events.tsv) and report every problem with file and line')
    .argument('<dir>', 'data directory')
    .option('--json', 'print the report as JSON')
    .option('--vocab <file>', 'also check every label against this vocabulary (one label per line)')
    .option('--unk-map', 'labels missing from --vocab map to <unk> (reported as warnings) instead of being errors')
    .option('--allow-outside-paths', 'accept wav.scp paths outside the data directory (absolute or ../)')
    .option('--tolerance <seconds>', 'slack for "past the end" and "gap" checks', '0.01')
    .option('--skip-audio', 'do not open the audio files (no existence or duration checks)')
    .action(async (dir: string, opts: ValidateDataCliOptions) => {
      const [{ formatFinding, validateDataDir }, { Vocabulary }] = await Promise.all([import('../../data/datadir/validate.js'), import('../../data/vocab/vocabulary.js')]);
      const options: ValidateOptions = {};
      if (opts.allowOutsidePaths === true) options.allowOutside = true;
      if (opts.skipAudio === true) options.skipAudio = true;
      if (opts.vocab !== undefined) options.vocabulary = Vocabulary.read(opts.vocab, { unk: opts.unkMap === true ? 'map' : 'error' });
      const tol = Number(opts.tolerance);
      if (Number.isFinite(tol) && tol >= 0) options.tolerance = tol;
      const report = validateDataDir(dir, options);
      if (opts.json === true) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else {
        for (const f of report.findings) process.stdout.write(formatFinding(f) + '\n');
        process.stdout.write(`${dir}: ${report.utterances} utterances, ${report.errors} errors, ${report.warnings} warnings\n`);
      }
      if (report.errors > 0) process.exitCode = EXIT_USER_ERROR;
    });
}
