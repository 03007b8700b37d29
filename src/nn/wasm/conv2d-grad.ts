/**
 * Conv2D gradients on wasm, each ending in one XNNPACK call.
 *
 * Why: the wasm backend (4.22) has no Conv2DBackpropFilter. Delegating stride 1 to the native
 * Conv3DBackpropFilterV2 runs a scalar loop (~2.5 s per crnn training step), and strides > 1 went
 * to the cpu fallback (~6.5 s); the native Conv2DBackpropInput is a scalar loop too.
 * - Filter gradient: the input patches are gathered straight into the TRANSPOSED patch matrix
 *   colsT [kh*kw*inC, batch*outH*outW] (a JS loop over the wasm heap), so `dW = colsT · dy` is
 *   one untransposed BatchMatMul that XNNPACK runs. (Gathering cols [rows, taps] and asking for
 *   colsᵀ · dy made the matmul wrapper transpose the whole patch matrix first: kh*kw times the
 *   input's size.)
 * - Input gradient, stride 1: a convolution of dy with the filter rotated by 180 degrees and
 *   its channel axes swapped, padded so the output has the input's size: the backend's own
 *   XNNPACK Conv2D. Strides > 1: `dcols = dy · Wᵀ` (one matmul) then col2im adds each patch slot
 *   back into its pixel.
 *
 * Supports NHWC, any stride, 'same'/'valid'/explicit numeric padding, dilation 1 (the only
 * dilation tfjs's Conv2D gradient asks for). Anything else returns undefined so the caller can
 * fall back.
 */
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array;
  disposeData(dataId: object): boolean;
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | unknown;
  dataFormat?: string;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}
interface FilterAttrs extends ConvAttrs {
  filterShape: [number, number, number, number];
}
interface InputAttrs extends ConvAttrs {
  inputShape: [number, number, number, number];
}

/** Geometry of one im2col: image [batch, h, w, c], patches kh x kw, output outH x outW. */
export interface PatchGeometry {
  batch: number; h: number; w: number; c: number; outH: number; outW: number;
  kh: number; kw: number; sh: number; sw: number; top: number; left: number;
}

/**
 * Input channels from which the stride-1 gradients take their fast paths (`shiftedRows`, the
 * input gradient as a convolution); measured: 1 channel is slower that way, 16 faster.
 */
const SHIFTED_ROWS_MIN_CHANNELS = 4;

/** True when `conv2dBackpropFilterIm2col` handles these attributes. */
export function im2colSupported(attrs: ConvAttrs): boolean {
  const padOk = attrs.pad === 'same' || attrs.pad === 'valid' || typeof attrs.pad === 'number';
  return padOk && (attrs.dataFormat === undefined || attrs.dataFormat === 'NHWC');
}

/**
 * Fills `cols` ([batch*outH*outW, kh*kw*inC] row-major, pre-zeroed) from x ([batch, h, w, inC]
 * NHWC): row (n, oy, ox), column (ki, kj, c) holds x[n, oy*sh + ki - top, ox*sw + kj - left, c],
 * zero outside the image. Column order matches the filter layout [kh, kw, inC, outC].
 */
export function im2col(x: Float32Array, cols: Float32Array, shape: PatchGeometry): void {
  patchLoop(shape, (src, dst, c) => {
    if (c === 1) cols[dst] = x[src]!;
    else for (let ci = 0; ci < c; ci++) cols[dst + ci] = x[src + ci]!;
  });
}

/**
 * The transpose of `im2col`, written directly: fills `colsT` ([kh*kw*inC, batch*outH*outW]
 * row-major, pre-zeroed) so that colsT[(ki, kj, c), (n, oy, ox)] = cols[(n, oy, ox), (ki, kj, c)].
 */
export function im2colT(x: Float32Array, colsT: Float32Array, shape: PatchGeometry): void {
  const { batch, h, w, c, outH, outW, kh, kw, sh, sw, top, left } = shape;
  const m = batch * outH * outW;
  for (let n = 0; n < batch; n++) {
    const xn = n * h * w * c;
    for (let oy = 0; oy < outH; oy++) {
      const row0 = (n * outH + oy) * outW;
      for (let ki = 0; ki < kh; ki++) {
        const iy = oy * sh + ki - top;
        if (iy < 0 || iy >= h) continue;
        const xRow = xn + iy * w * c;
        for (let kj = 0; kj < kw; kj++) {
          // Output columns whose tap lands inside the image: 0 <= ox*sw + kj - left < w.
          const oxLo = Math.max(0, Math.ceil((left - kj) / sw));
          const oxHi = Math.min(outW, Math.floor((w - 1 + left - kj) / sw) + 1);
          const tap = (ki * kw + kj) * c * m + row0;
          for (let ox = oxLo; ox < oxHi; ox++) {
            const src = xRow + (ox * sw + kj - left) * c;
            for (let ci = 0, dst = tap + ox; ci < c; ci++, dst += m) colsT[dst] = x[src + ci]!;
          }
        }
      }
    }
  }
}

/** The adjoint of `im2col`: adds every slot of `cols` back into `dx` (pre-zeroed) at its pixel. */
export function col2im(cols: Float32Array, dx: Float32Array, shape: PatchGeometry): void {
  patchLoop(shape, (src, dst, c) => {
    for (let ci = 0; ci < c; ci++) dx[src + ci] = dx[src + ci]! + cols[dst + ci]!;
  });
}

/** Calls `visit(imageOffset, colsOffset, c)` for every in-image (patch row, tap) pair. */
function patchLoop(shape: PatchGeometry, visit: (src: number, dst: number, c: number) => void): void {
  const { batch, h, w, c, outH, outW, kh, kw, sh, sw, top, left } = shape;
  const k = kh * kw * c;
  let row = 0;
  for (let n = 0; n < batch; n++) {
    const xn = n * h * w * c;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, row++) {
        const rBase = row * k;
        for (let ki = 0; ki < kh; ki++) {
          const iy = oy * sh + ki - top;
          if (iy < 0 || iy >= h) continue;
          const xRow = xn + iy * w * c;
          for (let kj = 0; kj < kw; kj++) {
            const ix = ox * sw + kj - left;
            if (ix < 0 || ix >= w) continue;
            visit(xRow + ix * c, rBase + (ki * kw + kj) * c, c);
          }
        }
      }
    }
  }
}

/**
 * The Conv2DBackpropFilter kernel for wasm: x [batch, h, w, inC], dy [batch, outH, outW, outC]
 * -> dW [kh, kw, inC, outC]. Returns undefined for attributes it does not handle.
 */
export function conv2dBackpropFilterIm2col(args: Parameters<tf.KernelFunc>[0]): Info | undefined {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const attrs = args.attrs as unknown as FilterAttrs;
  if (!im2colSupported(attrs) || x.dtype !== 'float32' || dy.dtype !== 'float32') return undefined;
  const backend = args.backend as unknown as WasmHeapBackend;
  const [kh, kw, inC, outC] = attrs.filterShape;
  const conv = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides as [number, number], 1,
    attrs.pad as 'same' | 'valid' | number, attrs.dimRoundingMode, false, 'channelsLast',
  );
  const [batch, h, w] = x.shape as [number, number, number, number];
  const { outHeight: outH, outWidth: outW } = conv;
  if (dy.shape[1] !== outH || dy.shape[2] !== outW || dy.shape[3] !== outC) return undefined;
  const g: PatchGeometry = {
    batch, h, w, c: inC, outH, outW, kh, kw,
    sh: conv.strideHeight, sw: conv.strideWidth, top: conv.padInfo.top, left: conv.padInfo.left,
  };
  const be = args.backend;
  const reshape = tf.getKernel('Reshape', 'wasm')!.kernelFunc;
  const matmul = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
  const k = kh * kw * inC;
  let colsT: Info;
  let dy3: Info;
  // Few input channels: the shifted-row layout's padded dy copy costs more than im2colT saves.
  if (g.sh === 1 && g.sw === 1 && inC >= SHIFTED_ROWS_MIN_CHANNELS) {
    [colsT, dy3] = shiftedRows(backend, x, dy, g);
  } else {
    const m = batch * outH * outW;
    colsT = backend.makeOutput([1, k, m], 'float32');
    // Views only after the allocation: growing the heap detaches earlier views.
    const colsView = backend.typedArrayFromHeap(colsT);
    colsView.fill(0);
    im2colT(backend.typedArrayFromHeap(x), colsView, g);
    dy3 = reshape({ inputs: { x: dy }, backend: be, attrs: { shape: [1, m, outC] } }) as Info;
  }
  const dw3 = matmul({ inputs: { a: colsT, b: dy3 }, backend: be, attrs: { transposeA: false, transposeB: false } }) as Info;
  const dw = reshape({ inputs: { x: dw3 }, backend: be, attrs: { shape: [kh, kw, inC, outC] } }) as Info;
  for (const t of [colsT, dy3, dw3]) backend.disposeData(t.dataId);
  return dw;
}

/**
 * The Conv2DBackpropInput kernel for wasm: dy [batch, outH, outW, outC], filter
 * [kh, kw, inC, outC] -> dx = inputShape [batch, h, w, inC]. Returns undefined for attributes it
 * does not handle.
 */
export function conv2dBackpropInputCol2im(args: Parameters<tf.KernelFunc>[0]): Info | undefined {
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const attrs = args.attrs as unknown as InputAttrs;
  if (!im2colSupported(attrs) || filter.dtype !== 'float32' || dy.dtype !== 'float32') return undefined;
  const backend = args.backend as unknown as WasmHeapBackend;
  const [kh, kw, inC, outC] = filter.shape as [number, number, number, number];
  const conv = tf.backend_util.computeConv2DInfo(
    attrs.inputShape, [kh, kw, inC, outC], attrs.strides as [number, number], 1,
    attrs.pad as 'same' | 'valid' | number, attrs.dimRoundingMode, false, 'channelsLast',
  );
  const [batch, h, w] = attrs.inputShape;
  const { outHeight: outH, outWidth: outW } = conv;
  if (dy.shape[1] !== outH || dy.shape[2] !== outW || dy.shape[3] !== outC) return undefined;
  // With 1-3 input channels the convolution has as few output channels, where XNNPACK is slower
  // than the matmul + col2im below (measured 15 vs 12 ms for one [8,200,40,1] input).
  if (conv.strideHeight === 1 && conv.strideWidth === 1 && inC >= SHIFTED_ROWS_MIN_CHANNELS) {
    const dx = backpropInputByConv(args.backend as tf.KernelBackend, dy, filter, [batch, h, w, inC], conv.padInfo.top, conv.padInfo.left);
    if (dx !== undefined) return dx;
  }
  const m = batch * outH * outW;
  const k = kh * kw * inC;
  const be = args.backend;
  const reshape = tf.getKernel('Reshape', 'wasm')!.kernelFunc;
  const matmul = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
  const dy3 = reshape({ inputs: { x: dy }, backend: be, attrs: { shape: [1, m, outC] } }) as Info;
  const w3 = reshape({ inputs: { x: filter }, backend: be, attrs: { shape: [1, k, outC] } }) as Info;
  const dcols = matmul({ inputs: { a: dy3, b: w3 }, backend: be, attrs: { transposeA: false, transposeB: true } }) as Info;
  const dx = backend.makeOutput([batch, h, w, inC], 'float32');
  const dxView = backend.typedArrayFromHeap(dx);
  dxView.fill(0);
  col2im(backend.typedArrayFromHeap(dcols), dxView, {
    batch, h, w, c: inC, outH, outW, kh, kw,
    sh: conv.strideHeight, sw: conv.strideWidth, top: conv.padInfo.top, left: conv.padInfo.left,
  });
  for (const t of [dy3, w3, dcols]) backend.disposeData(t.dataId);
  return dx;
}

/**
 * Stride-1 input gradient as a convolution: dx = conv2d(dy, W'), W'[i, j, o, c] =
 * W[kh-1-i, kw-1-j, c, o], padded by (kh-1-top, kw-1-left) before and whatever makes the output
 * [batch, h, w, inC] after. Undefined when that padding would be negative (a forward pad larger
 * than the filter).
 */
function backpropInputByConv(be: tf.KernelBackend, dy: Info, filter: Info, xShape: [number, number, number, number], top: number, left: number): Info | undefined {
  const [kh, kw, inC, outC] = filter.shape as [number, number, number, number];
  const [, h, w] = xShape;
  const [, outH, outW] = dy.shape as [number, number, number, number];
  const pt = kh - 1 - top;
  const pl = kw - 1 - left;
  const pb = h - outH + kh - 1 - pt;
  const pr = w - outW + kw - 1 - pl;
  if (pt < 0 || pl < 0 || pb < 0 || pr < 0) return undefined;
  const backend = be as unknown as WasmHeapBackend;
  const rotated = backend.makeOutput([kh, kw, outC, inC], 'float32');
  const dst = backend.typedArrayFromHeap(rotated);
  const src = backend.typedArrayFromHeap(filter);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const from = ((kh - 1 - i) * kw + (kw - 1 - j)) * inC * outC;
      const to = (i * kw + j) * outC * inC;
      for (let c = 0; c < inC; c++) for (let o = 0; o < outC; o++) dst[to + o * inC + c] = src[from + c * outC + o]!;
    }
  }
  const conv2d = tf.getKernel('Conv2D', 'wasm')!.kernelFunc;
  const pad = [[0, 0], [pt, pb], [pl, pr], [0, 0]] as tf.backend_util.ExplicitPadding;
  const dx = conv2d({ inputs: { x: dy, filter: rotated }, backend: be, attrs: { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] } }) as Info;
  backend.disposeData(rotated.dataId);
  if (dx.shape.every((d, i) => d === xShape[i])) return dx;
  backend.disposeData(dx.dataId);
  return undefined;
}

/**
 * Stride-1 filter-gradient operands without a per-element im2col. On the zero-padded grid
 * [batch, Hp = outH+kh-1, Wp = outW+kw-1], output pixel r (flat) reads tap (ki, kj) at flat
 * r + ki*Wp + kj, so with the padded input stored channel-major (xpT [inC, R + tail]) every row
 * (tap, c) of colsT [kh*kw*inC, R] is ONE contiguous slice of xpT. dy is laid out on the same
 * grid (zeros off the real outputs, so the extra rows add nothing): dW = colsT · dyRows.
 * Returns [colsT [1, k, R], dyRows [1, R, outC]], both heap tensors.
 */
function shiftedRows(backend: WasmHeapBackend, x: Info, dy: Info, g: PatchGeometry): [Info, Info] {
  const { batch, h, w, c, outH, outW, kh, kw, top, left } = g;
  const outC = dy.shape[3]!;
  const hp = outH + kh - 1;
  const wp = outW + kw - 1;
  const rows = batch * hp * wp;
  const stride = rows + (kh - 1) * wp + (kw - 1);
  const xpT = new Float32Array(stride * c);
  const xv = backend.typedArrayFromHeap(x);
  for (let n = 0; n < batch; n++) {
    for (let iy = Math.max(0, -top); iy < Math.min(h, hp - top); iy++) {
      const ixLo = Math.max(0, -left);
      const ixHi = Math.min(w, wp - left);
      let r = (n * hp + iy + top) * wp + ixLo + left;
      let p = ((n * h + iy) * w + ixLo) * c;
      for (let ix = ixLo; ix < ixHi; ix++, r++) {
        for (let ci = 0, q = r; ci < c; ci++, q += stride) xpT[q] = xv[p++]!;
      }
    }
  }
  const colsT = backend.makeOutput([1, kh * kw * c, rows], 'float32');
  const dyRows = backend.makeOutput([1, rows, outC], 'float32');
  // Views only after both allocations: growing the heap detaches earlier views.
  const cols = backend.typedArrayFromHeap(colsT);
  for (let ki = 0; ki < kh; ki++) {
    for (let kj = 0; kj < kw; kj++) {
      const shift = ki * wp + kj;
      for (let ci = 0; ci < c; ci++) {
        const from = ci * stride + shift;
        cols.set(xpT.subarray(from, from + rows), ((ki * kw + kj) * c + ci) * rows);
      }
    }
  }
  const dst = backend.typedArrayFromHeap(dyRows);
  const src = backend.typedArrayFromHeap(dy);
  dst.fill(0);
  const run = outW * outC;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const from = (n * outH + oy) * run;
      dst.set(src.subarray(from, from + run), (n * hp + oy) * wp * outC);
    }
  }
  return [colsT, dyRows];
}
