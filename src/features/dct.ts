/** Kaldi's DCT (matrix-functions ComputeDctMatrix) and cepstral lifter. */

/**
 * Orthonormal DCT-II rows 0..numCeps-1 over numBins inputs, Kaldi's scaling:
 * row 0 is sqrt(1/N), row k is sqrt(2/N) cos(pi/N (n + 0.5) k).
 * @returns [numCeps, numBins] row-major
 */
export function dctMatrix(numCeps: number, numBins: number): Float64Array {
  const m = new Float64Array(numCeps * numBins);
  const n0 = Math.sqrt(1 / numBins);
  const nk = Math.sqrt(2 / numBins);
  for (let k = 0; k < numCeps; k++) {
    for (let n = 0; n < numBins; n++) {
      m[k * numBins + n] = k === 0 ? n0 : nk * Math.cos((Math.PI / numBins) * (n + 0.5) * k);
    }
  }
  return m;
}

/** Kaldi's lifter 1 + Q/2 sin(pi i / Q), i = 0..numCeps-1 (all ones when Q = 0). */
export function lifterCoefficients(numCeps: number, cepstralLifter: number): Float64Array {
  const c = new Float64Array(numCeps);
  for (let i = 0; i < numCeps; i++) {
    c[i] = cepstralLifter === 0 ? 1 : 1 + 0.5 * cepstralLifter * Math.sin((Math.PI * i) / cepstralLifter);
  }
  return c;
}
