/** Collecting the label set of a data directory, to build a vocabulary from the training data. */
import { compareIds } from '../datadir/text-file.js';
import type { DataDir } from '../datadir/types.js';

/** Which labels of a data directory: alignment segments, events, or text tokens. */
export type LabelSource = 'alignment' | 'events' | 'text';

/** The distinct labels of `source` in `data`, sorted (C-locale order), so the vocabulary is reproducible. */
export function collectLabels(data: DataDir, source: LabelSource): string[] {
  const set = new Set<string>();
  if (source === 'alignment') for (const segs of data.alignment?.values() ?? []) for (const s of segs) set.add(s.label);
  if (source === 'events') for (const evs of data.events?.values() ?? []) for (const e of evs) set.add(e.label);
  if (source === 'text') for (const toks of data.text?.values() ?? []) for (const t of toks) set.add(t);
  return [...set].sort(compareIds);
}
