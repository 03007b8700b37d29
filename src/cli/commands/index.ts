/**
 * Registry of subcommands. Add one line per command module; each module exports a
 * `register*(program)` function and nothing else of interest to the CLI.
 */
import type { Command } from 'commander';
import { registerScore } from './score.js';
import { registerValidateData } from './validate-data.js';
import { registerPrepare } from './prepare.js';
import { registerRun } from './run.js';
import { registerSynth } from './synth.js';
import { registerFeatures } from './features.js';
import { registerReport } from './report.js';
import { registerTrain } from './train.js';
import { registerEval } from './eval.js';
import { registerDecode } from './decode.js';
import { registerInfer } from './infer.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  registerScore,
  registerValidateData,
  registerPrepare,
  registerRun,
  registerSynth,
  registerFeatures,
  registerReport,
  registerTrain,
  registerEval,
  registerDecode,
  registerInfer,
];
