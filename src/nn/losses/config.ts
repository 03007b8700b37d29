/**
 * The label-smoothing loss configuration (DESIGN.md, "The label smoothing family"), validated once
 * at the boundary with zod. Every field has a default, so `resolveLossConfig({})` is plain
 * cross-entropy and the resolved object has no optional fields.
 */
import { z } from 'zod';
import { HibikiError } from '../../errors.js';

/** Which target distribution replaces the one-hot label. */
export const SMOOTHING_KINDS = ['none', 'uniform', 'unigram', 'boundary', 'binary'] as const;
export type SmoothingKind = (typeof SMOOTHING_KINDS)[number];

export const lossConfigSchema = z
  .object({
    /**
     * `none` (plain CE), `uniform`, `unigram`, `boundary` (softmax over K classes) or `binary`
     * (multi-label: independent sigmoids, binary CE).
     */
    smoothing: z.enum(SMOOTHING_KINDS).default('none'),
    /** Smoothing weight eps in [0, 1). For `boundary` it is the weight at the boundary itself. */
    epsilon: z.number().min(0).lt(1).default(0.1),
    /** `uniform` only: `all` gives eps/K to every class (Szegedy), `others` eps/(K-1) to the wrong ones (ESPnet). */
    spread: z.enum(['all', 'others']).default('all'),
    /** `boundary` only: frames from a label boundary at which smoothing has faded to zero (> 0). */
    boundaryWidth: z.number().gt(0).default(3),
    /** `boundary` only: where the smoothed mass goes: the label across the boundary, or the prior. */
    boundaryTarget: z.enum(['neighbour', 'prior']).default('neighbour'),
    /** Confidence penalty weight beta >= 0: adds `-beta * H(p)` (softmax kinds only). 0 disables it. */
    confidencePenalty: z.number().min(0).default(0),
  })
  .strict();

/** Resolved loss configuration (no optional fields). */
export type LossConfig = z.infer<typeof lossConfigSchema>;

/**
 * Validates a user loss config (from YAML/JSON) and fills defaults.
 * @param source file the config came from, for the error message.
 * @throws HibikiError `LOSS_CONFIG_INVALID` naming the offending key.
 */
export function resolveLossConfig(input: unknown, source?: string): LossConfig {
  const parsed = lossConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue === undefined ? '' : issue.path.join('.');
    throw new HibikiError('LOSS_CONFIG_INVALID', `invalid loss config${key === '' ? '' : ` at "loss.${key}"`}`, {
      ...(source === undefined ? {} : { file: source }),
      expected: issue?.message ?? 'a valid loss config',
      found: JSON.stringify(input),
    });
  }
  const cfg = parsed.data;
  if (cfg.smoothing === 'binary' && cfg.confidencePenalty > 0) {
    throw new HibikiError('LOSS_CONFIG_INVALID', 'confidencePenalty applies to softmax losses, not to binary (multi-label)', {
      ...(source === undefined ? {} : { file: source }),
      expected: 'confidencePenalty: 0 with smoothing: binary',
      found: `confidencePenalty: ${cfg.confidencePenalty}`,
    });
  }
  return cfg;
}

/** True when the loss treats classes as independent sigmoids (multi-label sound events). */
export function isMultiLabel(cfg: LossConfig): boolean {
  return cfg.smoothing === 'binary';
}
