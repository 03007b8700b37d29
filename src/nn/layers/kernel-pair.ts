/**
 * hibiki's custom kernels come in pairs (a forward kernel and its gradient kernel), registered for
 * the backends whose tensors live in plain typed arrays (wasm heap, cpu), lazily on first use.
 */
import * as tf from '@tensorflow/tfjs';

/** Backends the JavaScript kernel pairs are registered for. */
const KERNEL_PAIR_BACKENDS = ['wasm', 'cpu'] as const;

/**
 * A lazily registered forward/gradient kernel pair.
 * @returns `available()`: registers the pair (once) and says whether the CURRENT backend has it
 */
export function kernelPair(forwardName: string, forward: tf.KernelFunc, gradName: string, grad: tf.KernelFunc): { available: () => boolean } {
  let registered = false;
  return {
    available(): boolean {
      if (!registered) {
        registered = true;
        for (const backendName of KERNEL_PAIR_BACKENDS) {
          tf.registerKernel({ kernelName: forwardName, backendName, kernelFunc: forward });
          tf.registerKernel({ kernelName: gradName, backendName, kernelFunc: grad });
        }
      }
      return tf.getKernel(forwardName, tf.getBackend()) !== undefined;
    },
  };
}
