/** Shared feature types. */

/** A feature matrix: `data` is row-major `[frames, dim]`. */
export interface FeatureMatrix {
  /** Row-major `[frames, dim]` values. */
  data: Float32Array;
  /** Number of rows (frames). */
  frames: number;
  /** Number of columns (feature dimension). */
  dim: number;
}

/** Builds a FeatureMatrix, checking that `data` has `frames * dim` values. */
export function featureMatrix(data: Float32Array, frames: number, dim: number): FeatureMatrix {
  if (data.length !== frames * dim) {
    throw new RangeError(`feature matrix data has ${data.length} values, expected ${frames} x ${dim}`);
  }
  return { data, frames, dim };
}
