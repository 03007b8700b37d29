/**
 * `hibiki decode --model <exp> --data <dir> --out <dir> [--beam N]`: CTC models write sclite
 * `hyp.trn` and `ref.trn`; frame classifiers per-frame labels and the predicted alignment;
 * multi-label models a DCASE event list (docs/cli.md).
 */
import type { Command } from 'commander';
import type { BackendName } from '../../nn/index.js';
import { CLI_BACKEND_NAMES as BACKEND_NAMES } from './choices.js';
import { intOption, setNameOf } from './train.js';

interface DecodeCliOptions {
  backend?: BackendName;
  model: string;
  data: string;
  out: string;
  beam?: string;
  nj: string;
  allowOutsidePaths: boolean;
}

/** Registers `hibiki decode`. */
export function registerDecode(program: Command): void {
  program
    .command('decode')
    .description('decode a data set with a trained experiment: hyp.trn/ref.trn (ctc), frame labels (frame), detected.tsv (multilabel)')
    .requiredOption('--model <exp>', 'experiment directory trained by hibiki train')
    .requiredOption('--data <dir>', 'data directory to decode')
    .requiredOption('--out <dir>', 'output directory')
    .option('--beam <n>', 'ctc: beam width (0 or 1: greedy; default: the config)')
    .option('--backend <name>', `tfjs backend: ${BACKEND_NAMES.join(' | ')} (default: the experiment config's)`)
    .option('--nj <n>', 'feature extraction threads (0: in the main thread)', '1')
    .option('--allow-outside-paths', 'accept wav.scp paths outside the data directory', false)
    .action(async (opts: DecodeCliOptions) => {
      const { decodeExperiment } = await import('../../pipeline/index.js');
      const s = await decodeExperiment({
        expDir: opts.model,
        data: { dataDir: opts.data, name: setNameOf(opts.data) },
        outDir: opts.out,
        numJobs: intOption(opts.nj, '--nj'),
        allowOutside: opts.allowOutsidePaths,
        ...(opts.beam === undefined ? {} : { beam: intOption(opts.beam, '--beam') }),
        ...(opts.backend === undefined ? {} : { backend: opts.backend }),
      });
      process.stdout.write(`decoded ${s.utterances} utterances: ${s.files.join(', ')}\n`);
    });
}
