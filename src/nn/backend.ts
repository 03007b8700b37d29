/**
 * Backend selection (DESIGN.md, "Backends"): `auto` tries the native TensorFlow binding
 * (@tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node; optional dependencies that are usually
 * absent), then wasm, then the pure-JS cpu backend. `HIBIKI_BACKEND` overrides the requested name.
 * The wasm backend is loaded with hibiki's kernel fixes (src/nn/wasm/kernels.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HibikiError } from '../errors.js';
import { log } from '../util/log.js';
import { installWasmKernelFixes } from './wasm/kernels.js';

export const BACKEND_NAMES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What was chosen, for logs and exp/<name>/ records. */
export interface BackendInfo {
  /** The tfjs backend now active: `tensorflow`, `wasm` or `cpu`. */
  name: 'tensorflow' | 'wasm' | 'cpu';
  /** What was asked for after the environment override. */
  requested: BackendName;
  /** Native package used for `tensorflow`, when any. */
  nativePackage?: string;
  /** wasm only: SIMD build loaded. */
  simd?: boolean;
  /** wasm only: threads in use (1 under Node: tfjs-backend-wasm disables its threaded build there). */
  threads?: number;
  /** Why backends earlier in the `auto` order were skipped. */
  skipped: string[];
}

const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/** Directory holding the .wasm binaries, resolved from this module (works from src via tsx and from dist). */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/';
}

async function tryNative(skipped: string[]): Promise<string | null> {
  for (const pkg of NATIVE_PACKAGES) {
    try {
      // A variable specifier keeps bundlers and tsc from insisting the optional package exists.
      const spec: string = pkg;
      await import(spec);
      if (await tf.setBackend('tensorflow')) return pkg;
      skipped.push(`${pkg}: loaded but the tensorflow backend did not initialise`);
    } catch (e) {
      skipped.push(`${pkg}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  return null;
}

let wasmLoaded = false;
async function tryWasm(skipped: string[]): Promise<boolean> {
  try {
    if (!wasmLoaded) {
      const wasmPkg = await import('@tensorflow/tfjs-backend-wasm');
      const dir = wasmBinaryDir();
      wasmPkg.setWasmPaths(process.platform === 'win32' ? pathToFileURL(dir).href : join(dir, '/'));
      installWasmKernelFixes();
      wasmLoaded = true;
    }
    if (await tf.setBackend('wasm')) return true;
    skipped.push('wasm: backend did not initialise');
  } catch (e) {
    skipped.push(`wasm: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  return false;
}

/**
 * Activates a tfjs backend and returns what was chosen (also logged at info level).
 * @param name `auto` (default) picks tensorflow > wasm > cpu; an explicit name must work or
 *   this throws. The environment variable `HIBIKI_BACKEND`, when set, replaces `name`.
 * @throws HibikiError `BACKEND_UNKNOWN` for a bad name, `BACKEND_UNAVAILABLE` when an explicitly
 *   requested backend cannot start.
 */
export async function selectBackend(name: BackendName = 'auto', env: NodeJS.ProcessEnv = process.env): Promise<BackendInfo> {
  const override = env['HIBIKI_BACKEND'];
  const requested = (override !== undefined && override !== '' ? override : name) as BackendName;
  if (!BACKEND_NAMES.includes(requested)) {
    const from = override !== undefined && override !== '' ? ' (from HIBIKI_BACKEND)' : '';
    throw new HibikiError('BACKEND_UNKNOWN', `unknown backend "${requested}"${from}`, {
      expected: BACKEND_NAMES.join(' | '),
      found: requested,
    });
  }
  const skipped: string[] = [];
  let info: BackendInfo | null = null;
  if (requested === 'auto' || requested === 'tensorflow') {
    const pkg = await tryNative(skipped);
    if (pkg !== null) info = { name: 'tensorflow', requested, nativePackage: pkg, skipped };
  }
  if (info === null && (requested === 'auto' || requested === 'wasm')) {
    if (await tryWasm(skipped)) info = { name: 'wasm', requested, simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: wasmThreads(), skipped };
  }
  if (info === null && (requested === 'auto' || requested === 'cpu')) {
    if (await tf.setBackend('cpu')) info = { name: 'cpu', requested, skipped };
  }
  if (info === null) {
    throw new HibikiError('BACKEND_UNAVAILABLE', `backend "${requested}" could not be started`, {
      expected: `a working ${requested} backend`,
      found: skipped.join('; ') || 'initialisation failed',
    });
  }
  log('info', `backend: ${info.name}`, { requested, ...(info.skipped.length > 0 ? { skipped: info.skipped } : {}) });
  return info;
}

function wasmThreads(): number {
  const b = tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } };
  return b.wasm?.tfjs?.getThreadsCount?.() ?? 1;
}
