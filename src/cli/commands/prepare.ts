/**
 * `hibiki prepare --format <fmt> --in <path> --out <data dir>`: import labelled audio into a data
 * directory (docs/data.md lists the formats and their options).
 */
import { Option, type Command } from 'commander';
import type { PrepareOptions } from '../../data/importers/prepare.js';
import { CLI_PREPARE_FORMATS as PREPARE_FORMATS } from './choices.js';

interface PrepareCliOptions {
  format: PrepareOptions['format'];
  in: string;
  out: string;
  audio?: string;
  labels?: string;
  tier?: string;
  emptyLabel: string;
  dropEmpty?: boolean;
  labForm: NonNullable<PrepareOptions['labForm']>;
  audacityAs: NonNullable<PrepareOptions['audacityAs']>;
  phoneSet: NonNullable<PrepareOptions['phoneSet']>;
  includeSa?: boolean;
  requireLabels?: boolean;
}

/** Registers `prepare`. */
export function registerPrepare(program: Command): void {
  program
    .command('prepare')
    .description('import labelled audio (wav folders with side-car labels, TIMIT, TextGrid, .lab, Audacity, DCASE lists, class folders, transcripts) into a data directory')
    .addOption(new Option('--format <fmt>', 'input format').choices([...PREPARE_FORMATS]).makeOptionMandatory())
    .requiredOption('--in <path>', 'input folder (or list/transcript file for dcase and transcript)')
    .requiredOption('--out <dir>', 'data directory to write (TIMIT: <dir>/train, <dir>/dev, <dir>/test)')
    .option('--audio <dir>', 'dcase/transcript: folder holding the audio (default: the folder of --in)')
    .option('--labels <dir>', 'wav-folder formats: folder mirroring --in that holds the side-cars (e.g. aligner output), searched before --in')
    .option('--tier <name>', 'TextGrid tier (default: the only interval tier, else "phones"); TIMIT: phones or words')
    .option('--empty-label <label>', 'label of empty TextGrid intervals', 'sil')
    .option('--drop-empty', 'drop empty TextGrid intervals instead (leaves gaps)')
    .addOption(new Option('--lab-form <form>', '.lab form').choices(['auto', 'htk', 'seconds', 'festival']).default('auto'))
    .addOption(new Option('--audacity-as <what>', 'Audacity label tracks become').choices(['events', 'alignment']).default('events'))
    .addOption(new Option('--phone-set <n>', 'TIMIT: fold the 61 phones to 48 or 39').choices(['61', '48', '39']).default('61'))
    .option('--include-sa', 'TIMIT: keep the SA sentences')
    .option('--require-labels', 'fail when an audio file has no side-car label file')
    .action(async (opts: PrepareCliOptions) => {
      const input: PrepareOptions = {
        format: opts.format,
        in: opts.in,
        out: opts.out,
        emptyLabel: opts.emptyLabel,
        dropEmpty: opts.dropEmpty === true,
        labForm: opts.labForm,
        audacityAs: opts.audacityAs,
        phoneSet: opts.phoneSet,
        includeSa: opts.includeSa === true,
        requireLabels: opts.requireLabels === true,
      };
      if (opts.audio !== undefined) input.audio = opts.audio;
      if (opts.labels !== undefined) input.labels = opts.labels;
      if (opts.tier !== undefined) input.tier = opts.tier;
      const { prepareDataDir } = await import('../../data/importers/prepare.js');
      const result = prepareDataDir(input);
      for (const w of result.written) {
        const note = w.outsidePaths ? ' (audio outside the directory: read it with --allow-outside-paths or HIBIKI_ALLOW_OUTSIDE_PATHS=1)' : '';
        process.stdout.write(`${w.dir}: ${w.utterances} utterances${note}\n`);
      }
    });
}
