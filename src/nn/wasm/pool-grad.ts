/**
 * MaxPoolGrad and AvgPoolGrad for wasm as one scatter pass over the heap.
 *
 * Why: the native wasm MaxPoolGrad loops, for every input pixel, over every output window that
 * could contain it and recomputes that window's argmax (~50 ms for one [8, 200, 40, 16] crnn
 * block). Here each output window's argmax is found once and its dy added at that pixel. Ties
 * go to the first maximum in window order (row, then column), values that are not > -Infinity
 * never win, and padding never wins: the cpu backend's rules, so both give the same gradient.
 * AvgPoolGrad spreads dy / (filterHeight * filterWidth) over the window's in-image pixels, as
 * the cpu backend does (the divisor counts padded taps too).
 */
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array;
}

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Pool geometry, NHWC; dilation 1 (the only one tfjs pools take). */
export interface PoolGeometry {
  batch: number; h: number; w: number; c: number; outH: number; outW: number;
  fh: number; fw: number; sh: number; sw: number; top: number; left: number;
}

function geometry(shape: number[], attrs: PoolAttrs): PoolGeometry {
  const info = tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode,
  );
  return {
    batch: info.batchSize, h: info.inHeight, w: info.inWidth, c: info.inChannels, outH: info.outHeight, outW: info.outWidth,
    fh: info.filterHeight, fw: info.filterWidth, sh: info.strideHeight, sw: info.strideWidth, top: info.padInfo.top, left: info.padInfo.left,
  };
}

/**
 * Max-pool backward: dx ([batch, h, w, c], pre-zeroed) += dy ([batch, outH, outW, c]) at each
 * window's first maximum of x.
 */
export function maxPoolBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, g: PoolGeometry): void {
  const { batch, h, w, c, outH, outW, fh, fw, sh, sw, top, left } = g;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    const xn = n * h * w * c;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * sh - top;
      const yLo = Math.max(0, y0);
      const yHi = Math.min(h, y0 + fh);
      for (let ox = 0; ox < outW; ox++, o += c) {
        const x0 = ox * sw - left;
        const xLo = Math.max(0, x0);
        const xHi = Math.min(w, x0 + fw);
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let iy = yLo; iy < yHi; iy++) {
            let p = xn + (iy * w + xLo) * c + ch;
            for (let ix = xLo; ix < xHi; ix++, p += c) {
              const v = x[p]!;
              if (v > best) {
                best = v;
                at = p;
              }
            }
          }
          if (at >= 0) dx[at] = dx[at]! + dy[o + ch]!;
        }
      }
    }
  }
}

/** Average-pool backward: dx (pre-zeroed) += dy / (fh * fw) over each window's in-image pixels. */
export function avgPoolBackward(dy: Float32Array, dx: Float32Array, g: PoolGeometry): void {
  const { batch, h, w, c, outH, outW, fh, fw, sh, sw, top, left } = g;
  const scale = 1 / (fh * fw);
  let o = 0;
  for (let n = 0; n < batch; n++) {
    const xn = n * h * w * c;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * sh - top;
      const yLo = Math.max(0, y0);
      const yHi = Math.min(h, y0 + fh);
      for (let ox = 0; ox < outW; ox++, o += c) {
        const x0 = ox * sw - left;
        const xLo = Math.max(0, x0);
        const xHi = Math.min(w, x0 + fw);
        for (let iy = yLo; iy < yHi; iy++) {
          for (let ix = xLo; ix < xHi; ix++) {
            const p = xn + (iy * w + ix) * c;
            for (let ch = 0; ch < c; ch++) dx[p + ch] = dx[p + ch]! + dy[o + ch]! * scale;
          }
        }
      }
    }
  }
}

function float32(...infos: Info[]): boolean {
  return infos.every((t) => t.dtype === 'float32' && t.shape.length === 4);
}

/** MaxPoolGrad kernel (inputs dy, input, output); other dtypes go to `orig`. */
export function heapMaxPoolGrad(orig: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { dy, input } = args.inputs as { dy: Info; input: Info };
    if (!float32(dy, input)) return orig(args);
    const g = geometry(input.shape, args.attrs as unknown as PoolAttrs);
    if (dy.shape[1] !== g.outH || dy.shape[2] !== g.outW) return orig(args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const dx = backend.makeOutput(input.shape, 'float32');
    const dxView = backend.typedArrayFromHeap(dx);
    dxView.fill(0);
    maxPoolBackward(backend.typedArrayFromHeap(input), backend.typedArrayFromHeap(dy), dxView, g);
    return dx;
  };
}

/** AvgPoolGrad kernel (inputs dy, input); other dtypes go to `orig`. */
export function heapAvgPoolGrad(orig: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { dy, input } = args.inputs as { dy: Info; input: Info };
    if (!float32(dy, input)) return orig(args);
    const g = geometry(input.shape, args.attrs as unknown as PoolAttrs);
    if (dy.shape[1] !== g.outH || dy.shape[2] !== g.outW) return orig(args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const dx = backend.makeOutput(input.shape, 'float32');
    const dxView = backend.typedArrayFromHeap(dx);
    dxView.fill(0);
    avgPoolBackward(backend.typedArrayFromHeap(dy), dxView, g);
    return dx;
  };
}
