/**
 * `hibiki synth events|phones`: writes a synthetic corpus (wavs + data directory) from a seed.
 * Options are parsed here and validated once by the library (CONFIG_INVALID on bad values).
 */
import type { Command } from 'commander';
import { HibikiError } from '../../errors.js';
import type { SynthCorpusSummary, synthesizeEventCorpus, synthesizePhoneCorpus } from '../../data/synth/index.js';

function num(flag: string): (value: string) => number {
  return (value) => {
    const x = Number(value);
    if (value.trim() === '' || !Number.isFinite(x)) {
      throw new HibikiError('USAGE', `${flag} takes a number`, { expected: 'a number', found: JSON.stringify(value) });
    }
    return x;
  };
}

function pair(flag: string): (value: string) => [number, number] {
  return (value) => {
    const parts = value.split(':').map(num(flag));
    if (parts.length !== 2) throw new HibikiError('USAGE', `${flag} takes lo:hi`, { expected: 'lo:hi, e.g. 0:20', found: JSON.stringify(value) });
    return [parts[0]!, parts[1]!];
  };
}

/** Copies the options that were given (commander leaves absent ones undefined). */
function defined(opts: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
}

function report(s: SynthCorpusSummary): void {
  const labels = s.corrupted ? 'corrupted training labels + exact labels' : 'exact labels';
  process.stdout.write(`wrote ${s.files} files (${s.seconds.toFixed(1)} s of audio, ${s.labels} labels, ${s.classes.length} classes) to ${s.dir} [${s.split}, ${labels}]\n`);
}

function common(cmd: Command): Command {
  return cmd
    .requiredOption('--out <dir>', 'output data directory (wavs go to <dir>/wav/)')
    .option('--seed <n>', 'random seed; equal seeds give identical corpora', num('--seed'), 1)
    .option('--hours <h>', 'corpus size in hours of audio', num('--hours'))
    .option('--split <split>', 'train | dev | test (only train gets corrupted labels)', 'train')
    .option('--boundary-jitter-ms <ms>', 'train: shift each label boundary by up to this many ms', num('--boundary-jitter-ms'))
    .option('--drop-short-ms <ms>', 'train: drop (events) or merge (phones) labels shorter than this', num('--drop-short-ms'))
    .option('--sample-rate <hz>', 'sampling rate (>= 16000)', num('--sample-rate'));
}

/** Registers `hibiki synth events` and `hibiki synth phones`. */
export function registerSynth(program: Command): void {
  const synth = program.command('synth').description('write a synthetic corpus (deterministic from a seed)');
  common(synth.command('events').description('polyphonic sound events over coloured noise, with events.tsv'))
    .option('--files <n>', 'number of files (default 20)', num('--files'))
    .option('--duration <s>', 'seconds per file (default 10)', num('--duration'))
    .option('--max-polyphony <n>', 'events sounding at once (default 3)', num('--max-polyphony'))
    .option('--snr-db <lo:hi>', 'event-to-background SNR range in dB (default 0:20)', pair('--snr-db'))
    .action(async (opts: Record<string, unknown>) => {
      const { duration, ...rest } = defined(opts);
      const synth = await import('../../data/synth/index.js');
      report(synth.synthesizeEventCorpus({ ...rest, ...(duration === undefined ? {} : { fileDuration: duration }) } as Parameters<typeof synthesizeEventCorpus>[0]));
    });
  common(synth.command('phones').description('formant-synthesised phone "language", with alignment and text'))
    .option('--utterances <n>', 'number of utterances (default 100)', num('--utterances'))
    .option('--speakers <n>', 'speakers in this split (default 10)', num('--speakers'))
    .option('--snr-db <lo:hi>', 'speech-to-background SNR range in dB (default 20:40)', pair('--snr-db'))
    .action(async (opts: Record<string, unknown>) => {
      const synth = await import('../../data/synth/index.js');
      report(synth.synthesizePhoneCorpus(defined(opts) as Parameters<typeof synthesizePhoneCorpus>[0]));
    });
}
