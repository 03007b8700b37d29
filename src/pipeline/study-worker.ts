/**
 * Child process of `hibiki run --jobs N` (study-jobs.ts): receives `{ options }` for runRecipe
 * with `studyRun` set, runs that one run of the study (resolving the recipe exactly as the parent
 * did), replies with its summary or its error, and exits. When the parent goes away (its IPC
 * channel closes) before the run ends, the worker stops too.
 */
import { HibikiError } from '../errors.js';
import { runRecipe, type ExperimentSummary, type RunOptions } from './runner.js';
import type { WorkerReply } from './study-jobs.js';

function reply(message: WorkerReply<ExperimentSummary>, exitCode: number): void {
  if (process.send === undefined) process.exit(exitCode);
  process.send(message, () => process.exit(exitCode));
}

let finished = false;
process.on('disconnect', () => {
  if (!finished) process.exit(1);
});
process.once('message', (msg: { options: RunOptions }) => {
  runRecipe(msg.options).then(
    (summary) => {
      finished = true;
      reply({ ok: true, result: summary.study!.runs[0]! }, 0);
    },
    (e: unknown) => {
      finished = true;
      const internal = !(e instanceof HibikiError) || e.exitCode !== 2;
      const message = e instanceof Error ? (internal && !(e instanceof HibikiError) ? (e.stack ?? e.message) : e.message) : String(e);
      reply({ ok: false, message, code: e instanceof HibikiError ? e.code : null, internal }, e instanceof HibikiError ? e.exitCode : 1);
    },
  );
});
