/**
 * Writing a data directory: every file sorted by id (C-locale order, as Kaldi expects) and
 * written atomically. Audio paths inside the directory are written relative to it, so the
 * directory can be moved with its audio; others are written absolute.
 */
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { join } from 'node:path';
import { HibikiError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { DATA_FILES } from './read.js';
import { compareIds } from './text-file.js';
import type { DataDir } from './types.js';

/**
 * Formats seconds for data files: at most 9 decimals (nanoseconds), no trailing zeros, never
 * exponent notation (Kaldi's readers do not take it).
 */
export function formatSeconds(t: number): string {
  if (!Number.isFinite(t)) throw new HibikiError('BAD_TIMES', 'time is not finite', { found: String(t) });
  const s = t.toFixed(9).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

function sortedEntries<V>(m: Map<string, V>): [string, V][] {
  return [...m].sort((a, b) => compareIds(a[0], b[0]));
}

function checkId(id: string, file: string): void {
  if (id === '' || /\s/.test(id)) throw new HibikiError('BAD_ID', 'ids may not be empty or contain whitespace', { file, found: JSON.stringify(id) });
}

function checkToken(token: string, file: string, utterance: string): void {
  if (token === '' || /\s/.test(token)) {
    throw new HibikiError('BAD_LABEL', 'labels may not be empty or contain whitespace', { file, utterance, found: JSON.stringify(token) });
  }
}

/** The wav.scp path for `path`: relative to `dir` when inside it, else absolute. */
function scpPath(dir: string, path: string): string {
  const full = resolve(dir, path);
  const rel = relative(resolve(dir), full);
  const inside = rel !== '' && rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel);
  const out = inside ? rel.split(sep).join('/') : full;
  if (out.includes('|')) throw new HibikiError('WAV_SCP_PIPE', "audio paths may not contain '|'", { file: path });
  return out;
}

/**
 * Writes `data` into `dir` (created if needed). Files of absent parts are not written (nor
 * deleted). events.tsv gets a DCASE header and names each file by its audio basename when the
 * basenames are unique and there are no segments, else by its id.
 */
export function writeDataDir(dir: string, data: DataDir): void {
  let wav = '';
  for (const [id, path] of sortedEntries(data.wavScp)) {
    checkId(id, DATA_FILES.wavScp);
    wav += `${id} ${scpPath(dir, path)}\n`;
  }
  writeFileAtomic(join(dir, DATA_FILES.wavScp), wav);
  if (data.segments !== undefined) {
    let s = '';
    for (const [id, g] of sortedEntries(data.segments)) {
      checkId(id, DATA_FILES.segments);
      s += `${id} ${g.recording} ${formatSeconds(g.start)} ${formatSeconds(g.end)}\n`;
    }
    writeFileAtomic(join(dir, DATA_FILES.segments), s);
  }
  if (data.utt2spk !== undefined) {
    let s = '';
    for (const [id, spk] of sortedEntries(data.utt2spk)) {
      checkId(id, DATA_FILES.utt2spk);
      checkId(spk, DATA_FILES.utt2spk);
      s += `${id} ${spk}\n`;
    }
    writeFileAtomic(join(dir, DATA_FILES.utt2spk), s);
  }
  if (data.text !== undefined) {
    let s = '';
    for (const [id, tokens] of sortedEntries(data.text)) {
      checkId(id, DATA_FILES.text);
      tokens.forEach((t) => checkToken(t, DATA_FILES.text, id));
      s += tokens.length > 0 ? `${id} ${tokens.join(' ')}\n` : `${id}\n`;
    }
    writeFileAtomic(join(dir, DATA_FILES.text), s);
  }
  if (data.alignment !== undefined) {
    let s = '';
    for (const [id, segs] of sortedEntries(data.alignment)) {
      checkId(id, DATA_FILES.alignment);
      for (const g of [...segs].sort((a, b) => a.start - b.start)) {
        checkToken(g.label, DATA_FILES.alignment, id);
        s += `${id} ${formatSeconds(g.start)} ${formatSeconds(g.end)} ${g.label}\n`;
      }
    }
    writeFileAtomic(join(dir, DATA_FILES.alignment), s);
  }
  if (data.events !== undefined) writeFileAtomic(join(dir, DATA_FILES.events), eventsTsv(data));
}

function eventsTsv(data: DataDir): string {
  const names = new Map<string, string>();
  const bases = [...data.wavScp].map(([id, p]) => [id, basename(p)] as const);
  const unique = data.segments === undefined && new Set(bases.map((b) => b[1])).size === bases.length;
  for (const [id, b] of bases) names.set(id, unique ? b : id);
  let s = 'filename\tonset\toffset\tevent_label\n';
  for (const [id, events] of sortedEntries(data.events ?? new Map())) {
    const name = names.get(id) ?? id;
    if (events.length === 0) s += `${name}\t\t\t\n`;
    for (const e of [...events].sort((a, b) => a.onset - b.onset)) {
      if (e.label === '' || /[\t\n]/.test(e.label)) throw new HibikiError('BAD_LABEL', 'event labels may not be empty or contain tabs', { utterance: id });
      s += `${name}\t${formatSeconds(e.onset)}\t${formatSeconds(e.offset)}\t${e.label}\n`;
    }
  }
  return s;
}
