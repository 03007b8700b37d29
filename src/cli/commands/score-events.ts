/**
 * `hibiki score events`: segment-based and event-based sound event metrics of a hypothesis event
 * list against a reference, equal to sed_eval 0.2.1 (see docs/evaluation.md).
 */
import { Command, Option } from 'commander';
import { HibikiError } from '../../errors.js';

interface ScoreEventsCliOptions {
  ref: string;
  hyp: string;
  collar: string;
  offsetLength: string;
  segment: string;
  matching: 'optimal' | 'greedy';
  onsetOnly?: boolean;
  emptyZero?: boolean;
  json?: string;
}

function positive(name: string, text: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) throw new HibikiError('USAGE', `--${name} must be a positive number of seconds`, { expected: 'a number > 0', found: text });
  return v;
}

/** Adds the `events` subcommand to the `score` command. */
export function addScoreEvents(score: Command): void {
  score
    .command('events')
    .description('sound event detection metrics (segment-based and event-based F1 / error rate), equal to sed_eval')
    .requiredOption('--ref <list>', 'reference event list: "onset offset label" or "file onset offset label" lines (tab, comma or semicolon)')
    .requiredOption('--hyp <list>', 'estimated event list, same format')
    .option('--collar <sec>', 'event-based onset (and offset) collar in seconds', '0.2')
    .option('--offset-length <fraction>', 'offset tolerance as a fraction of the reference event length (the offset passes within max(collar, fraction*length))', '0.5')
    .option('--segment <sec>', 'segment length for segment-based metrics, seconds', '1.0')
    .addOption(new Option('--matching <type>', 'event matching').choices(['optimal', 'greedy']).default('optimal'))
    .option('--onset-only', 'event-based: evaluate onsets only')
    .option('--empty-zero', 'score precision 0 (not undefined) for classes with no output')
    .option('--json <file>', 'also write all results as JSON')
    .action(async (opts: ScoreEventsCliOptions) => {
      const offsetLength = Number(opts.offsetLength);
      if (!(offsetLength >= 0 && offsetLength <= 1)) {
        throw new HibikiError('USAGE', '--offset-length must be in [0, 1]', { expected: '[0, 1]', found: opts.offsetLength });
      }
      const { scoreEventFiles } = await import('../../eval/sed/score.js');
      const { report } = scoreEventFiles({
        ref: opts.ref,
        hyp: opts.hyp,
        tCollar: positive('collar', opts.collar),
        percentageOfLength: offsetLength,
        segmentLength: positive('segment', opts.segment),
        matching: opts.matching,
        evaluateOffset: opts.onsetOnly !== true,
        ...(opts.emptyZero === true ? { emptySystemOutput: 'zero-score' as const } : {}),
        ...(opts.json !== undefined ? { jsonPath: opts.json } : {}),
      });
      process.stdout.write(report);
    });
}
