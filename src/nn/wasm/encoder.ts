/**
 * A small WebAssembly binary writer for kernels that run INSIDE tfjs-backend-wasm's memory: the
 * module imports that memory (`env.memory`), so a kernel reads and writes tensors in place by
 * their heap byte offsets, with no copy in or out. Functions take i32 (addresses, counts) and f32
 * (scalars) parameters and return nothing. Only the instructions hibiki's kernels use are here
 * (i32 arithmetic, f32 scalar ops, f32x4 SIMD, structured loops); code is generated at start-up,
 * so nothing binary is committed. (src/features/wasm-encoder.ts is the FFT's writer; it owns its
 * memory and has only `() -> ()` functions, so it does not fit here.)
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

function sleb(n: number, out: number[]): void {
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

/** Function body builder: methods append one instruction and return `this`. */
export class Body {
  readonly bytes: number[] = [];
  private readonly locals: number[] = [];

  /** @param params parameter types, in order (locals 0..params.length-1) */
  constructor(readonly params: readonly number[]) {}

  /** Declares a local of `type`; returns its index. */
  local(type: number): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  private op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  private simd(opcode: number): this {
    this.bytes.push(0xfd);
    uleb(opcode, this.bytes);
    return this;
  }
  private mem(opcode: number, align: number, offset: number, simd = false): this {
    if (simd) this.simd(opcode);
    else this.bytes.push(opcode);
    this.bytes.push(align);
    uleb(offset, this.bytes);
    return this;
  }

  get(i: number): this {
    this.op(0x20);
    uleb(i, this.bytes);
    return this;
  }
  set(i: number): this {
    this.op(0x21);
    uleb(i, this.bytes);
    return this;
  }
  tee(i: number): this {
    this.op(0x22);
    uleb(i, this.bytes);
    return this;
  }
  i32(n: number): this {
    this.op(0x41);
    sleb(n | 0, this.bytes);
    return this;
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32Shl(): this {
    return this.op(0x74);
  }
  i32LtU(): this {
    return this.op(0x49);
  }
  i32GeU(): this {
    return this.op(0x4f);
  }
  i32GtU(): this {
    return this.op(0x4b);
  }
  i32And(): this {
    return this.op(0x71);
  }
  i32Eqz(): this {
    return this.op(0x45);
  }
  f32Const(x: number): this {
    return this.op(0x43, ...new Uint8Array(new Float32Array([x]).buffer));
  }
  f32Load(offset = 0): this {
    return this.mem(0x2a, 2, offset);
  }
  f32Store(offset = 0): this {
    return this.mem(0x38, 2, offset);
  }
  f32Add(): this {
    return this.op(0x92);
  }
  f32Sub(): this {
    return this.op(0x93);
  }
  f32Mul(): this {
    return this.op(0x94);
  }
  f32Div(): this {
    return this.op(0x95);
  }
  f32Sqrt(): this {
    return this.op(0x91);
  }
  /** v128.load (alignment hint 1 byte: tfjs heap offsets are only 4-byte aligned for sure). */
  v128Load(offset = 0): this {
    return this.mem(0x00, 0, offset, true);
  }
  v128Store(offset = 0): this {
    return this.mem(0x0b, 0, offset, true);
  }
  f32x4Splat(): this {
    return this.simd(0x13);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Sub(): this {
    return this.simd(0xe5);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  f32x4Div(): this {
    return this.simd(0xe7);
  }
  f32x4Sqrt(): this {
    return this.simd(0xe3);
  }
  /** i8x16.shuffle of the two v128 operands by 16 lane indices (0-15 first, 16-31 second). */
  shuffle(lanes: readonly number[]): this {
    this.simd(0x0d);
    this.bytes.push(...lanes);
    return this;
  }
  /** `block` ... `end`; inside, `br(depth)` to the block jumps past its end. */
  block(body: () => void): this {
    this.op(0x02, 0x40);
    body();
    return this.op(0x0b);
  }
  /** `loop` ... `end`; inside, `br(depth)`/`brIf(depth)` to the loop jumps to its start. */
  loop(body: () => void): this {
    this.op(0x03, 0x40);
    body();
    return this.op(0x0b);
  }
  br(depth: number): this {
    return this.op(0x0c, depth);
  }
  brIf(depth: number): this {
    return this.op(0x0d, depth);
  }

  /**
   * `for (i = start; i < end; i += step) body()` with a guard for an empty range; `start`,
   * `end` push i32 values. Uses two label depths (block + loop) around `body`.
   */
  forRange(i: number, start: () => void, end: () => void, step: number, body: () => void): this {
    start();
    this.set(i);
    return this.block(() => {
      this.get(i);
      end();
      this.i32GeU().brIf(0);
      this.loop(() => {
        body();
        this.get(i).i32(step).i32Add().tee(i);
        end();
        this.i32LtU().brIf(0);
      });
    });
  }

  /** The function body bytes (locals, code, end). */
  encode(): number[] {
    const out: number[] = [];
    uleb(this.locals.length, out);
    for (const t of this.locals) out.push(1, t);
    out.push(...this.bytes, 0x0b);
    return out;
  }
}

function section(id: number, content: number[], out: number[]): void {
  out.push(id);
  uleb(content.length, out);
  out.push(...content);
}

function name(s: string, out: number[]): void {
  uleb(s.length, out);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/** A module importing `env.memory` (at least 1 page, no maximum) and exporting `functions`. */
export function buildModule(functions: { name: string; body: Body }[]): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(functions.length, types);
  for (const f of functions) {
    types.push(0x60);
    uleb(f.body.params.length, types);
    types.push(...f.body.params, 0);
  }
  section(1, types, out);
  const imports: number[] = [1];
  name('env', imports);
  name('memory', imports);
  imports.push(0x02, 0x00, 1);
  section(2, imports, out);
  const funcs: number[] = [];
  uleb(functions.length, funcs);
  functions.forEach((_, i) => uleb(i, funcs));
  section(3, funcs, out);
  const exp: number[] = [];
  uleb(functions.length, exp);
  functions.forEach((f, i) => {
    name(f.name, exp);
    exp.push(0x00);
    uleb(i, exp);
  });
  section(7, exp, out);
  const code: number[] = [];
  uleb(functions.length, code);
  for (const f of functions) {
    const body = f.body.encode();
    uleb(body.length, code);
    code.push(...body);
  }
  section(10, code, out);
  return Uint8Array.from(out);
}
