/**
 * `hibiki train --config <yaml> --data <train dir> [--dev <dir>] --exp <dir> [--set k=v]...
 * [--resume] [--backend B]`: validates the experiment config, then runs `trainExperiment`
 * (docs/experiments.md, docs/cli.md).
 */
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { HibikiError } from '../../errors.js';
import { CLI_BACKEND_NAMES as BACKEND_NAMES } from './choices.js';

interface TrainCliOptions {
  config: string;
  data: string;
  dev?: string;
  exp: string;
  set: string[];
  resume: boolean;
  backend?: string;
  nj: string;
  allowOutsidePaths: boolean;
  json: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Parses a non-negative integer option. */
export function intOption(text: string, option: string, min = 0): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min) throw new HibikiError('USAGE', `bad value for ${option}`, { expected: `an integer >= ${min}`, found: text });
  return n;
}

/** The set name of a data directory: its base name (`data/dev` -> `dev`). */
export function setNameOf(dir: string): string {
  return basename(resolve(dir));
}

/** Registers `hibiki train`. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a frame, multi-label or CTC model: features, vocabulary, batches, model, loss, loop, export to <exp>/model')
    .requiredOption('--config <yaml>', 'experiment config (docs/experiments.md)')
    .requiredOption('--data <dir>', 'training data directory')
    .option('--dev <dir>', 'dev data directory: validation at each epoch end, best model, early stopping')
    .requiredOption('--exp <dir>', 'experiment directory (config.yaml, train.jsonl, checkpoints/, best/, model/)')
    .option('--set <key=value>', 'override a config value (dotted path; repeatable)', collect, [])
    .option('--resume', 'continue from the newest checkpoint', false)
    .option('--backend <name>', `tfjs backend: ${BACKEND_NAMES.join(' | ')} (overrides the config; HIBIKI_BACKEND overrides both)`)
    .option('--nj <n>', 'feature extraction threads (0: in the main thread)', '1')
    .option('--allow-outside-paths', 'accept wav.scp paths outside the data directory', false)
    .option('--json', 'print the summary as JSON', false)
    .action(async (opts: TrainCliOptions) => {
      const { resolveExperimentConfig, trainExperiment } = await import('../../pipeline/index.js');
      const overrides = [...opts.set, ...(opts.backend === undefined ? [] : [`backend=${opts.backend}`])];
      const config = resolveExperimentConfig({ file: opts.config, overrides });
      const summary = await trainExperiment({
        config,
        train: { dataDir: opts.data, name: setNameOf(opts.data) === setNameOf(opts.dev ?? '\0') ? 'train' : setNameOf(opts.data) },
        ...(opts.dev === undefined ? {} : { dev: { dataDir: opts.dev, name: setNameOf(opts.dev) === setNameOf(opts.data) ? 'dev' : setNameOf(opts.dev) } }),
        expDir: opts.exp,
        resume: opts.resume,
        numJobs: intOption(opts.nj, '--nj'),
        allowOutside: opts.allowOutsidePaths,
      });
      if (opts.json) {
        process.stdout.write(JSON.stringify(summary) + '\n');
      } else {
        const best = summary.best === null ? '' : `, best ${summary.best.metric} ${summary.best.value.toFixed(4)} at epoch ${summary.best.epoch}`;
        process.stdout.write(`${summary.status}: ${summary.epoch} epochs, ${summary.step} steps on ${summary.backend.name}${best}\n`);
        process.stdout.write(summary.modelDir === null ? `interrupted: continue with --resume\n` : `model: ${summary.modelDir}\n`);
      }
      if (summary.status === 'interrupted') process.exitCode = 130;
    });
}
