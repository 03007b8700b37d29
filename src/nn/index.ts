/** nn layer: backend selection, model registry, label-smoothing losses, CTC. */
export * from './losses/index.js';
export * from './backend.js';
export { installWasmKernelFixes, wasmFallbackKernels } from './wasm/kernels.js';
export * from './models/index.js';
export * from './layers/index.js';
export * from './ctc/index.js';
