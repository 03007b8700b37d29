/**
 * `prepare-import`: the user's own data through any importer of src/data/importers (wav folder
 * with side-car TextGrid / .lab / Audacity labels, DCASE event lists, TIMIT, class folders,
 * transcripts). Each set of `data.sets` is one importer run; `data.holdOut` can carve dev and
 * test sets out of one imported set instead (seeded, by utterance). Audio stays where it is, so
 * the data directories point outside themselves and every later stage reads them with
 * `allowOutside` (recorded in sets.json).
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { prepareDataDir, readDataDir, writeDataDir, type DataDir } from '../../data/index.js';
import { HibikiError } from '../../errors.js';
import { Rng } from '../../util/rng.js';
import type { StageContext, StageKind } from '../registry.js';
import { sectionOf, writeSets } from './sets.js';

/** The `data` section of the custom recipe. */
export const importDataSchema = z.looseObject({
  seed: z.number().int().default(0),
  /** Set name -> importer options (`format`, `in`, and the importer's own: `audio`, `labels`, `tier`...). */
  sets: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'a set name of letters, digits, _ and -'), z.looseObject({ format: z.string(), in: z.string().min(1) })),
  /** Carve held-out sets from one imported set: `{ from: all, dev: 0.1, test: 0.2 }` (fractions of utterances). */
  holdOut: z
    .strictObject({ from: z.string().min(1), dev: z.number().min(0).lt(1).default(0.1), test: z.number().min(0).lt(1).default(0.2) })
    .nullable()
    .default(null),
});

function subset(d: DataDir, keep: ReadonlySet<string>): DataDir {
  const pick = <T>(m: Map<string, T> | undefined): Map<string, T> | undefined => (m === undefined ? undefined : new Map([...m].filter(([k]) => keep.has(k))));
  const out: DataDir = { wavScp: pick(d.wavScp)! };
  for (const k of ['utt2spk', 'text', 'alignment', 'events'] as const) {
    const m = pick(d[k] as Map<string, unknown> | undefined);
    if (m !== undefined) (out as unknown as Record<string, unknown>)[k] = m;
  }
  return out;
}

/** Splits utterance ids into train/dev/test by a seeded permutation. */
export function holdOutSplit(utts: readonly string[], dev: number, test: number, seed: number): Record<'train' | 'dev' | 'test', string[]> {
  const sorted = [...utts].sort();
  const perm = new Rng(seed).fork('hold-out').permutation(sorted.length).map((i) => sorted[i]!);
  const nTest = Math.round(test * perm.length);
  const nDev = Math.round(dev * perm.length);
  return { test: perm.slice(0, nTest), dev: perm.slice(nTest, nTest + nDev), train: perm.slice(nTest + nDev) };
}

export const prepareImport: StageKind = {
  kind: 'prepare-import',
  description: "the user's own data through any importer (data.sets: name -> importer options), optional seeded hold-out",
  version: 1,
  config: ['data'],
  run(ctx: StageContext) {
    const d = sectionOf(ctx, 'data', importDataSchema);
    const sets: Record<string, string> = {};
    const notes: string[] = [];
    for (const [name, opts] of Object.entries(d.sets)) {
      const input = ctx.input(resolve(opts.in));
      const extra = typeof opts['audio'] === 'string' ? { audio: ctx.input(resolve(opts['audio'])) } : {};
      const labels = typeof opts['labels'] === 'string' ? { labels: ctx.input(resolve(opts['labels'])) } : {};
      const r = prepareDataDir({ ...(opts as Record<string, unknown>), ...extra, ...labels, in: input, out: join(ctx.outDir, name) } as Parameters<typeof prepareDataDir>[0]);
      for (const w of r.written) notes.push(`${name}: ${w.utterances} utterances imported (${opts.format}) from ${input}`);
      sets[name] = name;
    }
    if (d.holdOut !== null) {
      const from = sets[d.holdOut.from];
      if (from === undefined) {
        throw new HibikiError('CONFIG_INVALID', 'data.holdOut.from names no set of data.sets', { file: join(ctx.recipe.dir, 'recipe.yaml'), expected: Object.keys(sets).join(', '), found: d.holdOut.from });
      }
      const all = readDataDir(join(ctx.outDir, from), { allowOutside: true });
      const split = holdOutSplit([...all.wavScp.keys()], d.holdOut.dev, d.holdOut.test, d.seed);
      for (const [name, utts] of Object.entries(split)) {
        if (utts.length === 0) continue;
        writeDataDir(join(ctx.outDir, name), subset(all, new Set(utts)));
        sets[name] = name;
        notes.push(`${name}: ${utts.length} utterances held out of ${d.holdOut.from} (seed ${d.seed})`);
      }
      if (!['train', 'dev', 'test'].includes(d.holdOut.from)) delete sets[d.holdOut.from];
    }
    for (const n of notes) ctx.log.info(n);
    writeSets(ctx.outDir, { sets, notes, allowOutside: true });
  },
};
