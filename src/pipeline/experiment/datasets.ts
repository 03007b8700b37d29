/**
 * Data sets of an experiment: a data directory, its feature archive (extracted into
 * `<expDir>/feats/<name>` unless one is given, skipped when the archive's stamp says it is up to
 * date), the vocabulary, the label prior, and frame sources joining features and targets for the
 * batch loaders and the evaluators.
 */
import { basename, join } from 'node:path';
import { HibikiError } from '../../errors.js';
import {
  alignmentTargetsOf,
  archiveFrameSource,
  collectLabels,
  eventTargetsOf,
  frameGeometryOf,
  priorsFromCounts,
  readDataDir,
  UNK,
  Vocabulary,
  type CmvnStats,
  type DataDir,
  type EventSpan,
  type FrameGeometry,
  type FrameSource,
  type FrameTargets,
  type LabelPriors,
  type MultiLabelTargets,
  type SequenceTargets,
  type UncoveredPolicy,
} from '../../data/index.js';
import { extractFeatureArchive, openFeatureArchive, readArchiveItems, type FeatureArchive } from '../../data/archive/index.js';
import { canonicalJson } from '../../config/index.js';
import { cmvnSumsToMeanVariance, perUtteranceCmvn, type FeatureConfig, type FeatureMatrix } from '../../features/index.js';
import type { ExperimentConfig, ExperimentTask } from './config.js';
import { withLabelFile } from './label-files.js';

/** A data set: a data directory, the name its outputs go under, and optionally a ready archive. */
export interface DatasetRef {
  /** Kaldi-style data directory (wav.scp, optional segments, alignment / events.tsv / text). */
  dataDir: string;
  /** Set name, e.g. `train`, `dev`, `test` (directories `feats/<name>`, `eval/<name>`). */
  name: string;
  /** A feature archive made with the experiment's feature config; extracted when absent. */
  archiveDir?: string;
}

/** A data set ready for batches and evaluation. */
export interface OpenDataset {
  ref: DatasetRef;
  data: DataDir;
  archive: FeatureArchive;
}

/** Options of {@link openDataset}. */
export interface OpenDatasetOptions {
  /** Feature worker threads; 0 computes in this thread. Default 1. */
  numJobs?: number;
  /** Accept wav.scp paths outside the data directory. */
  allowOutside?: boolean;
  /** Read the task's labels from this file of the data directory (see withLabelFile). */
  labelFile?: { file: string | null; task: ExperimentTask };
}

/**
 * Reads the data directory and extracts (or reuses) its feature archive.
 * @throws HibikiError data-directory and audio errors, `ARCHIVE_CONFIG_MISMATCH`
 */
export async function openDataset(ref: DatasetRef, features: FeatureConfig, expDir: string, options: OpenDatasetOptions = {}): Promise<OpenDataset> {
  const allow = options.allowOutside === true ? { allowOutside: true } : {};
  const read = readDataDir(ref.dataDir, allow);
  const data = options.labelFile === undefined ? read : withLabelFile(read, ref.dataDir, options.labelFile.file, options.labelFile.task);
  let dir = ref.archiveDir;
  if (dir === undefined) {
    dir = join(expDir, 'feats', ref.name);
    await extractFeatureArchive({ items: readArchiveItems(ref.dataDir, allow), outDir: dir, config: features, numJobs: options.numJobs ?? 1 });
  }
  const archive = openFeatureArchive(dir);
  if (canonicalJson(archive.config) !== canonicalJson(features)) {
    archive.close();
    throw new HibikiError('ARCHIVE_CONFIG_MISMATCH', 'the feature archive was made with another feature config than the experiment', {
      file: dir,
      expected: canonicalJson(features),
      found: canonicalJson(archive.config),
    });
  }
  return { ref, data, archive };
}

/** The alignment policy for frames no segment covers. */
export function uncoveredPolicy(config: ExperimentConfig): UncoveredPolicy {
  const u = config.labels.uncovered;
  return u === 'error' || u === 'ignore' ? u : { label: u };
}

/**
 * The vocabulary of an experiment: read from `labels.vocabulary`, else the sorted label set of
 * the training data (alignment labels, event classes, or text tokens after the CTC blank at 0).
 * @throws HibikiError `VOCAB_*`, `CTC_BLANK_NOT_FIRST`, `TARGETS_MISSING`
 */
export function buildVocabulary(config: ExperimentConfig, train: DataDir): Vocabulary {
  const unk = { unk: config.labels.unk };
  if (config.labels.vocabulary !== null) {
    const v = Vocabulary.read(config.labels.vocabulary, unk);
    if (config.task === 'ctc' && v.labels[0] !== config.labels.blank) {
      throw new HibikiError('CTC_BLANK_NOT_FIRST', 'a CTC vocabulary must list the blank first (output 0)', {
        file: config.labels.vocabulary,
        line: 1,
        expected: config.labels.blank,
        found: v.labels[0] ?? 'an empty file',
      });
    }
    return v;
  }
  const source = config.task === 'frame' ? 'alignment' : config.task === 'multilabel' ? 'events' : 'text';
  const present = source === 'alignment' ? train.alignment : source === 'events' ? train.events : train.text;
  if (present === undefined) {
    throw new HibikiError('TARGETS_MISSING', `the training data directory has no ${source === 'events' ? 'events.tsv' : source}`, {
      expected: `${source === 'events' ? 'events.tsv' : source} for task ${config.task}`,
      found: 'none',
    });
  }
  let labels = collectLabels(train, source);
  const u = uncoveredPolicy(config);
  if (config.task === 'frame' && typeof u === 'object' && !labels.includes(u.label)) labels = [...labels, u.label].sort();
  if (config.task === 'ctc') {
    if (labels.includes(config.labels.blank)) {
      throw new HibikiError('CTC_BLANK_IN_TEXT', 'the blank symbol occurs in the transcripts', { expected: `no token "${config.labels.blank}" in text`, found: config.labels.blank });
    }
    labels = [config.labels.blank, ...labels];
  }
  if (config.labels.unk === 'map' && !labels.includes(UNK)) labels.push(UNK);
  return Vocabulary.fromLabels(labels, unk);
}

/** CMVN statistics for the batch loaders and the frontend: global train-set stats or none. */
export function globalCmvn(config: ExperimentConfig, train: FeatureArchive): CmvnStats | undefined {
  if (config.cmvn.type !== 'global') return undefined;
  const sums = train.cmvnSums();
  if (sums === null) {
    throw new HibikiError('CMVN_STATS_MISSING', 'the training feature archive has no stats.json', { file: train.dir, expected: 'stats.json (written by feature extraction)', found: 'none' });
  }
  const mv = cmvnSumsToMeanVariance(sums);
  return config.cmvn.normVars ? mv : { mean: mv.mean };
}

/** A source whose features get per-utterance CMVN when the config asks for it. */
function withUtteranceCmvn<T>(source: FrameSource<T>, config: ExperimentConfig): FrameSource<T> {
  if (config.cmvn.type !== 'utterance') return source;
  const normVars = config.cmvn.normVars;
  return { ...source, features: (utt) => perUtteranceCmvn(source.features(utt) as FeatureMatrix, { normVars }) };
}

/** Frame geometry (seconds) of an experiment's features. */
export function geometryOf(config: ExperimentConfig): FrameGeometry {
  return frameGeometryOf(config.features);
}

/** Single-label frame targets (alignment) joined with the archive. */
export function alignmentSource(ds: OpenDataset, config: ExperimentConfig, vocab: Vocabulary): FrameSource<FrameTargets> {
  return withUtteranceCmvn(archiveFrameSource(ds.archive, alignmentTargetsOf(ds.data, vocab, geometryOf(config), uncoveredPolicy(config))), config);
}

/**
 * Events per utterance. events.tsv names recordings; with `segments`, an utterance is a part
 * [start, end) of its recording, so its events are the recording's events overlapping that part,
 * shifted to the utterance's time and clipped to it.
 */
export function utteranceEvents(data: DataDir): Map<string, EventSpan[]> {
  const events = data.events ?? new Map<string, EventSpan[]>();
  if (data.segments === undefined) return events;
  const out = new Map<string, EventSpan[]>();
  for (const [utt, seg] of data.segments) {
    if (events.has(utt)) {
      out.set(utt, events.get(utt)!);
      continue;
    }
    const end = seg.end > 0 ? seg.end : Infinity;
    const list: EventSpan[] = [];
    for (const e of events.get(seg.recording) ?? []) {
      const onset = Math.max(e.onset, seg.start) - seg.start;
      const offset = Math.min(e.offset, end) - seg.start;
      if (offset > onset) list.push({ onset, offset, label: e.label });
    }
    out.set(utt, list);
  }
  return out;
}

/** Multi-label event targets joined with the archive. */
export function eventSource(ds: OpenDataset, config: ExperimentConfig, vocab: Vocabulary): FrameSource<MultiLabelTargets> {
  if (ds.data.events === undefined) {
    throw new HibikiError('TARGETS_MISSING', 'the data directory has no events.tsv', { file: ds.ref.dataDir, expected: 'events.tsv', found: 'none' });
  }
  return withUtteranceCmvn(archiveFrameSource(ds.archive, eventTargetsOf({ ...ds.data, events: utteranceEvents(ds.data) }, vocab, geometryOf(config))), config);
}

/** Token sequences (CTC) joined with the archive. */
export function textSource(ds: OpenDataset, config: ExperimentConfig, vocab: Vocabulary): FrameSource<SequenceTargets> {
  const text = ds.data.text;
  if (text === undefined) throw new HibikiError('TARGETS_MISSING', 'the data directory has no text', { file: ds.ref.dataDir, expected: 'text', found: 'none' });
  return withUtteranceCmvn(
    archiveFrameSource(ds.archive, (utt) => {
      const tokens = text.get(utt);
      if (tokens === undefined) throw new HibikiError('TARGETS_MISSING', 'utterance has features but no transcript', { file: ds.ref.dataDir, utterance: utt });
      return { labels: Int32Array.from(tokens, (t) => vocab.index(t, { utterance: utt })) };
    }),
    config,
  );
}

/**
 * The unigram label prior of the training set: frame label counts (frame), active frames per
 * class (multilabel) or token counts (ctc, blank counted 0), add-one smoothed.
 */
export function labelPriorOf(ds: OpenDataset, config: ExperimentConfig, vocab: Vocabulary): LabelPriors {
  const counts = new Float64Array(vocab.size);
  if (config.task === 'frame') {
    const src = alignmentSource(ds, config, vocab);
    for (const u of src.utterances) for (const l of src.targets(u).labels) if (l >= 0) counts[l]! += 1;
    return priorsFromCounts(counts, vocab, 'frames');
  }
  if (config.task === 'multilabel') {
    const src = eventSource(ds, config, vocab);
    const k = vocab.size;
    for (const u of src.utterances) {
      const a = src.targets(u).active;
      for (let i = 0; i < a.length; i++) counts[i % k]! += a[i]!;
    }
    return priorsFromCounts(counts, vocab, 'frames');
  }
  const src = textSource(ds, config, vocab);
  for (const u of src.utterances) for (const l of src.targets(u).labels) counts[l]! += 1;
  return priorsFromCounts(counts, vocab, 'tokens');
}

/**
 * The name a recording has in DCASE event lists: the audio file's base name (`a.wav`) when the
 * utterance is a whole recording, else the utterance id.
 */
export function eventFileName(data: DataDir, utt: string): string {
  if (data.segments !== undefined) return utt;
  const path = data.wavScp.get(utt);
  return path === undefined ? utt : basename(path);
}
