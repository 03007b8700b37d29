/** Evaluation layer: frame metrics, calibration, sound-event metrics (sed_eval), post-processing, reports. */
export * from './frame-metrics.js';
export * from './calibration.js';
export * from './multilabel.js';
export * from './evaluate.js';
export * from './sed/results.js';
export * from './sed/event-list.js';
export * from './sed/matching.js';
export * from './sed/segment-based.js';
export * from './sed/event-based.js';
export * from './sed/score.js';
export * from './edit-distance.js';
export * from './trn.js';
export * from './token-scoring.js';
export * from './token-scoring-report.js';
export * from './postprocess.js';
