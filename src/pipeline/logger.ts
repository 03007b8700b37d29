/**
 * The run log: every line goes to `run.log` in each experiment directory concerned and to
 * stderr (unless quiet). Plain text, one event a line, so that `tail -f run.log` reads well.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type PipelineLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What stages log through. */
export interface StageLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Where log lines go. `stream: null` keeps stderr quiet (tests). */
export interface LogSink {
  files: string[];
  stream: NodeJS.WritableStream | null;
}

/** A logger writing `time level [scope] message {fields}` lines to the sink. */
export function createLogger(sink: LogSink, scope: string): StageLogger {
  const write = (level: PipelineLogLevel, message: string, fields?: Record<string, unknown>): void => {
    const extra = fields !== undefined && Object.keys(fields).length > 0 ? ' ' + JSON.stringify(fields) : '';
    const line = `${new Date().toISOString()} ${level.padEnd(5)} [${scope}] ${message}${extra}\n`;
    for (const f of sink.files) {
      mkdirSync(dirname(f), { recursive: true });
      appendFileSync(f, line);
    }
    if (level !== 'debug' || process.env['HIBIKI_LOG'] === 'debug') sink.stream?.write(line);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
