/**
 * Validation at the boundary: a zod schema checks a merged config once, and every problem is
 * reported together, each with its dotted path, what was expected, what was found, and where the
 * value came from (file and line, or the `--set` that introduced it).
 */
import type { z } from 'zod';
import { HibikiError } from '../errors.js';
import { describeValue, formatPath } from './path.js';

/** One validation problem. */
export interface ConfigIssue {
  /** Dotted path of the offending value (`''` for the root). */
  path: string;
  expected: string;
  found: string;
  /** Where the value came from: a file path, `--set key=value`, or `defaults`. */
  origin?: string;
  /** 1-based line in `origin` when it is a file. */
  line?: number;
}

/** Where a path's value came from, for messages. */
export type Locator = (path: readonly PropertyKey[]) => { origin?: string; line?: number };

/** A `CONFIG_INVALID` error that keeps every issue for programs (tests, tools) to inspect. */
export class ConfigValidationError extends HibikiError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: ConfigIssue[], file: string | undefined, what: string) {
    const first = issues[0]!;
    const single = issues.length === 1;
    const message = single
      ? `invalid ${what} at ${first.path || '(top level)'}${viaText(first, file)}`
      : `${issues.length} problems in ${what}:\n` +
        issues.map((i) => `  - ${i.path || '(top level)'}${whereText(i, file)}: expected ${i.expected}, found ${i.found}`).join('\n');
    const line = first.origin === file ? first.line : undefined;
    super('CONFIG_INVALID', message, {
      ...(file === undefined ? {} : { file }),
      ...(line === undefined ? {} : { line }),
      ...(single ? { expected: first.expected, found: first.found } : {}),
    });
    this.issues = issues;
  }
}

function whereText(i: ConfigIssue, file: string | undefined): string {
  if (i.origin === undefined) return '';
  if (i.origin === file) return i.line === undefined ? '' : ` (line ${i.line})`;
  return ` (from ${i.origin}${i.line === undefined ? '' : `:${i.line}`})`;
}

function viaText(i: ConfigIssue, file: string | undefined): string {
  return i.origin !== undefined && i.origin !== file ? ` (from ${i.origin})` : '';
}

/** Turns zod issues into ConfigIssues (expected/found in words). */
export function describeZodIssues(issues: readonly z.core.$ZodIssue[], input: unknown, locate?: Locator): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const base = issue.path as PropertyKey[];
    const found = 'input' in issue ? issue.input : valueAt(input, base);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(withPlace({ path: formatPath([...base, key]), expected: 'no such key (is it misspelt?)', found: `the unknown key "${key}"` }, [...base, key], locate));
      continue;
    }
    out.push(withPlace({ path: formatPath(base), expected: expectedOf(issue), found: found === undefined ? 'nothing (missing)' : describeValue(found) }, base, locate));
  }
  return out;
}

function withPlace(issue: ConfigIssue, path: readonly PropertyKey[], locate?: Locator): ConfigIssue {
  if (locate === undefined) return issue;
  const place = locate(path);
  return { ...issue, ...(place.origin === undefined ? {} : { origin: place.origin }), ...(place.line === undefined ? {} : { line: place.line }) };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' ? 'an integer' : issue.expected;
    case 'invalid_value':
      return issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return `${issue.origin === 'array' || issue.origin === 'set' ? 'at least' : issue.origin === 'string' ? 'length at least' : issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : ''}`;
    case 'too_big':
      return `${issue.origin === 'array' || issue.origin === 'set' ? 'at most' : issue.origin === 'string' ? 'length at most' : issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : ''}`;
    case 'invalid_format':
      return `a string in ${issue.format} format`;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'one of the allowed forms (' + issue.message.replace(/^Invalid input:?\s*/i, '') + ')';
    default:
      return issue.message;
  }
}

/**
 * Validates `value` against `schema` and returns the parsed value (defaults filled, types
 * narrowed).
 * @param what noun for messages, e.g. `config` or `recipe`
 * @throws ConfigValidationError (code `CONFIG_INVALID`) listing every issue
 */
export function validateConfig<S extends z.ZodType>(
  schema: S,
  value: unknown,
  options: { file?: string; locate?: Locator; what?: string } = {},
): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issues = describeZodIssues(result.error.issues, value, options.locate);
  throw new ConfigValidationError(issues, options.file, options.what ?? 'config');
}
