/**
 * `hibiki score tokens`: token / word / character error rates of a hyp.trn against a ref.trn,
 * with the counts NIST sclite reports (see docs/scoring.md).
 */
import { Command, Option } from 'commander';
import type { TokenScoreMode } from '../../eval/token-scoring.js';

interface ScoreTokensCliOptions {
  ref: string;
  hyp: string;
  mode: TokenScoreMode;
  phoneMap?: string;
  deleteHyphens?: boolean;
  out?: string;
}

/** Adds the `tokens` subcommand to the `score` command. */
export function addScoreTokens(score: Command): void {
  score
    .command('tokens')
    .description('error rates of hypothesis transcripts against references (sclite trn files), equal to NIST sclite')
    .requiredOption('--ref <file>', 'reference trn file: "tok1 tok2 (utt-id)" lines')
    .requiredOption('--hyp <file>', 'hypothesis trn file')
    .addOption(
      new Option('--mode <mode>', 'word: case-insensitive words (sclite); token: exact tokens (sclite -s); char: characters (sclite -c)')
        .choices(['word', 'char', 'token'])
        .default('word'),
    )
    .option('--phone-map <file>', 'fold tokens before scoring ("from to" lines; "from" alone deletes), e.g. TIMIT 61 -> 39')
    .option('--delete-hyphens', 'char mode: delete hyphens first (sclite -c DH)')
    .option('--out <dir>', 'write summary.txt, alignments.pra and scores.json there')
    .action(async (opts: ScoreTokensCliOptions) => {
      const { scoreTokenFiles } = await import('../../eval/token-scoring-report.js');
      const { summary } = scoreTokenFiles({
        ref: opts.ref,
        hyp: opts.hyp,
        mode: opts.mode,
        ...(opts.phoneMap !== undefined ? { phoneMap: opts.phoneMap } : {}),
        ...(opts.deleteHyphens === true ? { deleteHyphens: true } : {}),
        ...(opts.out !== undefined ? { outDir: opts.out } : {}),
      });
      process.stdout.write(summary);
    });
}
