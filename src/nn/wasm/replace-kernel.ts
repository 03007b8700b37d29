/** Re-registering a wasm kernel around the one tfjs-backend-wasm ships. */
import * as tf from '@tensorflow/tfjs';

/**
 * Replaces the registered wasm kernel `name` by `impl(original)`, keeping the original's setup and
 * dispose hooks (the backend's own kernels need them); does nothing when wasm has no such kernel.
 */
export function replaceWasmKernel(name: string, impl: (orig: tf.KernelFunc) => tf.KernelFunc): void {
  const old = tf.getKernel(name, 'wasm');
  if (old === undefined) return;
  tf.unregisterKernel(name, 'wasm');
  const cfg: tf.KernelConfig = { kernelName: name, backendName: 'wasm', kernelFunc: impl(old.kernelFunc) };
  if (old.setupFunc !== undefined) cfg.setupFunc = old.setupFunc;
  if (old.disposeFunc !== undefined) cfg.disposeFunc = old.disposeFunc;
  tf.registerKernel(cfg);
}
