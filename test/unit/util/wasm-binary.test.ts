import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildModule, F32, F64, FunctionBody, I32, sleb, uleb, V128 } from '../../../src/util/wasm-binary.js';

// The shared WebAssembly writer: LEB128 against hand-computed encodings (the spec's examples),
// round trips, and small modules of both memory kinds that are compiled and run, so every
// encoding used here is checked by the engine's validator and by the numbers it computes.
// (The FFT's and the nn heap kernels' full modules are pinned byte for byte in
// test/unit/features/fft-wasm-bytes.test.ts and test/unit/nn/wasm-heap-bytes.test.ts.)

interface Api {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
  validate(bytes: Uint8Array): boolean;
}
const api = (globalThis as unknown as { WebAssembly: Api }).WebAssembly;

const enc = (f: (n: number, out: number[]) => void, n: number): number[] => {
  const out: number[] = [];
  f(n, out);
  return out;
};

/** Decodes one LEB128 number (signed when `signed`). */
function decode(bytes: number[], signed: boolean): number {
  let result = 0;
  let shift = 0;
  for (const b of bytes) {
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) {
      if (signed && (b & 0x40) !== 0) result -= 2 ** shift;
      return result;
    }
  }
  throw new Error('unterminated LEB128');
}

test('LEB128 encodings match hand-computed bytes', () => {
  assert.deepEqual(enc(uleb, 0), [0x00]);
  assert.deepEqual(enc(uleb, 127), [0x7f]);
  assert.deepEqual(enc(uleb, 128), [0x80, 0x01]);
  assert.deepEqual(enc(uleb, 624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(enc(uleb, 2 ** 32 - 1), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.deepEqual(enc(sleb, 0), [0x00]);
  assert.deepEqual(enc(sleb, 63), [0x3f]);
  assert.deepEqual(enc(sleb, 64), [0xc0, 0x00]);
  assert.deepEqual(enc(sleb, -1), [0x7f]);
  assert.deepEqual(enc(sleb, -64), [0x40]);
  assert.deepEqual(enc(sleb, -65), [0xbf, 0x7f]);
  assert.deepEqual(enc(sleb, -123456), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(enc(sleb, -(2 ** 31)), [0x80, 0x80, 0x80, 0x80, 0x78]);
});

test('LEB128 round-trips every u32 and i32 in at most 5 bytes', () => {
  fc.assert(
    fc.property(fc.nat({ max: 2 ** 32 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (u, s) => {
      const ub = enc(uleb, u);
      const sb = enc(sleb, s);
      return decode(ub, false) === u && decode(sb, true) === s && ub.length <= 5 && sb.length <= 5;
    }),
    { numRuns: 500 },
  );
});

test('memory instructions carry natural alignment; v128 uses the body vectorAlign hint', () => {
  assert.deepEqual(new FunctionBody().f64Load(8).f32Store(200).bytes, [0x2b, 3, 8, 0x38, 2, 0xc8, 0x01]);
  assert.deepEqual(new FunctionBody().v128Load(16).bytes, [0xfd, 0x00, 0, 16]);
  assert.deepEqual(new FunctionBody([], { vectorAlign: 3 }).v128Store(16).bytes, [0xfd, 0x0b, 3, 16]);
  assert.deepEqual(new FunctionBody().doWhile(() => undefined).bytes, [0x03, 0x40, 0x0d, 0x00, 0x0b]);
});

/** `scale(ptr, n, s)`: x[i] *= s over n f32 at byte offset ptr (f32x4, then a scalar tail); `sum(ptr, n) -> f32`. */
function heapModule(types: 'per-function' | 'distinct'): Uint8Array {
  const scale = new FunctionBody([I32, I32, F32]);
  const [ptr, n, s] = [0, 1, 2];
  const i = scale.local(I32);
  const end4 = scale.local(I32);
  const sv = scale.local(V128);
  scale.get(n).i32(-4).i32And().i32(2).i32Shl().set(end4);
  scale.get(s).f32x4Splat().set(sv);
  scale.forRange(i, () => scale.i32(0), () => scale.get(end4), 16, () => {
    scale.get(ptr).get(i).i32Add().get(ptr).get(i).i32Add().v128Load().get(sv).f32x4Mul().v128Store();
  });
  scale.forRange(i, () => scale.get(end4), () => scale.get(n).i32(2).i32Shl(), 4, () => {
    scale.get(ptr).get(i).i32Add().get(ptr).get(i).i32Add().f32Load().get(s).f32Mul().f32Store();
  });
  const sum = new FunctionBody([I32, I32], { results: [F32] });
  const acc = sum.local(F32);
  const j = sum.local(I32);
  sum.forRange(j, () => sum.i32(0), () => sum.get(1), 1, () => {
    sum.get(acc).get(0).get(j).i32(2).i32Shl().i32Add().f32Load().f32Add().set(acc);
  });
  sum.get(acc);
  // find(ptr, n) -> i32: index of the first zero among n i32 at ptr (n when none), with block/br.
  const find = new FunctionBody([I32, I32], { results: [I32] });
  const idx = find.local(I32);
  find.block(() => {
    find.loop(() => {
      find.get(idx).get(1).i32GeU().brIf(1);
      find.get(0).get(idx).i32(4).i32Mul().i32Add().i32Load().i32Eqz().brIf(1);
      find.get(idx).i32(1).i32Add().set(idx).br(0);
    });
  });
  find.get(idx);
  return buildModule(
    [
      { name: 'scale', body: scale },
      { name: 'sum', body: sum },
      { name: 'same_sig', body: new FunctionBody([I32, I32, F32]) },
      { name: 'find', body: find },
    ],
    { types },
  );
}

test('an imported-memory module with typed signatures runs on the host memory', () => {
  const memory = new api.Memory({ initial: 1 });
  const ex = new api.Instance(new api.Module(heapModule('per-function')), { env: { memory } }).exports;
  const x = new Float32Array(memory.buffer, 64, 11);
  x.set(Array.from({ length: 11 }, (_, k) => k - 3));
  (ex['scale'] as (p: number, n: number, s: number) => void)(64, 11, 0.5);
  assert.deepEqual(Array.from(x), Array.from({ length: 11 }, (_, k) => (k - 3) / 2));
  assert.equal((ex['sum'] as (p: number, n: number) => number)(64, 11), 11);
  assert.equal(typeof ex['same_sig'], 'function');
  const find = ex['find'] as (p: number, n: number) => number;
  new Int32Array(memory.buffer, 1024, 6).set([5, -1, 7, 0, 3, 0]);
  assert.equal(find(1024, 6), 3);
  assert.equal(find(1024, 3), 3);
  assert.equal(find(1024 + 16, 2), 1);
});

test('distinct type entries: same functions, one entry fewer for the repeated signature', () => {
  const a = heapModule('per-function');
  const b = heapModule('distinct');
  assert.ok(api.validate(a) && api.validate(b));
  // The repeated (i32, i32, f32) -> () entry is 6 bytes: 0x60, 3, i32, i32, f32, 0.
  assert.equal(a.length - b.length, 6);
  const memory = new api.Memory({ initial: 1 });
  new Float32Array(memory.buffer, 0, 3).set([1.5, 2, 4]);
  const ex = new api.Instance(new api.Module(b), { env: { memory } }).exports;
  assert.equal((ex['sum'] as (p: number, n: number) => number)(0, 3), 7.5);
});

test('an own-memory module exports its memory; f64 and f64x2 ops, do-while loops and promotion', () => {
  // pair(): v[0..1] += w[0..1] (f64x2) at bytes 0 and 16; count(): 3 do-while rounds of f[32] += f32 at 48.
  const pair = new FunctionBody([], { vectorAlign: 3 });
  pair.i32(0).i32(0).v128Load(0).i32(0).v128Load(16).f64x2Add().v128Store(0);
  const count = new FunctionBody();
  const k = count.local(I32);
  const t = count.local(F64);
  count.i32(3).set(k);
  count.doWhile(() => {
    count.get(t).i32(0).f32Load(48).f64PromoteF32().f64Add().f64Const(1).f64Mul().f64Sqrt().f64Const(1).f64Div().set(t);
    count.get(k).i32(1).i32Sub().tee(k).i32(0).i32GtU();
  });
  count.i32(0).get(t).f64Store(32);
  const bytes = buildModule([{ name: 'pair', body: pair }, { name: 'count', body: count }], { memory: { own: 1 }, types: 'distinct' });
  const ex = new api.Instance(new api.Module(bytes), {}).exports;
  const buffer = (ex['memory'] as { buffer: ArrayBuffer }).buffer;
  assert.equal(buffer.byteLength, 65536);
  const f64 = new Float64Array(buffer, 0, 5);
  f64.set([1, 2, 10, 20]);
  new Float32Array(buffer, 48, 1)[0] = 4;
  (ex['pair'] as () => void)();
  (ex['count'] as () => void)();
  assert.deepEqual(Array.from(f64.subarray(0, 2)), [11, 22]);
  // t = sqrt(t + 4) three times from 0: 2, sqrt 6, sqrt(sqrt 6 + 4).
  assert.equal(f64[4], Math.sqrt(Math.sqrt(6) + 4));
});
