/**
 * Float32 tensors in one SharedArrayBuffer, the channel for weights (main -> workers) and
 * gradients (worker -> main). Compared with posting Float32Arrays, it saves a structured-clone copy
 * and a fresh ArrayBuffer per tensor, per step and direction, and so garbage-collector work.
 * Ordering: one side writes, then posts a message; the other reads after receiving it. The writer
 * does not touch the buffer again until the reader has answered (a step is a barrier). On the cpu
 * backend `tf.tensor(view)` keeps the view without copying, so a replica's variables alias the
 * weight buffer between steps; that is harmless for the same reason.
 */

/** Views `[size(shape)]` over consecutive parts of `buffer`, one per shape. */
export function sharedViews(buffer: SharedArrayBuffer, shapes: readonly number[][]): Float32Array[] {
  let offset = 0;
  return shapes.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const view = new Float32Array(buffer, offset * 4, n);
    offset += n;
    return view;
  });
}

/** A SharedArrayBuffer that holds one float32 tensor of each shape. */
export function sharedBufferFor(shapes: readonly number[][]): SharedArrayBuffer {
  const total = shapes.reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);
  return new SharedArrayBuffer(Math.max(4, total * 4));
}
