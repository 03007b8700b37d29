#!/usr/bin/env node
/**
 * The `hibiki` command. Each subcommand lives in src/cli/commands/<name>.ts, exports a
 * `register*` function, parses its options, resolves config and calls one library function.
 * User errors (HibikiError) print one line without a stack trace and exit with code 2.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { HibikiError, EXIT_INTERNAL_ERROR } from '../errors.js';
import { COMMANDS } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('hibiki')
    .description('Speech and sound-event recognition: features, label-smoothed training, evaluation.')
    .version('0.1.0')
    .showHelpAfterError();
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof HibikiError) {
      process.stderr.write(`hibiki: error ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`hibiki: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_INTERNAL_ERROR;
  }
}

/** True when this module is the process entry, also through npm's bin symlink (node_modules/.bin/hibiki). */
function isEntryPoint(): boolean {
  const invoked = process.argv[1];
  if (invoked === undefined) return false;
  try {
    return realpathSync(invoked) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv).then(
    (code) => process.exit(code),
    () => process.exit(EXIT_INTERNAL_ERROR),
  );
}
