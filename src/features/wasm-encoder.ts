/**
 * The FFT kernels' conventions on top of the shared WebAssembly writer (src/util/wasm-binary.ts):
 * fft-wasm.ts emits exported `() -> ()` functions over a memory the module owns and lays out
 * itself, with every address a constant generated per FFT size.
 */
import { buildModule as assemble, FunctionBody } from '../util/wasm-binary.js';

/**
 * An FFT kernel body: no parameters, v128 accesses hinted 8-byte aligned (fft-wasm.ts places
 * every f64 array at a multiple of 8 bytes), and every loop a do-while.
 */
export class Code extends FunctionBody {
  constructor() {
    super([], { vectorAlign: 3 });
  }

  /** `loop` ... `br_if 0` ... `end`: the FFT's loops all leave their go-on condition last. */
  override loop(body: () => void): this {
    return this.doWhile(body);
  }

  /** f32.load at (address operand + offset), promoted to f64 (the frame kernel's f32 input). */
  f32LoadAsF64(offset: number): this {
    return this.f32Load(offset).f64PromoteF32();
  }
}

/**
 * A module with its own memory of `pages` 64 KiB pages, exported as `memory`, and the
 * `() -> ()` functions exported under their names (one shared type entry).
 */
export function buildModule(pages: number, functions: readonly { name: string; code: Code }[]): Uint8Array {
  return assemble(functions.map((f) => ({ name: f.name, body: f.code })), { memory: { own: pages }, types: 'distinct' });
}
