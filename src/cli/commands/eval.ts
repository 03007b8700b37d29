/**
 * `hibiki eval --exp <dir> --data <dir> [--name set] [--beam N]`: evaluates an experiment's
 * exported model on a data set and writes `<exp>/eval/<set>/metrics.json` (docs/evaluation.md,
 * docs/experiments.md); prints the headline numbers.
 */
import type { Command } from 'commander';
import type { BackendName } from '../../nn/index.js';
import type { ExperimentMetrics } from '../../pipeline/index.js';
import { CLI_BACKEND_NAMES as BACKEND_NAMES } from './choices.js';
import { intOption, setNameOf } from './train.js';

interface EvalCliOptions {
  bins?: string;
  equalMass: boolean;
  backend?: BackendName;
  exp: string;
  data: string;
  name?: string;
  beam?: string;
  nj: string;
  allowOutsidePaths: boolean;
  json: boolean;
}

function pct(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : 'n/a';
}

function num(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(4) : 'n/a';
}

/** One-paragraph text summary of a metrics record. */
export function formatMetrics(m: ExperimentMetrics): string {
  if (m.task === 'ctc') {
    const t = m.tokens;
    return `${m.set}: ${t.mode} error rate ${pct(t.errorRate)} (Corr ${t.corr}, Sub ${t.sub}, Del ${t.del}, Ins ${t.ins}, ref ${t.refLength} tokens, ${t.sentences} utterances, beam ${t.beam})\n` +
      `CTC NLL ${num(m.ctc.nllPerToken)} nats/token\n`;
  }
  if (m.frame !== undefined) {
    const f = m.frame;
    return `${m.set ?? ''}: FER ${pct(f.fer)} over ${f.frames} frames, NLL ${num(f.nll)}, Brier ${num(f.brier)}, ECE ${num(f.ece)} (${f.eceBins} bins)\n`;
  }
  const ml = m.multilabel!;
  let text = `${m.set ?? ''}: frame micro F1 ${pct(ml.micro.f1)} (P ${pct(ml.micro.precision)}, R ${pct(ml.micro.recall)}), mean ECE ${num(ml.meanEce)}\n`;
  const seg = m.events?.segmentBased?.overall;
  const ev = m.events?.eventBased?.overall;
  if (seg !== undefined) text += `segment-based F1 ${pct(seg.fMeasure.fMeasure)}, ER ${num(seg.errorRate.errorRate)}\n`;
  if (ev !== undefined) text += `event-based F1 ${pct(ev.fMeasure.fMeasure)}, ER ${num(ev.errorRate.errorRate)}\n`;
  return text;
}

/** Registers `hibiki eval`. */
export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('evaluate an experiment on a data set: metrics.json (FER / calibration, sound-event F1 and ER, token error rate)')
    .requiredOption('--exp <dir>', 'experiment directory trained by hibiki train')
    .requiredOption('--data <dir>', 'data directory to evaluate on')
    .option('--name <set>', 'set name (default: the data directory name)')
    .option('--beam <n>', 'ctc: beam width (0 or 1: greedy; default: the config)')
    .option('--backend <name>', `tfjs backend: ${BACKEND_NAMES.join(' | ')} (default: the experiment config's)`)
    .option('--bins <n>', 'calibration bins (default: the config, 15)')
    .option('--equal-mass', 'equal-mass calibration bins instead of equal-width', false)
    .option('--nj <n>', 'feature extraction threads (0: in the main thread)', '1')
    .option('--allow-outside-paths', 'accept wav.scp paths outside the data directory', false)
    .option('--json', 'print the whole metrics record as JSON', false)
    .action(async (opts: EvalCliOptions) => {
      const name = opts.name ?? setNameOf(opts.data);
      const { evaluateExperiment } = await import('../../pipeline/index.js');
      const m = await evaluateExperiment({
        expDir: opts.exp,
        data: { dataDir: opts.data, name },
        numJobs: intOption(opts.nj, '--nj'),
        allowOutside: opts.allowOutsidePaths,
        ...(opts.beam === undefined ? {} : { beam: intOption(opts.beam, '--beam') }),
        ...(opts.backend === undefined ? {} : { backend: opts.backend }),
        ...(opts.bins === undefined ? {} : { bins: intOption(opts.bins, '--bins', 1) }),
        ...(opts.equalMass ? { binning: 'equal-mass' as const } : {}),
      });
      process.stdout.write(opts.json ? JSON.stringify(m, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n' : formatMetrics(m));
    });
}
