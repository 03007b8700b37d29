/**
 * Minimal structured logging to stderr: human-readable lines on a TTY, JSON lines otherwise
 * (so CI logs and pipelines can parse them). Level from `HIBIKI_LOG` (debug|info|warn|error).
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function threshold(): number {
  const env = process.env['HIBIKI_LOG'];
  return env !== undefined && env in ORDER ? ORDER[env as LogLevel] : ORDER.info;
}

/** Logs `message` with optional structured fields. */
export function log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
  if (ORDER[level] < threshold()) return;
  if (process.stderr.isTTY === true) {
    const extra = Object.keys(fields).length > 0 ? ' ' + JSON.stringify(fields) : '';
    process.stderr.write(`[hibiki ${level}] ${message}${extra}\n`);
  } else {
    process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }) + '\n');
  }
}
