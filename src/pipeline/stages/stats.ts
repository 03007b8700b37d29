/**
 * `stats`: label statistics of the prepared sets and the chance levels the smoke tests and
 * RESULTS.md compare against: per set, frames (or tokens) per class, and the error of the best
 * predictor that ignores the audio: the training majority class (frame error rate), "every class
 * active everywhere" (multi-label frame F1), the empty hypothesis (CTC token error rate = 1).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../../util/atomic.js';
import { alignmentSource, buildVocabulary, eventSource, openDataset, textSource, type OpenDataset } from '../experiment/datasets.js';
import type { ExperimentConfig } from '../experiment/config.js';
import type { Vocabulary } from '../../data/index.js';
import type { StageContext, StageKind } from '../registry.js';
import { allowOutsideOf, dataDirOf, isSkipped, markSkipped, readSets } from './sets.js';
import { experimentConfigOf } from './experiment-config.js';

const optionsSchema = z.strictObject({
  data: z.string().min(1).default('prepare'),
  features: z.string().min(1).default('features'),
  /** The set whose label frequencies define the chance predictor. */
  train: z.string().min(1).default('train'),
  /** A section replacing experiment keys (e.g. `ctc` for token statistics); list it in `config`. */
  section: z.string().min(1).nullable().default(null),
});

/** Label counts of one set and the chance-level metrics on it. */
export interface SetStats {
  utterances: number;
  /** Frames with a label (frame, multilabel) or tokens (ctc). */
  units: number;
  counts: Record<string, number>;
  chance: Record<string, number>;
}

function countsOf(ds: OpenDataset, config: ExperimentConfig, vocab: Vocabulary): { counts: Float64Array; units: number } {
  const counts = new Float64Array(vocab.size);
  let units = 0;
  if (config.task === 'frame') {
    const src = alignmentSource(ds, config, vocab);
    for (const u of src.utterances) for (const l of src.targets(u).labels) if (l >= 0) { counts[l]! += 1; units += 1; }
  } else if (config.task === 'multilabel') {
    const src = eventSource(ds, config, vocab);
    for (const u of src.utterances) {
      const a = src.targets(u).active;
      units += a.length / vocab.size;
      for (let i = 0; i < a.length; i++) counts[i % vocab.size]! += a[i]!;
    }
  } else {
    const src = textSource(ds, config, vocab);
    for (const u of src.utterances) for (const l of src.targets(u).labels) { counts[l]! += 1; units += 1; }
  }
  return { counts, units };
}

/** Chance-level metrics of a set given the training counts (see the module comment). */
export function chanceLevels(task: ExperimentConfig['task'], train: Float64Array, set: Float64Array, units: number): Record<string, number> {
  if (task === 'frame') {
    let best = 0;
    for (let k = 1; k < train.length; k++) if (train[k]! > train[best]!) best = k;
    return { fer: units === 0 ? 1 : 1 - set[best]! / units, majorityClass: best };
  }
  if (task === 'multilabel') {
    const active = set.reduce((a, b) => a + b, 0);
    const p = units === 0 ? 0 : active / (units * set.length);
    // Predicting every class active: precision p, recall 1; predicting none: F1 0, ER 1.
    return { frameF1AllActive: p === 0 ? 0 : (2 * p) / (1 + p), activeFraction: p, errorRateNone: 1 };
  }
  return { ter: 1 };
}

export const statsStage: StageKind = {
  kind: 'stats',
  description: 'label counts per set and chance-level metrics (stats.json)',
  version: 1,
  config: ['task', 'features', 'labels', 'skip'],
  options: optionsSchema,
  async run(ctx: StageContext) {
    const o = ctx.options as z.output<typeof optionsSchema>;
    if (isSkipped(ctx)) return markSkipped(ctx);
    const config = experimentConfigOf(ctx, o.section);
    const feats = readSets(ctx, o.features);
    const open = (name: string) => openDataset({ dataDir: dataDirOf(ctx, o.data, name), name, archiveDir: join(feats.dir, feats.sets[name] ?? name) }, config.features, ctx.outDir, { allowOutside: allowOutsideOf(ctx, o.data) });
    const train = await open(o.train);
    const vocab = buildVocabulary(config, train.data);
    const trainCounts = countsOf(train, config, vocab).counts;
    train.archive.close();
    const sets: Record<string, SetStats> = {};
    for (const name of Object.keys(feats.sets)) {
      const ds = await open(name);
      const { counts, units } = countsOf(ds, config, vocab);
      sets[name] = {
        utterances: ds.archive.entries.length,
        units,
        counts: Object.fromEntries(vocab.labels.map((l, k) => [l, counts[k]!])),
        chance: chanceLevels(config.task, trainCounts, counts, units),
      };
      ds.archive.close();
      ctx.log.info(`stats ${name}: ${units} ${config.task === 'ctc' ? 'tokens' : 'frames'}, chance ${JSON.stringify(sets[name].chance)}`);
    }
    writeJsonAtomic(join(ctx.outDir, 'stats.json'), { task: config.task, vocabulary: vocab.labels, sets });
  },
};
