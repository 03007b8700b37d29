/**
 * Frame targets for the utterances of a data directory: the glue between `readDataDir` and a batch
 * loader's `targets(utt)`. The number of frames comes from the features (the archive index), so
 * it is an argument, not computed here.
 */
import { HibikiError } from '../../errors.js';
import type { DataDir } from '../datadir/types.js';
import type { Vocabulary } from '../vocab/vocabulary.js';
import { alignmentToFrameTargets, type FrameTargets, type UncoveredPolicy } from './alignment.js';
import { eventsToFrameTargets, type MultiLabelTargets } from './events.js';
import type { FrameGeometry } from './geometry.js';

/**
 * A function giving the single-label targets of an utterance of `data`. Raises `NO_ALIGNMENT`
 * when the directory has no alignment for the utterance (an alignment with no segments is
 * different: its frames follow `uncovered`).
 */
export function alignmentTargetsOf(
  data: DataDir,
  vocab: Vocabulary,
  frame: FrameGeometry,
  uncovered: UncoveredPolicy = 'error',
): (utt: string, numFrames: number) => FrameTargets {
  return (utt, numFrames) => {
    const segs = data.alignment?.get(utt);
    if (segs === undefined) throw new HibikiError('NO_ALIGNMENT', 'utterance has no alignment', { utterance: utt, expected: 'lines in the alignment file' });
    return alignmentToFrameTargets(segs, numFrames, frame, vocab, { uncovered, utterance: utt });
  };
}

/**
 * A function giving the multi-label event targets of an utterance of `data`. An utterance with no
 * entry in events.tsv has no events (DCASE lists leave event-free files out).
 */
export function eventTargetsOf(data: DataDir, vocab: Vocabulary, frame: FrameGeometry): (utt: string, numFrames: number) => MultiLabelTargets {
  return (utt, numFrames) => eventsToFrameTargets(data.events?.get(utt) ?? [], numFrames, frame, vocab, utt);
}
