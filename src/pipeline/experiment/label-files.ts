/**
 * Alternative label files of a data directory (`labels.file` / `labels.evalFile`), e.g. the
 * synthetic corpora's `alignment.exact` and `events.exact.tsv` beside the corrupted `alignment`
 * and `events.tsv`: train on noisy labels, score against exact ones. The file has the format of
 * the standard file of the task (alignment: `utt start end label`; events: DCASE list; text:
 * `utt token...`) and replaces it in the data directory read by readDataDir.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseDcaseEventList, readTextFile, splitLines, type AlignedSegment, type DataDir, type EventSpan } from '../../data/index.js';
import { HibikiError } from '../../errors.js';
import type { ExperimentTask } from './config.js';

function parseAlignment(text: string, file: string): Map<string, AlignedSegment[]> {
  const out = new Map<string, AlignedSegment[]>();
  for (const l of splitLines(text)) {
    const f = l.fields;
    const start = Number(f[1]);
    const end = Number(f[2]);
    if (f.length !== 4 || !Number.isFinite(start) || !Number.isFinite(end) || start < 0 || end <= start) {
      throw new HibikiError('ALIGNMENT_SYNTAX', 'bad alignment line', { file, line: l.line, expected: 'utt start end label (seconds, start < end)', found: l.text });
    }
    const utt = f[0]!;
    let list = out.get(utt);
    if (list === undefined) out.set(utt, (list = []));
    list.push({ start, end, label: f[3]! });
  }
  for (const list of out.values()) list.sort((a, b) => a.start - b.start);
  return out;
}

function parseEvents(text: string, file: string, wavScp: Map<string, string>): Map<string, EventSpan[]> {
  const byBase = new Map<string, string | null>();
  for (const [id, path] of wavScp) byBase.set(basename(path), byBase.has(basename(path)) ? null : id);
  const out = new Map<string, EventSpan[]>();
  for (const id of wavScp.keys()) out.set(id, []);
  for (const row of parseDcaseEventList(text, file, 4).rows) {
    const name = row.filename ?? '';
    const key = wavScp.has(name) ? name : byBase.get(basename(name));
    if (key === undefined || key === null) {
      throw new HibikiError('UNKNOWN_FILE', `file '${name}' matches no wav.scp id or audio basename`, { file, line: row.line });
    }
    if (row.onset !== undefined && row.offset !== undefined && row.label !== undefined) out.get(key)!.push({ onset: row.onset, offset: row.offset, label: row.label });
  }
  // As readDataDir: by onset, file order on ties (Array.prototype.sort is stable).
  for (const list of out.values()) list.sort((a, b) => a.onset - b.onset);
  return out;
}

function parseText(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const l of splitLines(text)) out.set(l.fields[0]!, l.fields.slice(1));
  return out;
}

/**
 * `data` with the task's labels read from `file` (a name inside `dataDir`) instead of the
 * standard file; `data` itself when `file` is null.
 * @throws HibikiError `FILE_NOT_FOUND`, `ALIGNMENT_SYNTAX`, `EVENTS_SYNTAX`, `UNKNOWN_FILE`
 */
export function withLabelFile(data: DataDir, dataDir: string, file: string | null, task: ExperimentTask): DataDir {
  if (file === null) return data;
  const path = join(dataDir, file);
  if (!existsSync(path)) throw new HibikiError('FILE_NOT_FOUND', 'label file (labels.file / labels.evalFile) not found', { file: path });
  const text = readTextFile(path);
  if (task === 'frame') return { ...data, alignment: parseAlignment(text, path) };
  if (task === 'multilabel') return { ...data, events: parseEvents(text, path, data.wavScp) };
  return { ...data, text: parseText(text) };
}
