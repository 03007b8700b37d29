/**
 * `validateDataDir`: every problem of a data directory with file and line. Parse problems come
 * from read.ts; this adds cross-file consistency, audio checks (from file headers only) and
 * vocabulary checks. Errors are what breaks feature extraction or target making; warnings are
 * legal but probably unintended (see docs/data.md, "Validation").
 */
import { existsSync } from 'node:fs';
import { isHibikiError } from '../../errors.js';
import type { Vocabulary } from '../vocab/vocabulary.js';
import { UNK } from '../vocab/vocabulary.js';
import { readAudioHeader } from './audio-header.js';
import { DATA_FILES, parseDataDir, type ReadDataDirOptions } from './read.js';
import type { Finding } from './types.js';

export interface ValidateOptions extends ReadDataDirOptions {
  /** Check every label (alignment, events, text tokens) against this vocabulary. */
  vocabulary?: Vocabulary;
  /** Slack in seconds for "past the end" and "gap" checks; default 0.01 (rounding in label tools). */
  tolerance?: number;
  /** Skip the audio checks (existence, durations). Default false. */
  skipAudio?: boolean;
}

/** Result of a validation: all findings, and counts. */
export interface ValidationReport {
  dir: string;
  utterances: number;
  errors: number;
  warnings: number;
  findings: Finding[];
}

/** Validates the data directory `dir`. Raises only when `dir` is not a directory. */
export function validateDataDir(dir: string, options: ValidateOptions = {}): ValidationReport {
  const tol = options.tolerance ?? 0.01;
  const parsed = parseDataDir(dir, options);
  const { data, lines } = parsed;
  const findings = [...parsed.findings];
  const add = (severity: Finding['severity'], code: string, file: string, line: number | undefined, message: string, utterance?: string): void => {
    const f: Finding = { severity, code, file, message };
    if (line !== undefined) f.line = line;
    if (utterance !== undefined) f.utterance = utterance;
    findings.push(f);
  };

  const utts = data.segments !== undefined ? new Set(data.segments.keys()) : new Set(data.wavScp.keys());
  const checkIds = (file: string, ids: Iterable<string>, lineOf: (id: string) => number | undefined, missingIsWarning: boolean): void => {
    const have = new Set(ids);
    for (const id of have) if (!utts.has(id)) add('error', 'UNKNOWN_UTTERANCE', file, lineOf(id), `utterance '${id}' is not in ${data.segments ? 'segments' : 'wav.scp'}`, id);
    if (missingIsWarning) {
      let missing = 0;
      for (const u of utts) if (!have.has(u)) missing++;
      if (missing > 0) add('warning', 'MISSING_ENTRIES', file, undefined, `${missing} of ${utts.size} utterances have no entry`);
    }
  };
  if (data.utt2spk) checkIds(DATA_FILES.utt2spk, data.utt2spk.keys(), () => undefined, true);
  if (data.text) checkIds(DATA_FILES.text, data.text.keys(), (id) => lines.text.get(id), true);
  if (data.alignment) checkIds(DATA_FILES.alignment, data.alignment.keys(), (id) => lines.alignment.get(id)?.[0], true);

  // Durations of recordings from their headers.
  const recDur = new Map<string, number>();
  if (options.skipAudio !== true) {
    for (const [id, path] of data.wavScp) {
      const line = lines.wavScp.get(id);
      if (!existsSync(path)) {
        add('error', 'AUDIO_NOT_FOUND', DATA_FILES.wavScp, line, `audio file ${path} does not exist`, id);
        continue;
      }
      try {
        recDur.set(id, readAudioHeader(path).duration);
      } catch (e) {
        if (!isHibikiError(e)) throw e;
        add('error', e.code, DATA_FILES.wavScp, line, `${path}: ${e.message}`, id);
      }
    }
  }
  const uttDur = new Map<string, number>();
  if (data.segments) {
    for (const [utt, s] of data.segments) {
      const d = recDur.get(s.recording);
      if (d === undefined) continue;
      const end = s.end < 0 ? d : s.end;
      if (s.start >= d || end > d + tol) {
        add('error', 'SEGMENT_OUTSIDE_RECORDING', DATA_FILES.segments, lines.segments.get(utt), `segment [${s.start}, ${end}] lies outside recording '${s.recording}' (${d.toFixed(3)} s)`, utt);
      }
      uttDur.set(utt, Math.min(end, d) - s.start);
    }
  } else {
    for (const [id, d] of recDur) uttDur.set(id, d);
  }

  if (data.alignment) {
    for (const [utt, segs] of data.alignment) {
      const ls = lines.alignment.get(utt) ?? [];
      const dur = uttDur.get(utt);
      const first = segs[0];
      if (first !== undefined && first.start > tol) add('warning', 'ALIGNMENT_GAP', DATA_FILES.alignment, ls[0], `alignment starts at ${first.start} s, not at 0`, utt);
      for (let i = 1; i < segs.length; i++) {
        const prev = segs[i - 1] as (typeof segs)[number];
        const cur = segs[i] as (typeof segs)[number];
        if (cur.start < prev.end - 1e-9) {
          add('error', 'ALIGNMENT_OVERLAP', DATA_FILES.alignment, ls[i], `segment [${cur.start}, ${cur.end}] '${cur.label}' overlaps [${prev.start}, ${prev.end}] '${prev.label}'`, utt);
        } else if (cur.start > prev.end + tol) {
          add('warning', 'ALIGNMENT_GAP', DATA_FILES.alignment, ls[i], `gap from ${prev.end} to ${cur.start} s`, utt);
        }
      }
      const last = segs[segs.length - 1];
      if (last !== undefined && dur !== undefined) {
        if (last.end > dur + tol) {
          add('error', 'ALIGNMENT_PAST_END', DATA_FILES.alignment, ls[segs.length - 1], `segment ends at ${last.end} s, after the audio (${dur.toFixed(3)} s)`, utt);
        } else if (last.end < dur - tol) {
          add('warning', 'ALIGNMENT_GAP', DATA_FILES.alignment, ls[segs.length - 1], `alignment ends at ${last.end} s, audio lasts ${dur.toFixed(3)} s`, utt);
        }
      }
    }
  }

  if (data.events) {
    for (const [key, events] of data.events) {
      const ls = lines.events.get(key) ?? [];
      const dur = uttDur.get(key) ?? recDur.get(key);
      const lastOffset = new Map<string, number>();
      events.forEach((e, i) => {
        if (dur !== undefined && e.offset > dur + tol) {
          add('error', 'EVENT_PAST_END', DATA_FILES.events, ls[i], `event '${e.label}' ends at ${e.offset} s, after the audio (${dur.toFixed(3)} s)`, key);
        }
        const prevOff = lastOffset.get(e.label);
        if (prevOff !== undefined && e.onset < prevOff) {
          add('warning', 'EVENT_OVERLAP_SAME_CLASS', DATA_FILES.events, ls[i], `event '${e.label}' at ${e.onset} s overlaps an earlier '${e.label}' event (they are merged in frame targets)`, key);
        }
        lastOffset.set(e.label, Math.max(prevOff ?? -Infinity, e.offset));
      });
    }
  }

  const vocab = options.vocabulary;
  if (vocab !== undefined) {
    const unknown = (file: string, line: number | undefined, label: string, utt: string): void => {
      const mapped = vocab.unkPolicy === 'map';
      add(mapped ? 'warning' : 'error', 'UNKNOWN_LABEL', file, line, `label '${label}' is not in the vocabulary${mapped ? ` (mapped to ${UNK})` : ''}`, utt);
    };
    for (const [utt, segs] of data.alignment ?? []) {
      segs.forEach((s, i) => {
        if (!vocab.has(s.label)) unknown(DATA_FILES.alignment, lines.alignment.get(utt)?.[i], s.label, utt);
      });
    }
    for (const [key, evs] of data.events ?? []) {
      evs.forEach((e, i) => {
        if (!vocab.has(e.label)) unknown(DATA_FILES.events, lines.events.get(key)?.[i], e.label, key);
      });
    }
    for (const [utt, toks] of data.text ?? []) {
      for (const t of toks) if (!vocab.has(t)) unknown(DATA_FILES.text, lines.text.get(utt), t, utt);
    }
  }

  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { dir, utterances: utts.size, errors, warnings: findings.length - errors, findings };
}

/** One line per finding: `error [CODE] file:line: utterance u: message`. */
export function formatFinding(f: Finding): string {
  const where = f.line !== undefined ? `${f.file}:${f.line}` : f.file;
  const utt = f.utterance !== undefined ? ` utterance ${f.utterance}:` : '';
  return `${f.severity} [${f.code}] ${where}:${utt} ${f.message}`;
}
