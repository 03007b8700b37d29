/** Feature archives: float32 .npy shards + JSONL index, extraction in worker threads, streaming reader. */
export * from './types.js';
export { npyHeader, parseNpyHeader, type NpyInfo } from './npy.js';
export { extractFeatureArchive, shardName, type ExtractOptions } from './extract.js';
export { openFeatureArchive, type FeatureArchive } from './reader.js';
export { readArchiveItems } from './sources.js';
