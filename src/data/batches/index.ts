export * from './types.js';
export { cmvnTransform, applyCmvn, type CmvnTransform } from './cmvn.js';
export { epochRng, utteranceOrder, SlotShuffler } from './order.js';
export type { StreamStats } from './item-stream.js';
export { frameBatches, multiLabelFrameBatches, type FrameBatchOptions, type FrameBatchStream } from './frames.js';
export {
  chunkBatches,
  multiLabelChunkBatches,
  chunksOf,
  type ChunkBatchOptions,
  type ChunkBatchStream,
} from './chunks.js';
export { utteranceBatches, utteranceBatchPlan, type UtteranceBatchOptions } from './utterances.js';
export {
  archiveFrameSource,
  alignmentFrameSource,
  eventFrameSource,
  transcriptSource,
  archiveCmvn,
  frameGeometryOf,
} from './archive-source.js';
