/**
 * Stage kinds and config sections known to the recipe runner. Library code and recipes'
 * prepare modules register into a registry; the runner looks kinds up by name. The default
 * registry lives on `globalThis` under a `Symbol.for` key, so two copies of hibiki loaded in one
 * process (e.g. the compiled CLI and a recipe importing the sources) still share it.
 */
import type { z } from 'zod';
import { HibikiError } from '../errors.js';
import type { Rng } from '../util/rng.js';
import { BUILTIN_CONFIG_SECTIONS, BUILTIN_STAGE_KINDS } from './builtin.js';
import type { StageLogger } from './logger.js';

/** What a compare stage learns about the runs of a study. */
export interface StudyRunInfo {
  /** Tag of the run (`<study tag>/<derived>`), its experiment directory, and its labels per axis. */
  tag: string;
  expDir: string;
  /** Stage name -> final output directory (differs from `<expDir>/<stage>` for shared stages). */
  stageDirs: Record<string, string>;
  labels: Record<string, string>;
  /** The overrides (dotted path -> value) that made this run. */
  values: Record<string, unknown>;
  /** The run's resolved config. */
  config: Record<string, unknown>;
}

/** Study information given to stages that run once over a whole study (the compare stage). */
export interface StudyInfo {
  name: string;
  tag: string;
  /** Axis dotted paths, in order. */
  axes: string[];
  runs: StudyRunInfo[];
}

/** Everything a stage gets from the runner. Paths are absolute. */
export interface StageContext {
  recipe: { name: string; dir: string };
  stage: { name: string; kind: string; index: number };
  /** The whole resolved recipe config. Only `slice`, `options` and the stage's seed are hashed into the stamp. */
  config: Readonly<Record<string, unknown>>;
  /**
   * The values at the stage's `config` paths, nested as in the config (a path through a list
   * index, `data.sets[1]`, nests under the key `'1'`, so no list holes appear).
   */
  slice: Readonly<Record<string, unknown>>;
  /** The stage entry's `options`, validated by the kind's `options` schema when it has one. */
  options: unknown;
  /** `<exp root>/<recipe>/<tag>`. */
  expDir: string;
  /** Where the stage writes; renamed to `stageDir(stage.name)` only when `run` succeeds. */
  outDir: string;
  /** True when `outDir` holds the partial work of an earlier, interrupted attempt (resumable kinds). */
  resumed: boolean;
  /** The final output directory of any stage of this experiment, e.g. an upstream one. */
  stageDir(name: string): string;
  /** Root for generated data (`--data-root`, default `data`). */
  dataRoot: string;
  /** Seeded from the stage's seed (the config's `seed` unless the entry names another path), forked by stage name. */
  rng: Rng;
  /** Parallel jobs allowed (`--nj`); results must not depend on it. */
  nj: number;
  log: StageLogger;
  /** Declares a file or directory the stage reads; its size and mtime go into the stamp. Returns the absolute path. */
  input(path: string): string;
  /** Declares a file or directory written outside `outDir` (atomically, by the stage). Returns the absolute path. */
  output(path: string): string;
  /** Set for stages that run over a whole study (compare). */
  study: StudyInfo | undefined;
}

/** A kind of stage: what `kind:` in a recipe's stage list names. */
export interface StageKind {
  kind: string;
  description?: string;
  /**
   * Bump when the kind's outputs change for the same config (a bug fix, a new format): it is part
   * of every stamp key, so existing outputs of this kind are redone.
   */
  version?: number | string;
  /**
   * Config paths this kind always reads (e.g. `['features']`). They join the slice of every stage
   * of the kind, so a recipe cannot forget them; absent paths are simply not in the slice.
   */
  config?: readonly string[];
    /** Schema of the stage entry's `options` mapping (defaults fill it). */
  options?: z.ZodType;
  /**
   * Keep `outDir` across interruptions (when the stamp key is unchanged) so that `run` can resume,
   * e.g. training from its last checkpoint. Other kinds start from an empty `outDir`.
   */
  resumable?: boolean;
  run(ctx: StageContext): void | Promise<void>;
}

/** Name -> stage kind and section name -> schema, with an optional parent consulted on misses. */
export class StageRegistry {
  private readonly kinds = new Map<string, StageKind>();
  private readonly sections = new Map<string, z.ZodType>();
  constructor(private readonly parent?: StageRegistry) {}

  /**
   * @throws HibikiError `STAGE_KIND_DUPLICATE` when the name is taken by a different kind, here
   *   or in the parent (a recipe cannot silently replace a library kind)
   */
  register(kind: StageKind): void {
    const existing = this.get(kind.kind);
    if (existing !== undefined && existing !== kind) {
      throw new HibikiError('STAGE_KIND_DUPLICATE', `stage kind "${kind.kind}" is registered twice`, {
        expected: 'unique stage kind names',
        found: kind.kind,
      });
    }
    this.kinds.set(kind.kind, kind);
  }

  get(name: string): StageKind | undefined {
    return this.kinds.get(name) ?? this.parent?.get(name);
  }

  /** Every known kind name, sorted. */
  kindNames(): string[] {
    return [...new Set([...this.kinds.keys(), ...(this.parent?.kindNames() ?? [])])].sort();
  }

  /**
   * Registers the schema of a top-level config section (e.g. `features`). When a recipe has the
   * section, it is validated and its defaults filled before any stage runs.
   */
  registerSection(name: string, schema: z.ZodType): void {
    this.sections.set(name, schema);
  }

  section(name: string): z.ZodType | undefined {
    return this.sections.get(name) ?? this.parent?.section(name);
  }

  sectionNames(): string[] {
    return [...new Set([...this.sections.keys(), ...(this.parent?.sectionNames() ?? [])])].sort();
  }
}

const GLOBAL_KEY = Symbol.for('hibiki.pipeline.stageRegistry');

/** The process-wide registry that `registerStageKind` fills and `hibiki run` uses. */
export function defaultStageRegistry(): StageRegistry {
  const g = globalThis as { [GLOBAL_KEY]?: StageRegistry };
  if (g[GLOBAL_KEY] === undefined) {
    const registry = new StageRegistry();
    for (const kind of BUILTIN_STAGE_KINDS) registry.register(kind);
    for (const [name, schema] of Object.entries(BUILTIN_CONFIG_SECTIONS)) registry.registerSection(name, schema);
    g[GLOBAL_KEY] = registry;
  }
  return g[GLOBAL_KEY];
}

/** Registers a stage kind in the default registry. */
export function registerStageKind(kind: StageKind): void {
  defaultStageRegistry().register(kind);
}

/** Registers a config section schema in the default registry. */
export function registerConfigSection(name: string, schema: z.ZodType): void {
  defaultStageRegistry().registerSection(name, schema);
}
