// Types for wav-decoder 1.3 (the package ships none). Only src/audio imports it.
declare module 'wav-decoder' {
  interface DecodedWav {
    numberOfChannels: number;
    length: number;
    sampleRate: number;
    channelData: Float32Array[];
  }
  interface DecodeOptions {
    /** Scale every integer sample by 2^(bits-1) instead of by 2^(bits-1) or 2^(bits-1)-1 by sign. */
    symmetric?: boolean;
  }
  interface Decode {
    (buffer: ArrayBuffer, options?: DecodeOptions): Promise<DecodedWav>;
    sync(buffer: ArrayBuffer, options?: DecodeOptions): DecodedWav;
  }
  const WavDecoder: { decode: Decode };
  export = WavDecoder;
}
