/** Worker of the MFCC benchmark: holds its slice of the audio, computes MFCC on each 'run'. */
import { parentPort } from 'node:worker_threads';
import { computeFeatures, resolveFeatureConfig } from '../src/features/index.js';

const port = parentPort;
if (port !== null) {
  const config = resolveFeatureConfig({});
  let audio: { samples: Float32Array; rate: number } | null = null;
  port.on('message', (msg: { samples: Float32Array; rate: number } | 'run' | 'exit') => {
    if (msg === 'exit') port.close();
    else if (msg === 'run') port.postMessage(computeFeatures(audio!.samples, audio!.rate, config).frames);
    else {
      audio = msg;
      port.postMessage(0);
    }
  });
}
