/**
 * Reports of token scoring: an sclite-like summary table, a per-utterance alignment report in the
 * spirit of sclite's `pralign` output, and JSON; plus the file-level entry point behind
 * `hibiki score tokens`.
 */
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';
import type { EditCounts } from './edit-distance.js';
import { readTokenFoldMap, scoreTranscripts, type CorpusScore, type TokenScoreMode } from './token-scoring.js';
import { readTrn } from './trn.js';

function pct(n: number, d: number): string {
  return (d === 0 ? 0 : (100 * n) / d).toFixed(1).padStart(6);
}

function row(label: string, sentences: number, sentenceErrors: number, c: EditCounts): string {
  const err = c.sub + c.del + c.ins;
  return (
    `| ${label.padEnd(8).slice(0, 8)} | ${String(sentences).padStart(5)} ${String(c.refLength).padStart(6)} |` +
    `${pct(c.corr, c.refLength)} ${pct(c.sub, c.refLength)} ${pct(c.del, c.refLength)} ${pct(c.ins, c.refLength)} ` +
    `${pct(err, c.refLength)} ${pct(sentenceErrors, sentences)} |`
  );
}

/**
 * sclite-like summary: one row per speaker and a Sum row, percentages of the reference length
 * (S.Err: percent of utterances with an error), followed by the raw corpus counts.
 */
export function formatScoreSummary(score: CorpusScore): string {
  const header =
    `| ${'SPKR'.padEnd(8)} | # Snt ${('# ' + unitName(score.mode)).padStart(6)} |` +
    `${['Corr', 'Sub', 'Del', 'Ins', 'Err', 'S.Err'].map((n) => n.padStart(6)).join(' ')} |`;
  const rule = '|' + '-'.repeat(header.length - 2) + '|';
  const lines = [header, rule];
  for (const s of score.speakers) lines.push(row(s.speaker, s.sentences, s.sentenceErrors, s.counts));
  lines.push(rule);
  lines.push(row('Sum/Avg', score.utterances.length, score.sentenceErrors, score.total));
  const t = score.total;
  lines.push(
    `counts: Corr=${t.corr} Sub=${t.sub} Del=${t.del} Ins=${t.ins} Err=${t.sub + t.del + t.ins} ` +
      `RefLength=${t.refLength} Sentences=${score.utterances.length} S.Err=${score.sentenceErrors}`,
  );
  return lines.join('\n') + '\n';
}

function unitName(mode: TokenScoreMode): string {
  return mode === 'word' ? 'Wrd' : mode === 'char' ? 'Chr' : 'Tok';
}

/**
 * Per-utterance alignment report: id, counts, and REF/HYP/Eval rows with `*` for gaps and the
 * errors upper-cased, as sclite's pralign report does.
 */
export function formatAlignmentReport(score: CorpusScore): string {
  const out: string[] = [];
  for (const u of score.utterances) {
    const refRow: string[] = [];
    const hypRow: string[] = [];
    const evalRow: string[] = [];
    for (const s of u.steps) {
      let r = s.ref >= 0 ? (u.ref[s.ref] as string) : '';
      let h = s.hyp >= 0 ? (u.hyp[s.hyp] as string) : '';
      if (s.op !== 'C') {
        r = r.toUpperCase();
        h = h.toUpperCase();
      }
      const w = Math.max(r.length, h.length, 1);
      refRow.push(s.op === 'I' ? '*'.repeat(w) : r.padEnd(w));
      hypRow.push(s.op === 'D' ? '*'.repeat(w) : h.padEnd(w));
      evalRow.push((s.op === 'C' ? '' : s.op).padEnd(w));
    }
    const c = u.counts;
    out.push(
      `id: (${u.id})`,
      `Scores: (#C #S #D #I) ${c.corr} ${c.sub} ${c.del} ${c.ins}`,
      `REF:  ${refRow.join(' ')}`.trimEnd(),
      `HYP:  ${hypRow.join(' ')}`.trimEnd(),
      `Eval: ${evalRow.join(' ')}`.trimEnd(),
      '',
    );
  }
  return out.join('\n');
}

/** JSON form: corpus and per-speaker counts, per-utterance counts and alignment operations. */
export function scoreToJson(score: CorpusScore): unknown {
  const t = score.total;
  return {
    mode: score.mode,
    total: { ...t, err: t.sub + t.del + t.ins, sentences: score.utterances.length, sentenceErrors: score.sentenceErrors,
      errorRate: t.refLength === 0 ? null : (t.sub + t.del + t.ins) / t.refLength },
    speakers: score.speakers.map((s) => ({ speaker: s.speaker, sentences: s.sentences, sentenceErrors: s.sentenceErrors, ...s.counts })),
    utterances: score.utterances.map((u) => ({
      id: u.id,
      ...u.counts,
      ops: u.steps.map((s) => s.op).join(''),
    })),
  };
}

/** Options of {@link scoreTokenFiles}. */
export interface ScoreTokenFilesOptions {
  ref: string;
  hyp: string;
  mode: TokenScoreMode;
  /** Phone folding map file (see parseTokenFoldMap). */
  phoneMap?: string;
  /** char mode: delete hyphens (sclite -c DH). */
  deleteHyphens?: boolean;
  /** When given, writes summary.txt, alignments.pra and scores.json there (atomically). */
  outDir?: string;
}

/** Reads two trn files, scores them and writes the reports; returns the score and summary text. */
export function scoreTokenFiles(options: ScoreTokenFilesOptions): { score: CorpusScore; summary: string } {
  const refs = readTrn(options.ref);
  const hyps = readTrn(options.hyp);
  const score = scoreTranscripts(
    refs,
    hyps,
    {
      mode: options.mode,
      ...(options.phoneMap !== undefined ? { phoneMap: readTokenFoldMap(options.phoneMap) } : {}),
      ...(options.deleteHyphens !== undefined ? { deleteHyphens: options.deleteHyphens } : {}),
    },
    options.ref,
    options.hyp,
  );
  const summary = formatScoreSummary(score);
  if (options.outDir !== undefined) {
    writeFileAtomic(join(options.outDir, 'summary.txt'), summary);
    writeFileAtomic(join(options.outDir, 'alignments.pra'), formatAlignmentReport(score));
    writeJsonAtomic(join(options.outDir, 'scores.json'), scoreToJson(score));
  }
  return { score, summary };
}
