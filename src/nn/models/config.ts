/**
 * Typed model configurations (zod), one schema per registry entry, discriminated by `type`.
 * Sizes that come from the data (input dimension, number of classes) are not part of the config;
 * they are passed to `buildModel` as a `ModelContext`.
 */
import { z } from 'zod';
import { HibikiError } from '../../errors.js';

const dropout = z.number().min(0).lt(1).default(0);
/** Output frame rate divisor of sequence models (a strided conv front); 1 keeps frames aligned. */
const subsampling = z.union([z.literal(1), z.literal(2), z.literal(3)]).default(1);

export const mlpConfigSchema = z
  .object({
    type: z.literal('mlp'),
    /** Hidden layer widths, e.g. [512, 512] for 143-512-512-K. */
    hidden: z.array(z.number().int().positive()).default([512, 512]),
    activation: z.enum(['relu', 'tanh', 'sigmoid', 'elu']).default('relu'),
    dropout,
  })
  .strict();

export const tdnnLayerSchema = z
  .object({
    units: z.number().int().positive(),
    /** Kernel size in frames (odd). */
    kernel: z.number().int().positive().default(3),
    /** Frame spacing of the kernel taps (offsets are dilation * (-(kernel-1)/2 .. (kernel-1)/2)). */
    dilation: z.number().int().positive().default(1),
  })
  .strict();

export const tdnnConfigSchema = z
  .object({
    type: z.literal('tdnn'),
    /** Default: the Kaldi-style context {-2..2}, {-2,0,2}, {-3,0,3}, {-3,0,3} with 256 units. */
    layers: z.array(tdnnLayerSchema).min(1).default([
      { units: 256, kernel: 5, dilation: 1 },
      { units: 256, kernel: 3, dilation: 2 },
      { units: 256, kernel: 3, dilation: 3 },
      { units: 256, kernel: 3, dilation: 3 },
    ]),
    dropout,
    subsampling,
  })
  .strict();

const recurrentFields = {
  /** Units per direction. */
  units: z.number().int().positive().default(128),
  /** Stacked bidirectional layers. */
  layers: z.number().int().positive().default(2),
  dropout,
  subsampling,
  /**
   * `fused` (default): hibiki's recurrent layer with one input projection for all frames and few
   * ops per step (much faster on tfjs); `tfjs`: tf.layers.gru/lstm inside tf.layers.bidirectional
   * (serialisable without hibiki's layer classes).
   */
  implementation: z.enum(['fused', 'tfjs']).default('fused'),
};

export const bigruConfigSchema = z.object({ type: z.literal('bigru'), ...recurrentFields }).strict();
export const bilstmConfigSchema = z.object({ type: z.literal('bilstm'), ...recurrentFields, implementation: z.literal('tfjs').default('tfjs') }).strict();

export const crnnConfigSchema = z
  .object({
    type: z.literal('crnn'),
    /** Conv blocks (3x3 conv, batch norm, ReLU, max-pool over frequency only, so frames stay aligned). */
    conv: z
      .array(z.object({ filters: z.number().int().positive(), pool: z.number().int().positive().default(2) }).strict())
      .min(1)
      .default([
        { filters: 32, pool: 2 },
        { filters: 32, pool: 2 },
        { filters: 32, pool: 2 },
      ]),
    units: z.number().int().positive().default(64),
    layers: z.number().int().positive().default(1),
    dropout,
    subsampling,
    implementation: z.enum(['fused', 'tfjs']).default('fused'),
  })
  .strict();

export const modelConfigSchema = z.discriminatedUnion('type', [mlpConfigSchema, tdnnConfigSchema, bigruConfigSchema, bilstmConfigSchema, crnnConfigSchema]);

export type MlpConfig = z.infer<typeof mlpConfigSchema>;
export type TdnnConfig = z.infer<typeof tdnnConfigSchema>;
export type BigruConfig = z.infer<typeof bigruConfigSchema>;
export type BilstmConfig = z.infer<typeof bilstmConfigSchema>;
export type CrnnConfig = z.infer<typeof crnnConfigSchema>;
export type ModelConfig = z.infer<typeof modelConfigSchema>;
export type ModelType = ModelConfig['type'];

/**
 * Validates a model config and fills defaults.
 * @throws HibikiError `MODEL_CONFIG_INVALID` naming the key.
 */
export function resolveModelConfig(input: unknown, source?: string): ModelConfig {
  const parsed = modelConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue === undefined ? '' : issue.path.join('.');
    throw new HibikiError('MODEL_CONFIG_INVALID', `invalid model config${key === '' ? '' : ` at "model.${key}"`}`, {
      ...(source === undefined ? {} : { file: source }),
      expected: issue?.message ?? 'a valid model config with type mlp | tdnn | bigru | bilstm | crnn',
      found: JSON.stringify(input),
    });
  }
  const cfg = parsed.data;
  if (cfg.type === 'tdnn') {
    cfg.layers.forEach((l, i) => {
      if (l.kernel % 2 === 0) {
        throw new HibikiError('MODEL_CONFIG_INVALID', `tdnn layer ${i} needs an odd kernel so frames stay centred`, {
          ...(source === undefined ? {} : { file: source }),
          expected: 'odd kernel',
          found: String(l.kernel),
        });
      }
    });
  }
  return cfg;
}
