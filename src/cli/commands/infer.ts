/**
 * `hibiki infer --model <exp or model dir> <wav>... [--posteriors] [--segments] [--json]`:
 * per-frame labels of audio files from an exported model alone (docs/cli.md).
 */
import type { Command } from 'commander';
import type { BackendName } from '../../nn/index.js';
import type { InferResult } from '../../pipeline/index.js';
import { CLI_BACKEND_NAMES as BACKEND_NAMES } from './choices.js';

interface InferCliOptions {
  backend: BackendName;
  model: string;
  posteriors: boolean;
  segments: boolean;
  json: boolean;
}

function fmt(x: number): string {
  return Number(x.toFixed(4)).toString();
}

/** Text form: `utt label label ...`, then `utt start end label` segment lines and posterior rows when asked. */
export function formatInferText(r: InferResult): string {
  let text = `${r.utt} ${r.labels.join(' ')}\n`;
  if (r.tokens !== undefined) text += `${r.utt} tokens: ${r.tokens.join(' ')}\n`;
  for (const s of r.segments ?? []) text += `${r.utt} ${fmt(s.start)} ${fmt(s.end)} ${s.label}\n`;
  (r.posteriors ?? []).forEach((row, t) => {
    text += `${r.utt} ${t} ${row.map((p) => p.toPrecision(4)).join(' ')}\n`;
  });
  return text;
}

/** Registers `hibiki infer`. */
export function registerInfer(program: Command): void {
  program
    .command('infer')
    .description('label audio files frame by frame with an exported model (no training data needed)')
    .requiredOption('--model <dir>', 'experiment directory (uses its model/) or exported model directory (model.json + frontend.json)')
    .argument('<wav...>', 'audio files (WAV or NIST SPHERE)')
    .option('--posteriors', 'print per-frame posteriors', false)
    .option('--segments', 'print segments (runs of labels, events, or CTC tokens with times)', false)
    .option('--backend <name>', `tfjs backend: ${BACKEND_NAMES.join(' | ')}`, 'auto')
    .option('--json', 'one JSON object per file', false)
    .action(async (wavs: string[], opts: InferCliOptions) => {
      const { inferFiles } = await import('../../pipeline/index.js');
      const results = await inferFiles({ modelDir: opts.model, wavs, posteriors: opts.posteriors, segments: opts.segments, backend: opts.backend });
      for (const r of results) process.stdout.write(opts.json ? JSON.stringify(r) + '\n' : formatInferText(r));
    });
}
