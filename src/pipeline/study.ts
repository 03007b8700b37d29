/**
 * Studies: `--set study=<name>` expands `studies.<name>.axes` (a grid over config paths) into
 * one run per combination, each with a derived tag, e.g. `label-smoothing/loss-uniform_seed-1`.
 */
import { parsePath, type ConfigOverride } from '../config/index.js';
import { HibikiError } from '../errors.js';
import type { StudySpec } from './recipe.js';

/** One run of a study. */
export interface StudyRun {
  /** `<study tag>/<axis>-<label>_<axis>-<label>...` */
  tag: string;
  /** Axis dotted path -> label of the value this run takes. */
  labels: Record<string, string>;
  /** Dotted path -> value for the study's `set` entries and this run's axis values. */
  values: Record<string, unknown>;
  /** The same as overrides, `set` first, axes after (axes win). */
  overrides: ConfigOverride[];
}

interface AxisValue {
  label: string;
  value: unknown;
}

const UNSAFE = /[^A-Za-z0-9.+-]+/g;

/** Makes a label safe as part of a directory name. */
export function sanitizeLabel(text: string): string {
  const s = text.replace(UNSAFE, '-').replace(/^-+|-+$/g, '');
  return s === '' ? 'x' : s;
}

/**
 * The values of one axis with labels. A mapping gives labels explicitly; in a list, a scalar is its
 * own label, a mapping is labelled by its `name` or else its `kind` field, anything else by its
 * position (`v0`, `v1`...). Labels that collide get their position appended.
 */
export function axisValues(axis: unknown[] | Record<string, unknown>): AxisValue[] {
  const raw: AxisValue[] = Array.isArray(axis)
    ? axis.map((value, i) => ({ label: autoLabel(value, i), value }))
    : Object.entries(axis).map(([label, value]) => ({ label, value }));
  const sanitized = raw.map((v) => ({ ...v, label: sanitizeLabel(v.label) }));
  const counts = new Map<string, number>();
  for (const v of sanitized) counts.set(v.label, (counts.get(v.label) ?? 0) + 1);
  return sanitized.map((v, i) => (counts.get(v.label)! > 1 ? { ...v, label: `${v.label}${i}` } : v));
}

function autoLabel(value: unknown, index: number): string {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (typeof o['name'] === 'string') return o['name'];
    if (typeof o['kind'] === 'string') return o['kind'];
  }
  return `v${index}`;
}

/** Short axis names for tags: the last key of each path, or the whole path where two collide. */
export function axisShortNames(axes: readonly string[]): string[] {
  const last = axes.map((a) => {
    const segs = parsePath(a);
    const key = [...segs].reverse().find((s) => typeof s === 'string');
    return String(key ?? a);
  });
  return axes.map((a, i) => (last.filter((l) => l === last[i]).length > 1 ? sanitizeLabel(a) : sanitizeLabel(last[i]!)));
}

/**
 * Expands a study into its runs: the cartesian product of the axes, the first axis varying
 * slowest (so runs of one loss are adjacent). Tags are `<tag>/<derived>`.
 * @param study the validated study spec
 * @param studyName used in override texts (for error messages)
 * @param tag the study's tag (the `--tag` given, or the study name)
 * @throws HibikiError `STUDY_INVALID` when an axis path is malformed
 */
export function expandStudy(study: StudySpec, studyName: string, tag: string): StudyRun[] {
  const axes = Object.keys(study.axes);
  const short = axisShortNames(axes);
  const values = axes.map((a) => axisValues(study.axes[a]!));
  const setOverrides: ConfigOverride[] = Object.entries(study.set).map(([key, value]) => ({
    path: parsePathOr(key, studyName),
    value,
    text: `studies.${studyName}.set ${key}`,
  }));
  const runs: StudyRun[] = [];
  const index = axes.map(() => 0);
  for (;;) {
    const labels: Record<string, string> = {};
    const runValues: Record<string, unknown> = { ...study.set };
    const overrides = [...setOverrides];
    const parts: string[] = [];
    axes.forEach((axis, a) => {
      const v = values[a]![index[a]!]!;
      labels[axis] = v.label;
      runValues[axis] = v.value;
      overrides.push({ path: parsePathOr(axis, studyName), value: v.value, text: `studies.${studyName}.axes ${axis}=${v.label}` });
      parts.push(`${short[a]}-${v.label}`);
    });
    runs.push({ tag: `${tag}/${parts.join('_')}`, labels, values: runValues, overrides });
    let a = axes.length - 1;
    while (a >= 0) {
      index[a]! += 1;
      if (index[a]! < values[a]!.length) break;
      index[a] = 0;
      a -= 1;
    }
    if (a < 0) break;
  }
  return runs;
}

function parsePathOr(key: string, studyName: string) {
  try {
    return parsePath(key);
  } catch (cause) {
    throw new HibikiError('STUDY_INVALID', `study "${studyName}" has a malformed path "${key}"`, { expected: 'a dotted config path', found: key, cause });
  }
}
