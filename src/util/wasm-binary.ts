/**
 * The WebAssembly binary writer behind hibiki's generated kernels: the FFT's f64x2 kernels (own
 * memory, `() -> ()` functions; see src/features/wasm-encoder.ts) and the nn heap kernels
 * (tfjs-backend-wasm's imported memory, i32/f32 params, f32x4). Code is generated at run time with
 * addresses baked in, so nothing binary is committed. Only the instructions those kernels use are
 * here; method names follow the text format (`i32Add` is `i32.add`).
 */

/** Value type codes (the binary format's one-byte encodings): i32, f32, f64, v128. */
export const I32 = 0x7f;
/** @see I32 */
export const F32 = 0x7d;
/** @see I32 */
export const F64 = 0x7c;
/** @see I32 */
export const V128 = 0x7b;
/** One of the value types above. */
export type ValueType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** Appends `n` (a non-negative integer < 2^32) as unsigned LEB128. */
export function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

/** Appends `n` (a 32-bit signed integer) as signed LEB128. */
export function sleb(n: number, out: number[]): void {
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** Options of a {@link FunctionBody}. */
export interface BodyOptions {
  /** Result types (default none). */
  results?: readonly ValueType[];
  /**
   * log2 of the alignment hint on v128 loads and stores. Default 0 (any address: tfjs heap
   * offsets are only sure to be 4-byte aligned); 3 promises 8-byte-aligned addresses.
   */
  vectorAlign?: number;
}

/**
 * A function body under construction: each instruction method appends one instruction and
 * returns `this`, so code reads as a stack-machine sequence. Locals 0..params.length-1 are the
 * parameters; {@link FunctionBody.local} declares more. Scalar loads and stores take a constant
 * byte `offset` added to the address operand and carry their natural alignment hint.
 */
export class FunctionBody {
  /** The instruction bytes so far (without locals and the final `end`). */
  readonly bytes: number[] = [];
  /** Result types of the function's signature. */
  readonly results: readonly ValueType[];
  private readonly locals: number[] = [];
  private readonly vectorAlign: number;

  /** @param params parameter types, in order (the signature's inputs) */
  constructor(readonly params: readonly ValueType[] = [], options: BodyOptions = {}) {
    this.results = options.results ?? [];
    this.vectorAlign = options.vectorAlign ?? 0;
  }

  /** Declares a local of `type`; returns its index. */
  local(type: ValueType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  private op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  private withIndex(opcode: number, index: number): this {
    this.bytes.push(opcode);
    uleb(index, this.bytes);
    return this;
  }
  private simd(opcode: number): this {
    return this.withIndex(0xfd, opcode);
  }
  /** A memory instruction's immediates: log2 alignment hint, constant byte offset. */
  private memarg(align: number, offset: number): this {
    return this.withIndex(align, offset);
  }
  /** `block` (0x02) or `loop` (0x03) with no result around `body`, then `tail` and `end`. */
  private structured(opcode: number, body: () => void, tail: number[]): this {
    this.op(opcode, 0x40);
    body();
    return this.op(...tail, 0x0b);
  }

  // Locals and constants.
  get(i: number): this { return this.withIndex(0x20, i); }
  set(i: number): this { return this.withIndex(0x21, i); }
  tee(i: number): this { return this.withIndex(0x22, i); }
  /** i32.const (n is taken modulo 2^32, as a signed value). */
  i32(n: number): this {
    this.op(0x41);
    sleb(n | 0, this.bytes);
    return this;
  }
  /** f32.const, rounded to the nearest f32. */
  f32Const(x: number): this { return this.op(0x43, ...new Uint8Array(new Float32Array([x]).buffer)); }
  f64Const(x: number): this { return this.op(0x44, ...new Uint8Array(new Float64Array([x]).buffer)); }

  // i32 arithmetic and comparisons (unsigned).
  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }
  i32And(): this { return this.op(0x71); }
  i32Shl(): this { return this.op(0x74); }
  i32Eqz(): this { return this.op(0x45); }
  i32LtU(): this { return this.op(0x49); }
  i32GtU(): this { return this.op(0x4b); }
  i32LeU(): this { return this.op(0x4d); }
  i32GeU(): this { return this.op(0x4f); }

  // Scalar memory access (natural alignment: 4 bytes for i32/f32, 8 for f64).
  i32Load(offset = 0): this { return this.op(0x28).memarg(2, offset); }
  f32Load(offset = 0): this { return this.op(0x2a).memarg(2, offset); }
  f64Load(offset = 0): this { return this.op(0x2b).memarg(3, offset); }
  f32Store(offset = 0): this { return this.op(0x38).memarg(2, offset); }
  f64Store(offset = 0): this { return this.op(0x39).memarg(3, offset); }

  // f32 and f64 arithmetic.
  f32Sqrt(): this { return this.op(0x91); }
  f32Add(): this { return this.op(0x92); }
  f32Sub(): this { return this.op(0x93); }
  f32Mul(): this { return this.op(0x94); }
  f32Div(): this { return this.op(0x95); }
  f64Sqrt(): this { return this.op(0x9f); }
  f64Add(): this { return this.op(0xa0); }
  f64Sub(): this { return this.op(0xa1); }
  f64Mul(): this { return this.op(0xa2); }
  f64Div(): this { return this.op(0xa3); }
  /** f64.promote_f32: the f32 on the stack as an f64 (exact). */
  f64PromoteF32(): this { return this.op(0xbb); }

  // SIMD (v128 memory access uses the body's `vectorAlign` hint).
  v128Load(offset = 0): this { return this.simd(0x00).memarg(this.vectorAlign, offset); }
  v128Store(offset = 0): this { return this.simd(0x0b).memarg(this.vectorAlign, offset); }
  /** i8x16.shuffle of the two v128 operands by 16 lane indices (0-15 first, 16-31 second). */
  shuffle(lanes: readonly number[]): this {
    this.simd(0x0d);
    this.bytes.push(...lanes);
    return this;
  }
  f32x4Splat(): this { return this.simd(0x13); }
  f32x4Sqrt(): this { return this.simd(0xe3); }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Sub(): this { return this.simd(0xe5); }
  f32x4Mul(): this { return this.simd(0xe6); }
  f32x4Div(): this { return this.simd(0xe7); }
  f64x2Add(): this { return this.simd(0xf0); }
  f64x2Sub(): this { return this.simd(0xf1); }
  f64x2Mul(): this { return this.simd(0xf2); }

  // Control flow.
  /** `block` ... `end`; inside, `br(depth)` to the block jumps past its end. */
  block(body: () => void): this { return this.structured(0x02, body, []); }
  /** `loop` ... `end`; inside, `br(depth)`/`brIf(depth)` to the loop jumps to its start. */
  loop(body: () => void): this { return this.structured(0x03, body, []); }
  /** `loop` ... `br_if 0` ... `end`: a do-while whose body leaves the i32 condition to go on. */
  doWhile(body: () => void): this { return this.structured(0x03, body, [0x0d, 0x00]); }
  br(depth: number): this { return this.withIndex(0x0c, depth); }
  brIf(depth: number): this { return this.withIndex(0x0d, depth); }

  /**
   * `for (i = start; i < end; i += step) body()` (unsigned compare) with a guard for an empty
   * range; `start` and `end` push i32 values. Uses two label depths (block + loop) around `body`.
   */
  forRange(i: number, start: () => void, end: () => void, step: number, body: () => void): this {
    start();
    this.set(i);
    return this.structured(0x02, () => {
      this.get(i);
      end();
      this.i32GeU().brIf(0);
      this.structured(0x03, () => {
        body();
        this.get(i).i32(step).i32Add().tee(i);
        end();
        this.i32LtU().brIf(0);
      }, []);
    }, []);
  }

  /** The body as the code section stores it: locals (one entry each), code, `end`. */
  encode(): number[] {
    const out: number[] = [];
    uleb(this.locals.length, out);
    for (const t of this.locals) out.push(1, t);
    out.push(...this.bytes, 0x0b);
    return out;
  }
}

/** A function to export from a module. */
export interface WasmFunction {
  /** Export name (ASCII). */
  name: string;
  body: FunctionBody;
}

/** Where a module's memory comes from. */
export type ModuleMemory =
  /** The module's own memory of `pages` 64 KiB pages, exported as `memory` (before the functions). */
  | { own: number }
  /** The host's memory, imported as `env.memory` with at least `minPages` pages and no maximum. */
  | { importMinPages: number };

/** Options of {@link buildModule}. */
export interface ModuleOptions {
  /** Default `{ importMinPages: 1 }`: kernels that work in place in a host's heap (tfjs-backend-wasm). */
  memory?: ModuleMemory;
  /**
   * `per-function` (default): one type entry per function, repeats and all; `distinct`: each
   * signature once, in order of first use. Both are valid; the choice fixes the bytes tests pin.
   */
  types?: 'per-function' | 'distinct';
}

function section(id: number, content: number[], out: number[]): void {
  out.push(id);
  uleb(content.length, out);
  out.push(...content);
}

/** A vector: its item count, then the items' bytes. */
function vec(items: readonly number[][]): number[] {
  const out: number[] = [];
  uleb(items.length, out);
  for (const item of items) out.push(...item);
  return out;
}

function u32(n: number): number[] {
  const out: number[] = [];
  uleb(n, out);
  return out;
}

function name(s: string): number[] {
  return [...u32(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

function signature(body: FunctionBody): number[] {
  return [0x60, ...u32(body.params.length), ...body.params, ...u32(body.results.length), ...body.results];
}

/**
 * Assembles a module (binary format version 1) that exports `functions` under their names.
 * @returns the module bytes, for `new WebAssembly.Module(bytes)`
 */
export function buildModule(functions: readonly WasmFunction[], options: ModuleOptions = {}): Uint8Array {
  const memory = options.memory ?? { importMinPages: 1 };
  const sigs: number[][] = [];
  const seen = new Map<string, number>();
  const typeOf = functions.map((f) => {
    const sig = signature(f.body);
    const key = sig.join(',');
    let t = options.types === 'distinct' ? seen.get(key) : undefined;
    if (t === undefined) {
      t = sigs.push(sig) - 1;
      seen.set(key, t);
    }
    return t;
  });
  const exports = functions.map((f, i) => [...name(f.name), 0x00, ...u32(i)]);
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(1, vec(sigs), out);
  if ('importMinPages' in memory) {
    section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...u32(memory.importMinPages)]]), out);
  }
  section(3, vec(typeOf.map(u32)), out);
  if ('own' in memory) {
    section(5, vec([[0x00, ...u32(memory.own)]]), out);
    exports.unshift([...name('memory'), 0x02, 0]);
  }
  section(7, vec(exports), out);
  section(10, vec(functions.map((f) => f.body.encode()).map((b) => [...u32(b.length), ...b])), out);
  return Uint8Array.from(out);
}
