/**
 * `prepare-synth-events` and `prepare-synth-phones`: the embedded default data. Each writes one
 * synthetic data directory per set of the recipe's `data` section (seeded by `data.seed`), with
 * the training labels corrupted by `data.jitterMs` / `data.dropShortMs` (dev and test keep exact
 * labels, see src/data/synth).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { synthesizeEventCorpus, synthesizePhoneCorpus, type SynthCorpusSummary } from '../../data/synth/index.js';
import type { StageContext, StageKind } from '../registry.js';
import { sectionOf, writeSets } from './sets.js';

const options = z.record(z.string(), z.unknown());

/** The `data` section of a synthetic recipe. */
export const synthDataSchema = z.looseObject({
  /** Seed of the corpus (equal seeds give byte-identical audio). */
  seed: z.number().int().default(0),
  /** Maximum boundary shift of the training labels, ms (0: exact labels). */
  jitterMs: z.number().int().min(0).max(1000).default(0),
  /** Training labels: segments shorter than this (ms) merged (phones) or dropped (events). */
  dropShortMs: z.number().int().min(0).default(0),
  /** Generator options shared by every set (e.g. `fileDuration`, `snrDb`, `sampleRate`). */
  options: options.default({}),
  /** Set name -> generator options of that set (size: `files` / `utterances` / `hours`). */
  sets: z.record(z.enum(['train', 'dev', 'test']), options).default({ train: {}, dev: {}, test: {} }),
});

function synthStage(kind: 'prepare-synth-events' | 'prepare-synth-phones'): StageKind {
  const events = kind === 'prepare-synth-events';
  return {
    kind,
    description: events ? 'synthetic polyphonic sound-event corpus (wavs + events.tsv), one data directory per set' : 'synthetic formant phone corpus (wavs + alignment + text), one data directory per set',
    version: 1,
    config: ['data'],
    run(ctx: StageContext) {
      const data = sectionOf(ctx, 'data', synthDataSchema);
      const sets: Record<string, string> = {};
      const summaries: SynthCorpusSummary[] = [];
      for (const [name, own] of Object.entries(data.sets) as ['train' | 'dev' | 'test', Record<string, unknown>][]) {
        const o = {
          ...data.options,
          ...own,
          out: join(ctx.outDir, name),
          seed: data.seed,
          split: name,
          ...(name === 'train' ? { boundaryJitterMs: data.jitterMs, dropShortMs: data.dropShortMs } : {}),
        };
        summaries.push(events ? synthesizeEventCorpus(o) : synthesizePhoneCorpus(o));
        sets[name] = name;
      }
      const notes = summaries.map((s) => `${s.split}: ${s.files} files, ${(s.seconds / 60).toFixed(1)} min${s.corrupted ? `, training labels corrupted (jitter ${data.jitterMs} ms)` : ''}`);
      for (const n of notes) ctx.log.info(n);
      writeSets(ctx.outDir, { sets, notes });
    },
  };
}

export const prepareSynthEvents: StageKind = synthStage('prepare-synth-events');
export const prepareSynthPhones: StageKind = synthStage('prepare-synth-phones');
