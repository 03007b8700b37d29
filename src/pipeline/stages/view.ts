/**
 * Experiment views. evaluateExperiment/decodeExperiment write `eval/<set>/` and `decode/<set>/`
 * inside an experiment directory, but a stage may write only into its own output directory: a
 * write into the train stage's directory would change its stamp and retrain it on the next run.
 * So eval, decode and report stages work in a view: their own directory holding symbolic links to
 * every entry of the trained experiment (config.yaml, model/, train.jsonl, ...) plus their own
 * results.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { HibikiError } from '../../errors.js';

/** Entries a view makes itself rather than linking. */
const OWN = new Set(['eval', 'decode', 'report.html', 'checkpoints', 'feats', 'view.json']);

/**
 * Links every entry of `expDir` (except eval/, decode/, checkpoints/, feats/, report.html) into
 * `viewDir`, absolute links.
 * @throws HibikiError `EXPERIMENT_NOT_FOUND` when expDir holds no trained experiment
 */
export function makeView(expDir: string, viewDir: string): void {
  if (!existsSync(join(expDir, 'config.yaml'))) {
    throw new HibikiError('EXPERIMENT_NOT_FOUND', 'the upstream stage holds no trained experiment', { file: expDir, expected: 'config.yaml and model/ written by a train stage', found: 'none' });
  }
  mkdirSync(viewDir, { recursive: true });
  for (const name of readdirSync(expDir)) {
    if (OWN.has(name) || name.startsWith('.')) continue;
    const link = join(viewDir, name);
    if (existsSync(link) || isLink(link)) continue;
    symlinkSync(join(expDir, name), link);
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
