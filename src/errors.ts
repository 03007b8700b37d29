/**
 * The one error type users see. Every bad input ends in a `HibikiError` with a stable `code`
 * (tests and scripts match on it), the place it came from (file and line, or utterance), and what
 * was expected versus found. The CLI prints `error [CODE] file:line: message` without a stack
 * trace and exits with `exitCode` (2 for usage and data errors, 1 for internal ones).
 */

/** Where and what went wrong, beyond the message. All fields optional. */
export interface HibikiErrorDetails {
  /** File the bad input came from (path as the user gave it). */
  file?: string;
  /** 1-based line number in `file`. */
  line?: number;
  /** Utterance or recording id the problem concerns. */
  utterance?: string;
  /** What was expected, in words or as a value. */
  expected?: string;
  /** What was found instead. */
  found?: string;
  /** Underlying error, kept for debugging. */
  cause?: unknown;
}

/** Exit code for errors caused by the user's input or invocation. */
export const EXIT_USER_ERROR = 2;
/** Exit code for internal failures (bugs). */
export const EXIT_INTERNAL_ERROR = 1;

export class HibikiError extends Error {
  /** Stable, upper-snake-case identifier, e.g. `WAV_TRUNCATED`. */
  readonly code: string;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly utterance: string | undefined;
  readonly expected: string | undefined;
  readonly found: string | undefined;
  /** Process exit code the CLI uses: 2 for user/data errors (default), 1 for internal ones. */
  readonly exitCode: number;

  constructor(code: string, message: string, details: HibikiErrorDetails = {}, exitCode = EXIT_USER_ERROR) {
    super(formatMessage(code, message, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'HibikiError';
    this.code = code;
    this.file = details.file;
    this.line = details.line;
    this.utterance = details.utterance;
    this.expected = details.expected;
    this.found = details.found;
    this.exitCode = exitCode;
  }
}

function formatMessage(code: string, message: string, d: HibikiErrorDetails): string {
  let where = '';
  if (d.file !== undefined) where = d.line !== undefined ? `${d.file}:${d.line}: ` : `${d.file}: `;
  if (d.utterance !== undefined) where += `utterance ${d.utterance}: `;
  let text = `[${code}] ${where}${message}`;
  if (d.expected !== undefined || d.found !== undefined) {
    text += ` (expected ${d.expected ?? '?'}, found ${d.found ?? '?'})`;
  }
  return text;
}

/** True when `e` is a HibikiError, optionally with the given code. */
export function isHibikiError(e: unknown, code?: string): e is HibikiError {
  return e instanceof HibikiError && (code === undefined || e.code === code);
}
