/**
 * Frame sources over a feature archive plus the labels of a data directory: the thin adapters
 * between the archive reader, the target makers and the batch loaders. Frame counts come from
 * the archive index, so building a loader reads no features.
 */
import { HibikiError } from '../../errors.js';
import { cmvnSumsToMeanVariance, type FeatureConfig } from '../../features/index.js';
import type { FeatureArchive } from '../archive/index.js';
import type { DataDir } from '../datadir/index.js';
import {
  alignmentToFrameTargets,
  eventsToFrameTargets,
  type AlignmentTargetOptions,
  type FrameGeometry,
  type FrameTargets,
  type MultiLabelTargets,
} from '../targets/index.js';
import type { Vocabulary } from '../vocab/index.js';
import type { CmvnStats, FrameSource, SequenceTargets } from './types.js';

/** The frame geometry of features made with `config` (ms to seconds). */
export function frameGeometryOf(config: FeatureConfig): FrameGeometry {
  return { lengthSec: config.frameLengthMs / 1000, shiftSec: config.frameShiftMs / 1000, snipEdges: config.snipEdges };
}

/** Global CMVN mean/variance from the archive's stats.json, or undefined when it has none. */
export function archiveCmvn(archive: FeatureArchive): CmvnStats | undefined {
  const sums = archive.cmvnSums();
  return sums === null ? undefined : cmvnSumsToMeanVariance(sums);
}

/**
 * A frame source over an archive with targets made on demand.
 * @param targets targets of one utterance given its frame count
 * @param utterances subset (default: every archive utterance, in index order)
 */
export function archiveFrameSource<T>(
  archive: FeatureArchive,
  targets: (utt: string, frames: number) => T,
  utterances?: readonly string[],
): FrameSource<T> {
  const frames = new Map(archive.entries.map((e) => [e.utt, e.frames]));
  const utts = utterances ?? archive.entries.map((e) => e.utt);
  for (const u of utts) {
    if (!frames.has(u)) {
      throw new HibikiError('ARCHIVE_UNKNOWN_UTTERANCE', 'utterance is not in the feature archive', { file: archive.dir, utterance: u });
    }
  }
  return {
    utterances: utts,
    frames: (utt) => frames.get(utt)!,
    features: (utt) => archive.read(utt),
    targets: (utt) => targets(utt, frames.get(utt)!),
  };
}

function requireLabels<V>(map: Map<string, V> | undefined, what: string, archive: FeatureArchive): Map<string, V> {
  if (map === undefined) {
    throw new HibikiError('TARGETS_MISSING', `the data directory has no ${what}`, { expected: what, found: 'none' });
  }
  for (const e of archive.entries) {
    if (!map.has(e.utt)) {
      throw new HibikiError('TARGETS_MISSING', `utterance has features but no ${what}`, { utterance: e.utt, file: archive.dir });
    }
  }
  return map;
}

/** Single-label frame targets from the data directory's `alignment`. */
export function alignmentFrameSource(
  archive: FeatureArchive,
  data: DataDir,
  vocab: Vocabulary,
  options: AlignmentTargetOptions = {},
): FrameSource<FrameTargets> {
  const alignment = requireLabels(data.alignment, 'alignment', archive);
  const geometry = frameGeometryOf(archive.config);
  return archiveFrameSource(archive, (utt, n) =>
    alignmentToFrameTargets(alignment.get(utt)!, n, geometry, vocab, { ...options, utterance: utt }),
  );
}

/** Multi-label frame targets from the data directory's `events.tsv`. */
export function eventFrameSource(archive: FeatureArchive, data: DataDir, vocab: Vocabulary): FrameSource<MultiLabelTargets> {
  const events = requireLabels(data.events, 'events', archive);
  const geometry = frameGeometryOf(archive.config);
  return archiveFrameSource(archive, (utt, n) => eventsToFrameTargets(events.get(utt)!, n, geometry, vocab, utt));
}

/** Token sequences (CTC) from the data directory's `text`. */
export function transcriptSource(archive: FeatureArchive, data: DataDir, vocab: Vocabulary): FrameSource<SequenceTargets> {
  const text = requireLabels(data.text, 'text', archive);
  return archiveFrameSource(archive, (utt) => ({
    labels: Int32Array.from(text.get(utt)!, (token) => vocab.index(token, { utterance: utt })),
  }));
}
