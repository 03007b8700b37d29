/**
 * Model export (DESIGN.md "Exported model"): a tfjs LayersModel directory (`model.json` +
 * `weights.bin`) plus `frontend.json` with everything inference needs besides the network: the
 * feature config, CMVN statistics, the label vocabulary and the task. Plain @tensorflow/tfjs loads
 * it in Node (with `loadExportedModel`) or in a browser (`tf.loadLayersModel(url + '/model.json')`
 * and a fetch of frontend.json) with no hibiki code: hibiki's own layers are rewritten into
 * standard tfjs layers (export-rewrite.ts, export-fused-gru.ts), checked against the original. A
 * model with the fused GRU also gets a compact copy in `fused/` that keeps the class, with the
 * standalone module registering it (export-layers-module.ts); `loadExportedModel` prefers it.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { validateConfig } from '../config/validate.js';
import { HibikiError } from '../errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';
import { log } from '../util/log.js';
import { LAYERS_MODULE_CLASSES, LAYERS_MODULE_FILE, LAYERS_MODULE_SOURCE } from './export-layers-module.js';
import { rewriteToStandardLayers } from './export-rewrite.js';
import { fileLoadHandler, fileSaveHandler, swapDir } from './model-io.js';
// Registers hibiki's layer classes, which loadExportedModel needs for the fused copy.
import '../nn/layers/index.js';

const frontendSchema = z.looseObject({
  format: z.literal('hibiki-frontend'),
  version: z.literal(1),
  /** The resolved FeatureConfig the model was trained on. */
  featureConfig: z.record(z.string(), z.unknown()),
  /** CMVN applied before the network, `[dim]` each; null when features are used raw. */
  cmvn: z.strictObject({ mean: z.array(z.number()), variance: z.array(z.number()).optional() }).nullable(),
  /** Output class labels, index = output unit (CTC: index 0 is the blank). */
  vocabulary: z.array(z.string()),
  /** e.g. `frame-classification`, `multi-label`, `ctc`. */
  task: z.string().min(1),
  /** Frames of context spliced on each side of the input (frame classifiers). */
  context: z.number().int().min(0).optional(),
  /** Unigram label prior (smoothing and posterior-to-likelihood conversion), `[classes]`. */
  labelPrior: z.array(z.number()).optional(),
  /** Custom (non-tfjs) layer classes the model needs registered before loading. */
  customLayers: z.array(z.string()).optional(),
  /** The standalone module in the export directory that registers `customLayers` (see docs/training.md). */
  layersModule: z.string().optional(),
  /**
   * Subdirectory with the same network keeping hibiki's fused GRU class (compact and fast; its own
   * model.json, weights.bin and layers module); `loadExportedModel` prefers it.
   */
  fusedModel: z.string().optional(),
});

/** Contents of frontend.json; extra keys are kept. */
export type Frontend = z.output<typeof frontendSchema>;

/** What the caller gives `exportModel` (format and version are filled in; extra keys are kept). */
export interface FrontendInput {
  featureConfig: object;
  /** `[dim]` each; null or absent when features are used raw. */
  cmvn?: { mean: ArrayLike<number>; variance?: ArrayLike<number> } | null;
  vocabulary: readonly string[];
  task: string;
  context?: number;
  labelPrior?: ArrayLike<number>;
  [extra: string]: unknown;
}

/**
 * Rewrites training-only custom layers into plain tfjs ones so that the export loads without
 * hibiki: `HibikiSeededDropout` (identity at inference) becomes a standard `Dropout` of the same
 * rate. Other classes named `Hibiki*` are collected into `custom`.
 */
function rewriteTopology(node: unknown, custom: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteTopology(n, custom));
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  if (obj['class_name'] === 'HibikiSeededDropout') {
    const config = (obj['config'] ?? {}) as Record<string, unknown>;
    return {
      ...obj,
      class_name: 'Dropout',
      config: { name: config['name'], trainable: config['trainable'] ?? true, dtype: config['dtype'] ?? 'float32', rate: config['rate'] },
    };
  }
  if (typeof obj['class_name'] === 'string' && obj['class_name'].startsWith('Hibiki')) custom.add(obj['class_name']);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = rewriteTopology(v, custom);
  return out;
}

function inferenceTopology(inner: tf.io.IOHandler, custom: Set<string>): tf.io.IOHandler {
  return {
    save: (artifacts) => {
      const rewritten: tf.io.ModelArtifacts = { ...artifacts };
      if (artifacts.modelTopology !== undefined) {
        rewritten.modelTopology = rewriteTopology(artifacts.modelTopology, custom) as NonNullable<tf.io.ModelArtifacts['modelTopology']>;
      }
      return inner.save!(rewritten);
    },
  };
}

/**
 * The model rewritten into standard tfjs layers (export-rewrite.ts), checked on a random input
 * against the original; null when there is nothing to rewrite or the check fails (then the
 * original is exported with its custom classes and the layers module).
 */
function standardLayersModel(model: tf.LayersModel, options: ExportOptions): tf.LayersModel | null {
  const plain = rewriteToStandardLayers(model, { keepFusedGru: options.fusedGru === 'custom-layer' });
  if (plain === null) return null;
  // No tf.tidy around predict: tfjs-layers caches tensors on first use, which a tidy would dispose.
  const xs = model.inputs.map((s, i) => {
    const x = tf.randomNormal(s.shape.map((d, k) => d ?? (k === 0 ? 2 : 13)), 0, 1, 'float32', 17 + i);
    if (x.rank !== 3 || x.shape[0] !== 2 || x.shape[1]! < 4) return x;
    // The second item ends with zero (padding) frames, so masking is compared too.
    const keep = tf.tidy(() => tf.concat([tf.ones([1, x.shape[1]!, 1]), tf.concat([tf.ones([1, x.shape[1]! - 3, 1]), tf.zeros([1, 3, 1])], 1)], 0));
    const padded = tf.mul(x, keep);
    tf.dispose([x, keep]);
    return padded;
  });
  const a = model.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor;
  const b = plain.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor;
  const worst = tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.maximum(1, tf.max(tf.abs(a))))).dataSync()[0]!);
  tf.dispose([...xs, a, b]);
  if (worst <= 1e-4) return plain;
  log('warn', 'the standard-layer rewrite of the model did not reproduce it; exporting the custom layers instead', { relativeDifference: worst });
  plain.dispose();
  return null;
}

/** Subdirectory of the compact copy with the fused GRU class. */
const FUSED_DIR = 'fused';

/** Export choices. */
export interface ExportOptions {
  /**
   * `standard-layers` (default): `HibikiFusedBiGRU` becomes a standard Bidirectional LSTM that runs
   * the same cell in three sub-steps per frame (export-fused-gru.ts): plain tfjs loads it, at the
   * price of larger weights and slower inference. `custom-layer`: the class is kept and the
   * standalone `hibiki-layers.mjs` that registers it is shipped (compact and fast, one import).
   */
  fusedGru?: 'standard-layers' | 'custom-layer';
}

/** Picks the model of an experiment: `best/` when validation ran, else `final/`. */
export function experimentModelDir(expDir: string): string {
  for (const sub of ['best', 'final']) {
    if (existsSync(join(expDir, sub, 'model.json'))) return join(expDir, sub);
  }
  throw new HibikiError('MODEL_NOT_FOUND', 'the experiment has no trained model yet', {
    file: expDir,
    expected: 'best/model.json or final/model.json (written by training)',
    found: 'neither',
  });
}

/**
 * Writes an exported model to `outDir` (replaced atomically as a whole).
 * @param source an experiment directory (its best/ or final/ model) or a model in memory
 * @param frontend feature config, CMVN `[dim]`, vocabulary, task, ...
 * @param options how to export hibiki's fused GRU (default: as standard layers)
 */
export async function exportModel(source: string | tf.LayersModel, outDir: string, frontend: FrontendInput, options: ExportOptions = {}): Promise<void> {
  const model = typeof source === 'string' ? await tf.loadLayersModel(fileLoadHandler(experimentModelDir(source))) : source;
  const doc = validateConfig(
    frontendSchema,
    {
      ...frontend,
      vocabulary: [...frontend.vocabulary],
      ...(frontend.labelPrior === undefined ? {} : { labelPrior: Array.from(frontend.labelPrior) }),
      format: 'hibiki-frontend',
      version: 1,
      cmvn:
        frontend.cmvn === undefined || frontend.cmvn === null
          ? null
          : {
              mean: Array.from(frontend.cmvn.mean),
              ...(frontend.cmvn.variance === undefined ? {} : { variance: Array.from(frontend.cmvn.variance) }),
            },
    },
    { what: 'frontend' },
  );
  const outputs = model.outputs[0]?.shape.at(-1);
  if (typeof outputs === 'number' && doc.vocabulary.length !== outputs) {
    throw new HibikiError('EXPORT_VOCABULARY_MISMATCH', 'vocabulary size differs from the model output size', {
      expected: `${outputs} labels`,
      found: String(doc.vocabulary.length),
    });
  }
  const tmp = `${outDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const custom = new Set<string>();
  const plain = standardLayersModel(model, options);
  try {
    await (plain ?? model).save(inferenceTopology(fileSaveHandler(tmp), custom));
  } finally {
    plain?.dispose();
  }
  if (plain !== null && options.fusedGru !== 'custom-layer' && model.layers.some((l) => l.getClassName() === 'HibikiFusedBiGRU')) {
    // The standard-layer GRU is several times larger and slower: hibiki itself (and browser users
    // who import the module) load this compact copy with the fused class instead.
    const compact = rewriteToStandardLayers(model, { keepFusedGru: true });
    try {
      await (compact ?? model).save(inferenceTopology(fileSaveHandler(join(tmp, FUSED_DIR)), new Set()));
    } finally {
      compact?.dispose();
    }
    writeFileAtomic(join(tmp, FUSED_DIR, LAYERS_MODULE_FILE), LAYERS_MODULE_SOURCE);
    doc['fusedModel'] = FUSED_DIR;
  }
  if (custom.size > 0) {
    doc['customLayers'] = [...custom].sort();
    const unknown = [...custom].filter((c) => !LAYERS_MODULE_CLASSES.includes(c));
    if (unknown.length === 0) {
      // Plain tfjs loads the model once this module (no imports, no hibiki code) registered them.
      writeFileAtomic(join(tmp, LAYERS_MODULE_FILE), LAYERS_MODULE_SOURCE);
      doc['layersModule'] = LAYERS_MODULE_FILE;
    } else {
      log('warn', 'the exported model uses custom layer classes: register them before loading it', { classes: unknown });
    }
  }
  writeJsonAtomic(join(tmp, 'frontend.json'), doc);
  swapDir(tmp, outDir);
  if (typeof source === 'string') model.dispose();
}

/**
 * Loads an exported model directory with plain @tensorflow/tfjs.
 * @throws HibikiError `MODEL_NOT_FOUND`, `MODEL_INVALID`, `CONFIG_INVALID` (frontend.json)
 */
export async function loadExportedModel(dir: string): Promise<{ model: tf.LayersModel; frontend: Frontend }> {
  const path = join(dir, 'frontend.json');
  if (!existsSync(path)) throw new HibikiError('MODEL_NOT_FOUND', 'no frontend.json in the exported model', { file: dir });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new HibikiError('MODEL_INVALID', 'frontend.json is not valid JSON', { file: path, cause });
  }
  const frontend = validateConfig(frontendSchema, raw, { file: path, what: 'frontend.json' });
  const fused = frontend.fusedModel;
  const fusedDir = fused === undefined || !/^[\w-]+$/.test(fused) ? null : join(dir, fused);
  const model = await tf.loadLayersModel(fileLoadHandler(fusedDir !== null && existsSync(join(fusedDir, 'model.json')) ? fusedDir : dir));
  return { model, frontend };
}
