/**
 * A minimal WebAssembly binary writer: just what fft-wasm.ts needs to emit exported
 * `() -> ()` functions over an exported memory (i32 and f64 scalar ops, f64x2 SIMD, loops).
 * Code is generated per FFT size with every address a constant, so no assembler or build step
 * is needed and nothing binary is committed.
 */

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
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

/** Function body builder; methods append instructions and return `this`. */
export class Code {
  readonly bytes: number[] = [];
  private readonly locals: number[] = [];

  constructor(private readonly numParams = 0) {}

  /** Declares a local of `type`; returns its index. */
  local(type: number): number {
    this.locals.push(type);
    return this.numParams + this.locals.length - 1;
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
  i32Shl(): this {
    return this.op(0x74);
  }
  i32LeU(): this {
    return this.op(0x4d);
  }
  i32GtU(): this {
    return this.op(0x4b);
  }
  /** f32.load at (address operand + offset), promoted to f64. */
  f32LoadAsF64(offset: number): this {
    this.op(0x2a, 2);
    uleb(offset, this.bytes);
    return this.op(0xbb);
  }
  f64Div(): this {
    return this.op(0xa3);
  }
  f64Sqrt(): this {
    return this.op(0x9f);
  }
  /** i32.load at (address operand + offset), 4-byte aligned. */
  i32Load(offset: number): this {
    this.op(0x28, 2);
    uleb(offset, this.bytes);
    return this;
  }
  f64Const(x: number): this {
    const b = new Uint8Array(new Float64Array([x]).buffer);
    return this.op(0x44, ...b);
  }
  i32LtU(): this {
    return this.op(0x49);
  }
  f64Add(): this {
    return this.op(0xa0);
  }
  f64Sub(): this {
    return this.op(0xa1);
  }
  f64Mul(): this {
    return this.op(0xa2);
  }
  /** f64.load at (address operand + offset), 8-byte aligned. */
  f64Load(offset: number): this {
    this.op(0x2b, 3);
    uleb(offset, this.bytes);
    return this;
  }
  f64Store(offset: number): this {
    this.op(0x39, 3);
    uleb(offset, this.bytes);
    return this;
  }
  v128Load(offset: number): this {
    this.simd(0x00);
    this.bytes.push(3);
    uleb(offset, this.bytes);
    return this;
  }
  v128Store(offset: number): this {
    this.simd(0x0b);
    this.bytes.push(3);
    uleb(offset, this.bytes);
    return this;
  }
  f64x2Add(): this {
    return this.simd(0xf0);
  }
  f64x2Sub(): this {
    return this.simd(0xf1);
  }
  f64x2Mul(): this {
    return this.simd(0xf2);
  }
  /** `loop` ... `br_if 0` on the condition the body leaves ... `end`. */
  loop(body: () => void): this {
    this.op(0x03, 0x40);
    body();
    return this.op(0x0d, 0x00, 0x0b);
  }

  /** The function body bytes (locals + code + end). */
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

/**
 * A module with one memory of `pages` 64 KiB pages exported as `memory`, and `() -> ()`
 * functions exported under their names.
 */
export function buildModule(pages: number, functions: { name: string; code: Code }[]): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(1, [1, 0x60, 0, 0], out);
  const funcs: number[] = [];
  uleb(functions.length, funcs);
  for (let i = 0; i < functions.length; i++) funcs.push(0);
  section(3, funcs, out);
  const mem: number[] = [1, 0x00];
  uleb(pages, mem);
  section(5, mem, out);
  const exp: number[] = [];
  uleb(functions.length + 1, exp);
  name('memory', exp);
  exp.push(0x02, 0);
  functions.forEach((f, i) => {
    name(f.name, exp);
    exp.push(0x00);
    uleb(i, exp);
  });
  section(7, exp, out);
  const code: number[] = [];
  uleb(functions.length, code);
  for (const f of functions) {
    const body = f.code.encode();
    uleb(body.length, code);
    code.push(...body);
  }
  section(10, code, out);
  return Uint8Array.from(out);
}
