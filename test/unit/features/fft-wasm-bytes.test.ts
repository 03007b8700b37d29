import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createWasmFft, createWasmFrameKernel, type FrameKernelSpec } from '../../../src/features/fft-wasm.js';

// Pins the FFT's generated WebAssembly modules byte for byte: the hashes were recorded from the
// FFT's own binary writer before it moved onto src/util/wasm-binary.ts, so any change to the
// emitted bytes (instruction encodings, alignment hints, section layout) fails here. The modules
// are captured where fft-wasm.ts compiles them, so this checks the bytes that really run.

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
}
const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** sha256 of every module compiled while `make` runs. */
function capture(make: () => unknown): string[] {
  const original = api.Module;
  const hashes: string[] = [];
  api.Module = class extends original {
    constructor(bytes: Uint8Array) {
      hashes.push(createHash('sha256').update(bytes).digest('hex'));
      super(bytes);
    }
  };
  try {
    assert.notEqual(make(), null);
  } finally {
    api.Module = original;
  }
  return hashes;
}

/** A frame spec with exactly representable values (the kernel bakes the mel bins' layout into code). */
function spec(length: number, bins: number, mel: boolean, magnitude: boolean): FrameKernelSpec {
  const window = Float64Array.from({ length }, (_, i) => ((i % 7) + 1) / 8);
  return {
    length,
    preemphasis: mel ? 0.96875 : 0,
    removeDc: mel,
    window,
    mel: mel
      ? {
          first: Int32Array.from({ length: bins }, (_, b) => 1 + 3 * b),
          weights: Array.from({ length: bins }, (_, b) => Float64Array.from({ length: 4 + (b % 3) }, (_, k) => (k + 1) / 16)),
          magnitude,
        }
      : null,
  };
}

test('FFT transform modules are byte-identical to the recorded ones (n = 4, 8, 64, 512)', () => {
  const got = Object.fromEntries([4, 8, 64, 512].map((n) => [n, capture(() => createWasmFft(n))]));
  assert.deepEqual(got, EXPECTED_FFT);
});

test('frame kernel modules (with and without a mel bank) are byte-identical to the recorded ones', () => {
  const got = {
    'n256-mel-power': capture(() => createWasmFrameKernel(256, spec(400, 23, true, false))),
    'n128-mel-magnitude': capture(() => createWasmFrameKernel(128, spec(200, 10, true, true))),
    'n64-nomel': capture(() => createWasmFrameKernel(64, spec(100, 0, false, false))),
  };
  assert.deepEqual(got, EXPECTED_FRAME);
});

// sha256 of the module bytes, recorded from the FFT's original writer (src/features/wasm-encoder.ts
// at commit df8bd9b). One module per call: the frame kernel's module also holds the transform.
const EXPECTED_FFT: Record<string, string[]> = {
  4: ['5fafbda5bab270feba50c13d6c614e0fd3c91f672e64f8fce72c978559e9aced'],
  8: ['878bcb9898bbc4a55409dfbc24d12bf8fe4db6ba770517b8a76c415c99c8e3f8'],
  64: ['efede49b3c634fc3830b6d5656a2e393ff7973d7ffe848a494ed0971bfb0cf41'],
  512: ['3f6f9f541ce23a998e2ffafe0fa4289d8fbd51ac9963e9727252dcfbfe4bc04b'],
};
const EXPECTED_FRAME: Record<string, string[]> = {
  'n256-mel-power': ['9d1fa131c366c579d362afe94ecc565cd9d77fe45a94e49ecb567287ac629441'],
  'n128-mel-magnitude': ['9a37cd9e8685ae20ed04f65414f9702743b0bdac90d051dbaafe61b43de1869b'],
  'n64-nomel': ['d9ee5d749271f30a513006c9598ed66ce37dd2ad4b469eec054ed25ce73a75db'],
};
