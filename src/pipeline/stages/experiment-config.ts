/**
 * A recipe holds an experiment config (src/pipeline/experiment) as top-level sections: `task`,
 * `features`, `cmvn`, `labels`, `batches`, `model`, `loss`, `train`, `eval`, `backend`, and the
 * recipe's `seed`. Studies vary them with plain dotted paths (`loss.smoothing`, `train.epochs`).
 */
import { join } from 'node:path';
import { isPlainObject } from '../../config/index.js';
import { HibikiError } from '../../errors.js';
import { parseExperimentConfig, type ExperimentConfig } from '../experiment/config.js';
import type { StageContext } from '../registry.js';

/** Top-level recipe keys that make up the experiment config (all in the train stage's slice). */
export const EXPERIMENT_KEYS = ['task', 'backend', 'features', 'cmvn', 'labels', 'batches', 'model', 'loss', 'train', 'eval'] as const;

/**
 * The experiment config of a recipe, validated (`CONFIG_INVALID` names the recipe file).
 * @param section a top-level section whose keys replace the experiment keys (e.g. `ctc: { task: ctc,
 *   model: {...} }` for a second model of the same recipe); null for none
 */
export function experimentConfigOf(ctx: StageContext, section: string | null = null): ExperimentConfig {
  let value: Record<string, unknown> = { seed: ctx.config['seed'] ?? 0 };
  for (const k of EXPERIMENT_KEYS) if (ctx.config[k] !== undefined) value[k] = ctx.config[k];
  if (section !== null) {
    const over = ctx.config[section];
    if (!isPlainObject(over)) {
      throw new HibikiError('CONFIG_INVALID', `stage ${ctx.stage.name}: options.section names no mapping`, { file: join(ctx.recipe.dir, 'recipe.yaml'), expected: 'a top-level mapping of experiment keys', found: `${section}: ${JSON.stringify(over)}` });
    }
    if (!(section in ctx.slice)) {
      throw new HibikiError('CONFIG_INVALID', `stage ${ctx.stage.name} reads section "${section}" but does not list it in its config`, { file: join(ctx.recipe.dir, 'recipe.yaml'), expected: `config: [${section}] on the stage entry (else its stamp ignores it)`, found: 'not in the slice' });
    }
    // Whole keys are replaced, not merged: a CTC section's model is another model, not a patch.
    value = { ...value, ...over };
  }
  return parseExperimentConfig(value, join(ctx.recipe.dir, 'recipe.yaml'));
}
