/** Test-only stage kinds and temp recipes for the pipeline tests. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { StageRegistry, type StageContext, type StageKind } from '../../../src/pipeline/index.js';
import { writeFileAtomic } from '../../../src/util/atomic.js';

/** How many times each stage name ran, per registry. */
export type RunCounts = Map<string, number>;

function count(counts: RunCounts, ctx: StageContext): void {
  counts.set(ctx.stage.name, (counts.get(ctx.stage.name) ?? 0) + 1);
}

/**
 * `emit`: writes out.json = { slice, options, upstream: contents of the `after` stages' out.json,
 * input: contents of options.input (declared as input) }. Also writes options.external (declared
 * output) when given. Uses ctx.rng so tests can check seeding.
 */
export function emitKind(counts: RunCounts): StageKind {
  return {
    kind: 'emit',
    options: z.object({ input: z.string().optional(), external: z.string().optional(), from: z.array(z.string()).default([]) }).strict(),
    run(ctx) {
      count(counts, ctx);
      const opts = ctx.options as { input?: string; external?: string; from: string[] };
      const upstream: Record<string, unknown> = {};
      for (const name of opts.from) {
        const file = join(ctx.stageDir(name), 'out.json');
        upstream[name] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : null;
      }
      const input = opts.input === undefined ? null : readFileSync(ctx.input(opts.input), 'utf8');
      const value = { stage: ctx.stage.name, slice: ctx.slice, upstream, input, random: ctx.rng.nextUint32() };
      writeFileAtomic(join(ctx.outDir, 'out.json'), JSON.stringify(value));
      if (opts.external !== undefined) writeFileAtomic(ctx.output(opts.external), JSON.stringify(value));
    },
  };
}

/** `flaky`: writes part of its output, then throws when the file named by options.failIf exists. */
export function flakyKind(counts: RunCounts): StageKind {
  return {
    kind: 'flaky',
    options: z.object({ failIf: z.string() }).strict(),
    run(ctx) {
      count(counts, ctx);
      const { failIf } = ctx.options as { failIf: string };
      writeFileSync(join(ctx.outDir, 'part1.txt'), 'first half');
      if (existsSync(failIf)) throw new Error('simulated failure after a partial write');
      writeFileSync(join(ctx.outDir, 'part2.txt'), 'second half');
      writeFileAtomic(join(ctx.outDir, 'out.json'), JSON.stringify({ stage: ctx.stage.name, slice: ctx.slice }));
    },
  };
}

/**
 * `steps`: a resumable stage that writes step files 0..n-1 into outDir, skipping those already
 * there (as a trainer resumes from checkpoints), and throws after step `options.failAt` when the
 * file options.failIf exists. Records ctx.resumed in resumed.json.
 */
export function stepsKind(counts: RunCounts, resumedLog: boolean[]): StageKind {
  return {
    kind: 'steps',
    resumable: true,
    options: z.object({ n: z.number().int(), failAt: z.number().int(), failIf: z.string() }).strict(),
    run(ctx) {
      count(counts, ctx);
      resumedLog.push(ctx.resumed);
      const o = ctx.options as { n: number; failAt: number; failIf: string };
      for (let i = 0; i < o.n; i++) {
        const f = join(ctx.outDir, `step${i}.txt`);
        if (existsSync(f)) continue;
        writeFileAtomic(f, String(i));
        if (i === o.failAt && existsSync(o.failIf)) throw new Error('interrupted');
      }
    },
  };
}

/** A registry with the test kinds (and nothing else). */
export function testRegistry(counts: RunCounts = new Map(), resumedLog: boolean[] = []): StageRegistry {
  const r = new StageRegistry();
  r.register(emitKind(counts));
  r.register(flakyKind(counts));
  r.register(stepsKind(counts, resumedLog));
  return r;
}

/** A fresh temp directory. */
export function tempDir(prefix = 'hibiki-pipeline-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `recipe.yaml` (and extra files) into a new folder under `root`. */
export function makeRecipe(root: string, yaml: string, files: Record<string, string> = {}): string {
  const dir = join(root, 'recipe');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'recipe.yaml'), yaml);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Reads a stage's out.json. */
export function readOut(expDir: string, stage: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(expDir, stage, 'out.json'), 'utf8')) as Record<string, unknown>;
}
