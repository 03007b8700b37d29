/**
 * WebAssembly code generators for the FFT (see fft-wasm.ts): each appends one stage to a
 * function body, with addresses (byte offsets in the module's memory) baked in as constants.
 * The algorithm mirrors fft-complex.ts (Radix2Plan) and fft.ts (pack and split).
 */
import { F64, I32 } from '../util/wasm-binary.js';
import { Code } from './wasm-encoder.js';

/** Size-4 butterflies over bit-reversed data (twiddles 1 and -i), scalar. */
export function firstStage(c: Code, n: number, RE: number, IM: number): void {
  const a = c.local(I32);
  const x = Array.from({ length: 8 }, () => c.local(F64));
  const [x0r, x0i, x1r, x1i, x2r, x2i, x3r, x3i] = x as [number, number, number, number, number, number, number, number];
  const b = Array.from({ length: 8 }, () => c.local(F64));
  const [b0r, b0i, b1r, b1i, b2r, b2i, d3r, d3i] = b as [number, number, number, number, number, number, number, number];
  c.i32(0).set(a);
  c.loop(() => {
    [x0r, x1r, x2r, x3r].forEach((l, j) => c.get(a).f64Load(RE + 8 * j).set(l));
    [x0i, x1i, x2i, x3i].forEach((l, j) => c.get(a).f64Load(IM + 8 * j).set(l));
    c.get(x0r).get(x1r).f64Add().set(b0r).get(x0i).get(x1i).f64Add().set(b0i);
    c.get(x0r).get(x1r).f64Sub().set(b1r).get(x0i).get(x1i).f64Sub().set(b1i);
    c.get(x2r).get(x3r).f64Add().set(b2r).get(x2i).get(x3i).f64Add().set(b2i);
    // (x2 - x3) * (-i)
    c.get(x2i).get(x3i).f64Sub().set(d3r).get(x3r).get(x2r).f64Sub().set(d3i);
    const store = (off: number, l1: number, l2: number, add: boolean): void => {
      c.get(a).get(l1).get(l2);
      if (add) c.f64Add();
      else c.f64Sub();
      c.f64Store(off);
    };
    store(RE, b0r, b2r, true);
    store(IM, b0i, b2i, true);
    store(RE + 16, b0r, b2r, false);
    store(IM + 16, b0i, b2i, false);
    store(RE + 8, b1r, d3r, true);
    store(IM + 8, b1i, d3i, true);
    store(RE + 24, b1r, d3r, false);
    store(IM + 24, b1i, d3i, false);
    c.get(a).i32(32).i32Add().set(a);
    c.get(a).i32(8 * n).i32LtU();
  });
}

/** v = x * w (complex, two lanes): vr = xr wr - xi wi, vi = xr wi + xi wr. */
function cmul(c: Code, xr: number, xi: number, wr: number, wi: number, vr: number, vi: number): void {
  c.get(xr).get(wr).f64x2Mul().get(xi).get(wi).f64x2Mul().f64x2Sub().set(vr);
  c.get(xr).get(wi).f64x2Mul().get(xi).get(wr).f64x2Mul().f64x2Add().set(vi);
}

export function radix4Stage(c: Code, n: number, h: number, RE: number, IM: number, TW: number, v: number[], s: { sB: number; kB: number; a: number }): void {
  const [w1r, w1i, w2r, w2i, w3r, w3i, t0r, t0i, t1r, t1i, t2r, t2i, t3r, t3i, xr, xi, sr, si, dr, di, ur, ui, vr, vi] = v as [
    number, number, number, number, number, number, number, number, number, number, number, number,
    number, number, number, number, number, number, number, number, number, number, number, number,
  ];
  const hb = 8 * h;
  c.i32(0).set(s.sB);
  c.loop(() => {
    c.i32(0).set(s.kB);
    c.loop(() => {
      c.get(s.sB).get(s.kB).i32Add().set(s.a);
      [w1r, w1i, w2r, w2i, w3r, w3i].forEach((l, j) => c.get(s.kB).v128Load(TW + j * hb).set(l));
      c.get(s.a).v128Load(RE).set(t0r).get(s.a).v128Load(IM).set(t0i);
      c.get(s.a).v128Load(RE + hb).set(xr).get(s.a).v128Load(IM + hb).set(xi);
      cmul(c, xr, xi, w2r, w2i, t2r, t2i);
      c.get(s.a).v128Load(RE + 2 * hb).set(xr).get(s.a).v128Load(IM + 2 * hb).set(xi);
      cmul(c, xr, xi, w1r, w1i, t1r, t1i);
      c.get(s.a).v128Load(RE + 3 * hb).set(xr).get(s.a).v128Load(IM + 3 * hb).set(xi);
      cmul(c, xr, xi, w3r, w3i, t3r, t3i);
      c.get(t0r).get(t2r).f64x2Add().set(sr).get(t0i).get(t2i).f64x2Add().set(si);
      c.get(t0r).get(t2r).f64x2Sub().set(dr).get(t0i).get(t2i).f64x2Sub().set(di);
      c.get(t1r).get(t3r).f64x2Add().set(ur).get(t1i).get(t3i).f64x2Add().set(ui);
      // -i (t1 - t3)
      c.get(t1i).get(t3i).f64x2Sub().set(vr).get(t3r).get(t1r).f64x2Sub().set(vi);
      const store = (off: number, l1: number, l2: number, add: boolean): void => {
        c.get(s.a).get(l1).get(l2);
        if (add) c.f64x2Add();
        else c.f64x2Sub();
        c.v128Store(off);
      };
      store(RE, sr, ur, true);
      store(IM, si, ui, true);
      store(RE + 2 * hb, sr, ur, false);
      store(IM + 2 * hb, si, ui, false);
      store(RE + hb, dr, vr, true);
      store(IM + hb, di, vi, true);
      store(RE + 3 * hb, dr, vr, false);
      store(IM + 3 * hb, di, vi, false);
      c.get(s.kB).i32(16).i32Add().set(s.kB);
      c.get(s.kB).i32(hb).i32LtU();
    });
    c.get(s.sB).i32(4 * hb).i32Add().set(s.sB);
    c.get(s.sB).i32(8 * n).i32LtU();
  });
}

export function radix2LastStage(c: Code, h: number, RE: number, IM: number, TW: number, v: number[], kB: number): void {
  const [wr, wi, xr, xi, tr, ti, ur, ui] = v as [number, number, number, number, number, number, number, number];
  const hb = 8 * h;
  c.i32(0).set(kB);
  c.loop(() => {
    c.get(kB).v128Load(TW).set(wr).get(kB).v128Load(TW + hb).set(wi);
    c.get(kB).v128Load(RE + hb).set(xr).get(kB).v128Load(IM + hb).set(xi);
    cmul(c, xr, xi, wr, wi, tr, ti);
    c.get(kB).v128Load(RE).set(ur).get(kB).v128Load(IM).set(ui);
    c.get(kB).get(ur).get(tr).f64x2Add().v128Store(RE);
    c.get(kB).get(ui).get(ti).f64x2Add().v128Store(IM);
    c.get(kB).get(ur).get(tr).f64x2Sub().v128Store(RE + hb);
    c.get(kB).get(ui).get(ti).f64x2Sub().v128Store(IM + hb);
    c.get(kB).i32(16).i32Add().set(kB);
    c.get(kB).i32(hb).i32LtU();
  });
}

/** Packs the 2n real samples at NAT into RE/IM in bit-reversed order (REV holds byte offsets). */
export function packStage(c: Code, n: number, RE: number, IM: number, NAT: number, REV: number): void {
  const q4 = c.local(I32);
  const qb = c.local(I32);
  const d = c.local(I32);
  c.i32(0).set(q4).i32(0).set(qb);
  c.loop(() => {
    c.get(q4).i32Load(REV).set(d);
    c.get(d).get(qb).f64Load(NAT).f64Store(RE);
    c.get(d).get(qb).f64Load(NAT + 8).f64Store(IM);
    c.get(q4).i32(4).i32Add().set(q4);
    c.get(qb).i32(16).i32Add().set(qb);
    c.get(q4).i32(4 * n).i32LtU();
  });
}

/** Split of the packed transform into the power spectrum of the real signal (see fft.ts). */
export function splitStage(c: Code, n: number, RE: number, IM: number, WR: number, WI: number, OUT: number): void {
  const kB = c.local(I32);
  const jB = c.local(I32);
  const l = Array.from({ length: 14 }, () => c.local(F64));
  const [pr, pi, qr, qi, er, ei, or, oi, wr, wi, tr, ti, ar, ai] = l as [
    number, number, number, number, number, number, number, number, number, number, number, number, number, number,
  ];
  // out[0] = (z0r + z0i)^2, out[n] = (z0r - z0i)^2
  c.i32(0).f64Load(RE).set(pr).i32(0).f64Load(IM).set(pi);
  c.i32(0).get(pr).get(pi).f64Add().set(ar).get(ar).get(ar).f64Mul().f64Store(OUT);
  c.i32(0).get(pr).get(pi).f64Sub().set(ar).get(ar).get(ar).f64Mul().f64Store(OUT + 8 * n);
  if (n < 2) return;
  c.i32(8).set(kB).i32(8 * (n - 1)).set(jB);
  c.loop(() => {
    c.get(kB).f64Load(RE).set(pr).get(kB).f64Load(IM).set(pi);
    c.get(jB).f64Load(RE).set(qr).get(jB).f64Load(IM).set(qi); // qi holds +im; q = conj
    c.get(pr).get(qr).f64Add().set(er);
    c.get(pi).get(qi).f64Sub().set(ei);
    c.get(pi).get(qi).f64Add().set(or);
    c.get(qr).get(pr).f64Sub().set(oi);
    c.get(kB).f64Load(WR).set(wr).get(kB).f64Load(WI).set(wi);
    c.get(or).get(wr).f64Mul().get(oi).get(wi).f64Mul().f64Sub().set(tr);
    c.get(or).get(wi).f64Mul().get(oi).get(wr).f64Mul().f64Add().set(ti);
    c.get(er).get(tr).f64Add().set(ar).get(ei).get(ti).f64Add().set(ai);
    c.get(kB).get(ar).get(ar).f64Mul().get(ai).get(ai).f64Mul().f64Add().f64Const(0.25).f64Mul().f64Store(OUT);
    c.get(er).get(tr).f64Sub().set(ar).get(ei).get(ti).f64Sub().set(ai);
    c.get(jB).get(ar).get(ar).f64Mul().get(ai).get(ai).f64Mul().f64Add().f64Const(0.25).f64Mul().f64Store(OUT);
    c.get(kB).i32(8).i32Add().set(kB);
    c.get(jB).i32(8).i32Sub().set(jB);
    c.get(kB).get(jB).i32LeU();
  });
}

