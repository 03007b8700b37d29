/**
 * The .npy format (numpy format version 1.0) for 2-D little-endian float32 arrays in C order:
 * magic `\x93NUMPY`, version bytes 1 0, uint16 header length, a Python dict literal padded with
 * spaces to a multiple of 64 bytes and ended by a newline, then the raw data.
 * numpy reads these with `np.load(path, mmap_mode="r")`.
 */
import { HibikiError } from '../../errors.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Header of a 2-D float32 .npy file. */
export interface NpyInfo {
  rows: number;
  dim: number;
  /** Byte offset of the first value. */
  dataOffset: number;
}

/** Header bytes for a `<f4` C-order array of shape (rows, dim). */
export function npyHeader(rows: number, dim: number): Uint8Array {
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(MAGIC.length + 4 + dict.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = dict.length & 0xff;
  out[9] = dict.length >> 8;
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  return out;
}

/**
 * Parses the header of a float32 2-D .npy file (versions 1.0-3.0).
 * @param head the first bytes of the file (at least the whole header)
 * @throws HibikiError `NPY_INVALID` for anything but a little-endian float32 C-order 2-D array
 */
export function parseNpyHeader(head: Uint8Array, file: string): NpyInfo {
  const bad = (found: string): never => {
    throw new HibikiError('NPY_INVALID', 'not a float32 2-D .npy file', {
      file,
      expected: "numpy v1-3 header, descr '<f4', fortran_order False, 2-D shape",
      found,
    });
  };
  if (head.length < 10 || MAGIC.some((b, i) => head[i] !== b)) bad('no \\x93NUMPY magic');
  const major = head[6]!;
  const lenBytes = major === 1 ? 2 : 4;
  if (major < 1 || major > 3) bad(`format version ${major}`);
  const headerLen = lenBytes === 2 ? head[8]! | (head[9]! << 8) : new DataView(head.buffer, head.byteOffset + 8, 4).getUint32(0, true);
  const start = 8 + lenBytes;
  if (head.length < start + headerLen) bad('truncated header');
  const text = Buffer.from(head.subarray(start, start + headerLen)).toString('latin1');
  const descr = /'descr':\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(text)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr !== '<f4') bad(`descr ${descr ?? 'missing'}`);
  if (fortran !== 'False') bad(`fortran_order ${fortran ?? 'missing'}`);
  const dims = (shape ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (dims.length !== 2 || !dims.every((d) => Number.isInteger(d) && d >= 0)) bad(`shape (${shape ?? ''})`);
  return { rows: dims[0]!, dim: dims[1]!, dataOffset: start + headerLen };
}
