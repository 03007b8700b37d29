/**
 * Conv2D gradients on wasm as im2col / col2im + ONE matmul each.
 *
 * Why: the wasm backend (4.22) has no Conv2DBackpropFilter. Delegating stride 1 to the native
 * Conv3DBackpropFilterV2 runs a scalar loop (~2.5 s per crnn training step), and strides > 1 went
 * to the cpu fallback (~6.5 s). Gathering the input patches into a [batch*outH*outW, kh*kw*inC]
 * matrix (a plain JS loop over the wasm heap) turns the filter gradient into
 * `dW = colsᵀ · dy`, one BatchMatMul that XNNPACK runs (the transposed operand is handled by
 * hibiki's BatchMatMul wrapper). The native Conv2DBackpropInput is a scalar loop too (~0.35 s per
 * crnn step): `dcols = dy · Wᵀ` (one matmul) then col2im adds each patch slot back into its pixel.
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
  const m = batch * outH * outW;
  const k = kh * kw * inC;
  const cols = backend.makeOutput([1, m, k], 'float32');
  // Views only after the allocation: growing the heap detaches earlier views.
  const colsView = backend.typedArrayFromHeap(cols);
  colsView.fill(0);
  im2col(backend.typedArrayFromHeap(x), colsView, {
    batch, h, w, c: inC, outH, outW, kh, kw,
    sh: conv.strideHeight, sw: conv.strideWidth, top: conv.padInfo.top, left: conv.padInfo.left,
  });
  const be = args.backend;
  const reshape = tf.getKernel('Reshape', 'wasm')!.kernelFunc;
  const matmul = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
  const dy3 = reshape({ inputs: { x: dy }, backend: be, attrs: { shape: [1, m, outC] } }) as Info;
  const dw3 = matmul({ inputs: { a: cols, b: dy3 }, backend: be, attrs: { transposeA: true, transposeB: false } }) as Info;
  const dw = reshape({ inputs: { x: dw3 }, backend: be, attrs: { shape: [kh, kw, inC, outC] } }) as Info;
  for (const t of [cols, dy3, dw3]) backend.disposeData(t.dataId);
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
