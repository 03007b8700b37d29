/**
 * Generated WebAssembly SIMD kernels that work in place on tfjs-backend-wasm's heap (the module
 * imports the backend's memory, so arguments are tensor byte offsets, not copies):
 *   - `adam*` / `sgd*`: one pass over w, g, m (, v) per variable for the optimiser update, where
 *     the tf-op path makes about 13 kernel calls and as many passes over memory;
 *   - `transpose`: a cache-blocked 2-D transpose (4x4 f32x4 shuffles inside 64-column tiles),
 *     replacing the backend's element-by-element Transpose before XNNPACK matmuls;
 *   - `colsum`: sums over the rows of a matrix (a Dense layer's bias gradient), row after row into
 *     an accumulator row, where the backend's Sum first transposes the whole input.
 * The optimiser kernels perform exactly the f32 operations of src/train/optimizers.ts's tf-op
 * path, in the same order, so both paths give the same bits (no fused multiply-add exists in
 * WebAssembly, and every op is correctly rounded).
 */
import { buildModule, F32, FunctionBody as Body, I32, V128 } from '../../util/wasm-binary.js';

/** The parts of the WebAssembly JS API used here (the project's lib settings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: abstract new (...args: never[]) => object;
  validate(bytes: Uint8Array): boolean;
}

/** Which Adam variant: plain, coupled L2 (`g += wd*w`), or AdamW's decoupled decay (`w *= 1 - lr*wd`). */
export type AdamKind = 'plain' | 'l2' | 'decay';
/** Which SGD variant. */
export type SgdKind = 'plain' | 'momentum' | 'nesterov';

/**
 * Adam step on n floats at byte offsets w, g, m, v into wOut, mOut, vOut; scalars:
 * beta1, 1-beta1, beta2, 1-beta2, sqrt(bias correction 2), eps, lr / bias correction 1, and `extra`
 * (the L2 weight decay for `l2`, the factor 1-lr*wd for `decay`, unused for `plain`).
 */
export type AdamFn = (w: number, g: number, m: number, v: number, wOut: number, mOut: number, vOut: number, n: number,
  b1: number, c1: number, b2: number, c2: number, sqrtBc2: number, eps: number, stepSize: number, extra: number) => void;
/** SGD step on n floats: w, g, buf (momentum buffer, ignored for `plain`) into wOut, bufOut; scalars lr, momentum, L2 decay. */
export type SgdFn = (w: number, g: number, buf: number, wOut: number, bufOut: number, n: number, lr: number, momentum: number, wd: number) => void;
/** dst[c, r] = src[r, c] for a [rows, cols] float32 matrix at byte offset src into dst. */
export type TransposeFn = (src: number, dst: number, rows: number, cols: number) => void;

/**
 * dst[c] = sum over r of src[r, c] for a [rows, cols] float32 matrix; each column is accumulated
 * from 0 in row order, the order (and so the bits) of the backend's own Sum.
 */
export type ColSumFn = (src: number, dst: number, rows: number, cols: number) => void;

/** The instantiated kernels. */
export interface HeapKernels {
  adam: Record<AdamKind, AdamFn>;
  /** `sgd[kind][l2 ? 1 : 0]`. */
  sgd: Record<SgdKind, [SgdFn, SgdFn]>;
  transpose: TransposeFn;
  colsum: ColSumFn;
}

/**
 * Element-wise loop: `body(vec, at)` emits the update of one f32x4 (vec) or one f32 (scalar);
 * `at(p)` pushes the address of pointer parameter p at the current element. The vector loop
 * covers n & ~3 elements, the scalar loop the rest.
 */
function elementwise(c: Body, nParam: number, body: (vec: boolean, at: (p: number) => Body) => void): void {
  const i = c.local(I32);
  const end4 = c.local(I32);
  const end = c.local(I32);
  c.get(nParam).i32(2).i32Shl().set(end);
  c.get(nParam).i32(-4).i32And().i32(2).i32Shl().set(end4);
  const at = (p: number): Body => c.get(p).get(i).i32Add();
  c.forRange(i, () => c.i32(0), () => c.get(end4), 16, () => body(true, at));
  c.forRange(i, () => c.get(end4), () => c.get(end), 4, () => body(false, at));
}

/** Arithmetic on either f32x4 or f32 values (same operation order both ways). */
function arith(c: Body, vec: boolean) {
  return {
    load: (): Body => (vec ? c.v128Load() : c.f32Load()),
    store: (): Body => (vec ? c.v128Store() : c.f32Store()),
    add: (): Body => (vec ? c.f32x4Add() : c.f32Add()),
    sub: (): Body => (vec ? c.f32x4Sub() : c.f32Sub()),
    mul: (): Body => (vec ? c.f32x4Mul() : c.f32Mul()),
    div: (): Body => (vec ? c.f32x4Div() : c.f32Div()),
    sqrt: (): Body => (vec ? c.f32x4Sqrt() : c.f32Sqrt()),
  };
}

/** Splats each scalar parameter into a v128 local; returns (vec) => local index to read it from. */
function constants(c: Body, params: number[]): ((vec: boolean) => number)[] {
  return params.map((p) => {
    const l = c.local(V128);
    c.get(p).f32x4Splat().set(l);
    return (vec: boolean) => (vec ? l : p);
  });
}

function adamBody(kind: AdamKind): Body {
  const c = new Body([I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32]);
  const [W, G, M, V, WO, MO, VO, N] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [b1, c1, b2, c2, sb, eps, step, extra] = constants(c, [8, 9, 10, 11, 12, 13, 14, 15]);
  elementwise(c, N, (vec, at) => {
    const T = vec ? V128 : F32;
    const o = arith(c, vec);
    const w = c.local(T);
    const g = c.local(T);
    const m = c.local(T);
    const v = c.local(T);
    at(W);
    o.load().set(w);
    at(G);
    o.load().set(g);
    // tf path, adamw: decayed = w * (1 - lr*wd); adam + L2: g = g + w * wd.
    if (kind === 'decay') {
      c.get(w).get(extra!(vec));
      o.mul().set(w);
    }
    if (kind === 'l2') {
      c.get(g).get(w).get(extra!(vec));
      o.mul();
      o.add().set(g);
    }
    // m1 = m*b1 + g*(1-b1)
    at(M);
    o.load().get(b1!(vec));
    o.mul().get(g).get(c1!(vec));
    o.mul();
    o.add().set(m);
    // v1 = v*b2 + (g*g)*(1-b2)
    at(V);
    o.load().get(b2!(vec));
    o.mul().get(g).get(g);
    o.mul().get(c2!(vec));
    o.mul();
    o.add().set(v);
    at(MO).get(m);
    o.store();
    at(VO).get(v);
    o.store();
    // w1 = w - (m1 / (sqrt(v1)/sqrt(bc2) + eps)) * (lr/bc1)
    at(WO).get(w).get(m).get(v);
    o.sqrt().get(sb!(vec));
    o.div().get(eps!(vec));
    o.add();
    o.div().get(step!(vec));
    o.mul();
    o.sub();
    o.store();
  });
  return c;
}

function sgdBody(kind: SgdKind, l2: boolean): Body {
  const c = new Body([I32, I32, I32, I32, I32, I32, F32, F32, F32]);
  const [W, G, B, WO, BO, N] = [0, 1, 2, 3, 4, 5];
  const [lr, mom, wd] = constants(c, [6, 7, 8]);
  elementwise(c, N, (vec, at) => {
    const T = vec ? V128 : F32;
    const o = arith(c, vec);
    const w = c.local(T);
    const g = c.local(T);
    const d = c.local(T);
    at(W);
    o.load().set(w);
    at(G);
    o.load().set(g);
    if (l2) {
      c.get(g).get(w).get(wd!(vec));
      o.mul();
      o.add().set(g);
    }
    if (kind === 'plain') c.get(g).set(d);
    else {
      // buf = buf*momentum + g; direction = nesterov ? g + buf*momentum : buf
      at(B);
      o.load().get(mom!(vec));
      o.mul().get(g);
      o.add().set(d);
      at(BO).get(d);
      o.store();
      if (kind === 'nesterov') {
        c.get(g).get(d).get(mom!(vec));
        o.mul();
        o.add().set(d);
      }
    }
    at(WO).get(w).get(d).get(lr!(vec));
    o.mul();
    o.sub();
    o.store();
  });
  return c;
}

const TILE = 64;

/**
 * Blocked transpose: for each 64-column tile, for each 4-row block, 4x4 blocks are transposed in
 * registers with shuffles (so the 4 written output rows stay in L1 across the tile); the ragged
 * right columns and bottom rows go element by element.
 */
function transposeBody(): Body {
  const c = new Body([I32, I32, I32, I32]);
  const [S, D, R, C] = [0, 1, 2, 3];
  const r = c.local(I32);
  const col = c.local(I32);
  const t0 = c.local(I32);
  const tEnd = c.local(I32);
  const rows4 = c.local(I32);
  const cols4 = c.local(I32);
  const sRow = c.local(I32);
  const dRow = c.local(I32);
  const src = c.local(I32);
  const dst = c.local(I32);
  const rowBytes = c.local(I32);
  const colBytes = c.local(I32);
  const v = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
  const t = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
  const lanes = (ids: number[]): number[] => ids.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
  c.get(R).i32(-4).i32And().set(rows4);
  c.get(C).i32(-4).i32And().set(cols4);
  c.get(C).i32(2).i32Shl().set(rowBytes); // bytes per source row
  c.get(R).i32(2).i32Shl().set(colBytes); // bytes per destination row
  c.forRange(t0, () => c.i32(0), () => c.get(cols4), TILE, () => {
    c.get(t0).i32(TILE).i32Add().set(tEnd);
    c.block(() => {
      c.get(tEnd).get(cols4).i32LtU().brIf(0);
      c.get(cols4).set(tEnd);
    });
    c.forRange(r, () => c.i32(0), () => c.get(rows4), 4, () => {
      // src = S + (r*C + t0)*4, dst = D + (t0*R + r)*4
      c.get(S).get(r).get(rowBytes).i32Mul().i32Add().get(t0).i32(2).i32Shl().i32Add().set(sRow);
      c.get(D).get(t0).get(colBytes).i32Mul().i32Add().get(r).i32(2).i32Shl().i32Add().set(dRow);
      c.forRange(col, () => c.get(t0), () => c.get(tEnd), 4, () => {
        c.get(sRow).set(src);
        for (let k = 0; k < 4; k++) {
          c.get(src).v128Load().set(v[k]!);
          if (k < 3) c.get(src).get(rowBytes).i32Add().set(src);
        }
        c.get(v[0]!).get(v[1]!).shuffle(lanes([0, 4, 1, 5])).set(t[0]!);
        c.get(v[0]!).get(v[1]!).shuffle(lanes([2, 6, 3, 7])).set(t[1]!);
        c.get(v[2]!).get(v[3]!).shuffle(lanes([0, 4, 1, 5])).set(t[2]!);
        c.get(v[2]!).get(v[3]!).shuffle(lanes([2, 6, 3, 7])).set(t[3]!);
        c.get(dRow).set(dst);
        const outs: [number, number, number[]][] = [[0, 2, [0, 1, 4, 5]], [0, 2, [2, 3, 6, 7]], [1, 3, [0, 1, 4, 5]], [1, 3, [2, 3, 6, 7]]];
        outs.forEach(([a, b, l], k) => {
          c.get(dst).get(t[a]!).get(t[b]!).shuffle(lanes(l)).v128Store();
          if (k < 3) c.get(dst).get(colBytes).i32Add().set(dst);
        });
        c.get(sRow).i32(16).i32Add().set(sRow);
        c.get(dRow).get(colBytes).i32(2).i32Shl().i32Add().set(dRow);
      });
    });
  });
  const scalarCopy = (): void => {
    // dst[col*R + r] = src[r*C + col]
    c.get(D).get(col).get(R).i32Mul().get(r).i32Add().i32(2).i32Shl().i32Add();
    c.get(S).get(r).get(C).i32Mul().get(col).i32Add().i32(2).i32Shl().i32Add();
    c.f32Load().f32Store();
  };
  // Right strip: rows [0, rows4), columns [cols4, C).
  c.forRange(r, () => c.i32(0), () => c.get(rows4), 1, () => {
    c.forRange(col, () => c.get(cols4), () => c.get(C), 1, scalarCopy);
  });
  // Bottom strip: rows [rows4, R), all columns.
  c.forRange(r, () => c.get(rows4), () => c.get(R), 1, () => {
    c.forRange(col, () => c.i32(0), () => c.get(C), 1, scalarCopy);
  });
  return c;
}

function colsumBody(): Body {
  const c = new Body([I32, I32, I32, I32]);
  const [S, D, R, C] = [0, 1, 2, 3];
  const r = c.local(I32);
  const j = c.local(I32);
  const row = c.local(I32);
  const end4 = c.local(I32);
  const end = c.local(I32);
  c.get(C).i32(2).i32Shl().set(end);
  c.get(C).i32(-4).i32And().i32(2).i32Shl().set(end4);
  // Zero the accumulator row, then add each source row into it (4 columns per instruction).
  c.forRange(j, () => c.i32(0), () => c.get(end4), 16, () => c.get(D).get(j).i32Add().f32Const(0).f32x4Splat().v128Store());
  c.forRange(j, () => c.get(end4), () => c.get(end), 4, () => c.get(D).get(j).i32Add().f32Const(0).f32Store());
  c.get(S).set(row);
  c.forRange(r, () => c.i32(0), () => c.get(R), 1, () => {
    c.forRange(j, () => c.i32(0), () => c.get(end4), 16, () => {
      c.get(D).get(j).i32Add();
      c.get(D).get(j).i32Add().v128Load();
      c.get(row).get(j).i32Add().v128Load();
      c.f32x4Add().v128Store();
    });
    c.forRange(j, () => c.get(end4), () => c.get(end), 4, () => {
      c.get(D).get(j).i32Add();
      c.get(D).get(j).i32Add().f32Load();
      c.get(row).get(j).i32Add().f32Load();
      c.f32Add().f32Store();
    });
    c.get(row).get(end).i32Add().set(row);
  });
  return c;
}

const ADAM_KINDS: AdamKind[] = ['plain', 'l2', 'decay'];
const SGD_KINDS: SgdKind[] = ['plain', 'momentum', 'nesterov'];

/** The module bytes (exported for tests that validate it). */
export function heapKernelModule(): Uint8Array {
  const functions: { name: string; body: Body }[] = [];
  for (const k of ADAM_KINDS) functions.push({ name: `adam_${k}`, body: adamBody(k) });
  for (const k of SGD_KINDS) for (const l2 of [false, true]) functions.push({ name: `sgd_${k}_${l2 ? 1 : 0}`, body: sgdBody(k, l2) });
  functions.push({ name: 'transpose', body: transposeBody() });
  functions.push({ name: 'colsum', body: colsumBody() });
  return buildModule(functions);
}

/** What hibiki uses of tfjs-backend-wasm's backend object. */
export interface WasmBackendLike {
  wasm?: { asm?: Record<string, unknown>; wasmExports?: Record<string, unknown> };
  makeOutput(shape: number[], dtype: 'float32' | 'int32' | 'bool'): { dataId: object; shape: number[]; dtype: 'float32' | 'int32' | 'bool' };
  getMemoryOffset(dataId: object): number;
}

const instances = new WeakMap<object, HeapKernels | null>();

/** The kernels bound to a tfjs wasm backend's memory, or null (another backend, no SIMD, unknown build). */
export function heapKernelsOf(backend: unknown): HeapKernels | null {
  const b = backend as Partial<WasmBackendLike> | null;
  const exports = b?.wasm?.asm ?? b?.wasm?.wasmExports;
  const memory = exports?.['memory'];
  if (typeof memory !== 'object' || memory === null || typeof b?.getMemoryOffset !== 'function') return null;
  return heapKernels(memory);
}

/**
 * The kernels bound to `memory` (the tfjs wasm backend's WebAssembly.Memory), or null when
 * WebAssembly SIMD is unavailable. Instantiated once per memory.
 */
export function heapKernels(memory: object): HeapKernels | null {
  const cached = instances.get(memory);
  if (cached !== undefined) return cached;
  let made: HeapKernels | null = null;
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (api !== undefined && memory instanceof api.Memory) {
    const bytes = heapKernelModule();
    if (api.validate(bytes)) {
      const ex = new api.Instance(new api.Module(bytes), { env: { memory } }).exports;
      const adam = {} as Record<AdamKind, AdamFn>;
      for (const k of ADAM_KINDS) adam[k] = ex[`adam_${k}`] as AdamFn;
      const sgd = {} as Record<SgdKind, [SgdFn, SgdFn]>;
      for (const k of SGD_KINDS) sgd[k] = [ex[`sgd_${k}_0`] as SgdFn, ex[`sgd_${k}_1`] as SgdFn];
      made = { adam, sgd, transpose: ex['transpose'] as TransposeFn, colsum: ex['colsum'] as ColSumFn };
    }
  }
  instances.set(memory, made);
  return made;
}
