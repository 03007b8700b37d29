/**
 * Worker-thread entry of feature extraction: receives shard jobs, answers with results,
 * progress and errors. Loaded as worker.ts under tsx (tests) or worker.js from dist/.
 */
import { parentPort } from 'node:worker_threads';
import { computeShard } from './shard.js';
import { serializeError, type FromWorker, type ToWorker } from './worker-protocol.js';

const port = parentPort;
if (port !== null) {
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'exit') {
      port.close();
      return;
    }
    try {
      const result = computeShard(msg.job, (utt, frames, seconds) => {
        port.postMessage({ type: 'progress', utt, frames, seconds } satisfies FromWorker);
      });
      port.postMessage({ type: 'done', result } satisfies FromWorker);
    } catch (e) {
      port.postMessage({ type: 'error', error: serializeError(e) } satisfies FromWorker);
    }
  });
}
