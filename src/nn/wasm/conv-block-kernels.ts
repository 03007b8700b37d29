/**
 * Kernels that make a conv block (Conv2D + batch norm + ReLU + pooling, as in the crnn) train
 * fast on wasm: heap Tile (./tile.ts), MaxPoolGrad / AvgPoolGrad (./pool-grad.ts) and the fused
 * FusedBatchNorm gradient (./batchnorm-grad.ts). Installed by ./kernels.ts with the other fixes;
 * checked against the cpu backend by test/unit/nn/wasm-conv-block.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { installBatchNormGrad } from './batchnorm-grad.js';
import { heapAvgPoolGrad, heapMaxPoolGrad } from './pool-grad.js';
import { replaceWasmKernel as wrapKernel } from './replace-kernel.js';
import { heapTile } from './tile.js';

let installed = false;

/** Installs the conv-block kernels on wasm. Idempotent; call before the first wasm op. */
export function installConvBlockKernels(): void {
  if (installed) return;
  installed = true;
  wrapKernel(tf.Tile, heapTile);
  wrapKernel(tf.MaxPoolGrad, heapMaxPoolGrad);
  wrapKernel(tf.AvgPoolGrad, heapAvgPoolGrad);
  installBatchNormGrad();
}
