/** Kaldi's frame windows (feature-window.cc), symmetric over the frame length. */
import type { WindowType } from './config.js';

/**
 * Window function of `length` samples.
 * - hanning: 0.5 - 0.5 cos(2 pi n / (N-1)); hamming: 0.54 - 0.46 cos(...);
 * - povey: hanning^0.85 (Kaldi's default, goes to zero at the edges);
 * - rectangular: 1; blackman: c - 0.5 cos(a n) + (0.5 - c) cos(2 a n), a = 2 pi / (N-1).
 * @param blackmanCoeff Kaldi `blackman-coeff` (0.42)
 * @returns [length] window
 */
export function featureWindow(type: WindowType, length: number, blackmanCoeff = 0.42): Float64Array {
  const w = new Float64Array(length);
  const a = (2 * Math.PI) / (length - 1);
  for (let n = 0; n < length; n++) {
    switch (type) {
      case 'hanning':
        w[n] = 0.5 - 0.5 * Math.cos(a * n);
        break;
      case 'hamming':
        w[n] = 0.54 - 0.46 * Math.cos(a * n);
        break;
      case 'povey':
        w[n] = Math.pow(0.5 - 0.5 * Math.cos(a * n), 0.85);
        break;
      case 'rectangular':
        w[n] = 1;
        break;
      case 'blackman':
        w[n] = blackmanCoeff - 0.5 * Math.cos(a * n) + (0.5 - blackmanCoeff) * Math.cos(2 * a * n);
        break;
    }
  }
  return w;
}
