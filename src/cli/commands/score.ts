/**
 * `hibiki score <what>`: scoring commands. Each kind of scoring adds its subcommand here
 * (`tokens` from score-tokens.ts; sound events from the evaluation commands).
 */
import type { Command } from 'commander';
import { addScoreTokens } from './score-tokens.js';
import { addScoreEvents } from './score-events.js';

/** Registers the `score` command and its subcommands. */
export function registerScore(program: Command): void {
  const score = program.command('score').description('score recognition output against references');
  addScoreTokens(score);
  addScoreEvents(score);
}
