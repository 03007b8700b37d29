/**
 * Small writers for the synthetic data directories (wav.scp, utt2spk, text, alignment,
 * events.tsv). They write the formats of DESIGN.md directly, ids sorted, so the synthesisers do
 * not wait on the general data-directory writer; the two can be unified later.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic.js';
import type { MsEvent, MsSegment } from './corrupt.js';

/** Seconds with 3 decimals from integer milliseconds. */
export function msToSeconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function sortedKeys<T>(m: Map<string, T>): string[] {
  return [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Writes `id value` lines (wav.scp, utt2spk, text), sorted by id. */
export function writeKeyValueFile(path: string, entries: Map<string, string>): void {
  writeFileAtomic(path, sortedKeys(entries).map((k) => `${k} ${entries.get(k)!}\n`).join(''));
}

/** Writes an `alignment` file: `utt-id start end label` per line, seconds, sorted by id then time. */
export function writeAlignmentFile(path: string, alignment: Map<string, MsSegment[]>): void {
  const lines: string[] = [];
  for (const utt of sortedKeys(alignment)) {
    for (const s of alignment.get(utt)!) lines.push(`${utt} ${msToSeconds(s.start)} ${msToSeconds(s.end)} ${s.label}\n`);
  }
  writeFileAtomic(path, lines.join(''));
}

/**
 * Writes a DCASE `events.tsv`: header `filename\tonset\toffset\tevent_label`, rows sorted by
 * filename then onset; a file without events gets one row with empty onset, offset and label.
 * @param events keyed by file name (the wav basename)
 */
export function writeEventsFile(path: string, events: Map<string, MsEvent[]>): void {
  const lines = ['filename\tonset\toffset\tevent_label\n'];
  for (const name of sortedKeys(events)) {
    const list = events.get(name)!;
    if (list.length === 0) lines.push(`${name}\t\t\t\n`);
    for (const e of list) lines.push(`${name}\t${msToSeconds(e.onset)}\t${msToSeconds(e.offset)}\t${e.label}\n`);
  }
  writeFileAtomic(path, lines.join(''));
}

/** Paths of the files in a synthetic data directory. */
export function dataDirFiles(dir: string): Record<'wavScp' | 'utt2spk' | 'text' | 'alignment' | 'alignmentExact' | 'events' | 'eventsExact' | 'meta', string> {
  return {
    wavScp: join(dir, 'wav.scp'),
    utt2spk: join(dir, 'utt2spk'),
    text: join(dir, 'text'),
    alignment: join(dir, 'alignment'),
    alignmentExact: join(dir, 'alignment.exact'),
    events: join(dir, 'events.tsv'),
    eventsExact: join(dir, 'events.exact.tsv'),
    meta: join(dir, 'synth.json'),
  };
}
