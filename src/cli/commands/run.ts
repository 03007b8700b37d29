/**
 * `hibiki run <recipe>`: runs a recipe's stages, skipping those whose stamps are up to date.
 * See docs/recipes.md.
 */
import type { Command } from 'commander';
import { HibikiError } from '../../errors.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInt(flag: string, code: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1) {
      throw new HibikiError(code, `bad ${flag}`, { expected: 'a positive integer', found: value });
    }
    return Number(value);
  };
}

/** Registers `hibiki run`. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a recipe: stages in order, each skipped when its stamp is up to date')
    .argument('<recipe>', 'recipe folder (holding recipe.yaml) or a recipe.yaml file')
    .option('--stage <n>', 'first stage to run (0-based index or name)')
    .option('--stop-stage <m>', 'last stage to run, inclusive (index or name)')
    .option('--set <key=value>', 'override a config value (dotted path; repeatable); study=<name> runs a study', collect, [])
    .option('--tag <tag>', 'experiment tag: output goes to <exp-root>/<recipe>/<tag>/ (default "default", or the study name)')
    .option('--nj <n>', 'parallel jobs for stages that use them', positiveInt('--nj', 'RUN_BAD_NJ'), 1)
    .option('--jobs <n>', 'study runs at once, each in its own process (with --set study=...)', positiveInt('--jobs', 'RUN_BAD_JOBS'), 1)
    .option('--force', 'rerun the selected stages even when up to date', false)
    .option('--dry-run', 'say what would run, run nothing', false)
    .option('--exp-root <dir>', 'root of experiment directories', 'exp')
    .option('--data-root <dir>', 'root for generated data', 'data')
    .action(async (recipe: string, opts: { stage?: string; stopStage?: string; set: string[]; tag?: string; nj: number; jobs: number; force: boolean; dryRun: boolean; expRoot: string; dataRoot: string }) => {
      const { formatRunSummary, runRecipe } = await import('../../pipeline/index.js');
      const summary = await runRecipe({
        recipe,
        overrides: opts.set,
        nj: opts.nj,
        jobs: opts.jobs,
        force: opts.force,
        dryRun: opts.dryRun,
        expRoot: opts.expRoot,
        dataRoot: opts.dataRoot,
        ...(opts.stage === undefined ? {} : { stage: opts.stage }),
        ...(opts.stopStage === undefined ? {} : { stopStage: opts.stopStage }),
        ...(opts.tag === undefined ? {} : { tag: opts.tag }),
      });
      process.stdout.write(formatRunSummary(summary));
      process.stdout.write(`experiment: ${summary.expDir}\n`);
    });
}
