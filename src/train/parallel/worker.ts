/**
 * Worker-thread entry of data-parallel training: holds one replica of the task's model and loss,
 * and answers each step's shard with its loss and gradients. Loaded as worker.ts under tsx
 * (tests, `npm run hibiki`) or worker.js from dist/ (see spawn.ts).
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { HibikiError } from '../../errors.js';
import { selectBackend, type BackendName } from '../../nn/backend.js';
import { shardGradients } from './gradients.js';
import { serializeError, type FromReplica, type ToReplica } from './protocol.js';
import { sharedViews } from './shared.js';
import type { Replica, ReplicaFactory, ReplicaSpec } from './types.js';

async function loadReplica(spec: ReplicaSpec, weightShapes: number[][], gradShapes: number[][]): Promise<Replica<unknown>> {
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const factory = mod[spec.factory];
  if (typeof factory !== 'function') {
    throw new HibikiError('TRAIN_REPLICA_INVALID', 'the replica module has no such factory', { file: spec.module, expected: `an exported function ${spec.factory}`, found: typeof factory }, 1);
  }
  const replica = await (factory as ReplicaFactory)(spec.args);
  const shapes = [...replica.model.weights, ...replica.model.trainableWeights].map((w) => w.shape.join('x'));
  const want = [...weightShapes, ...gradShapes].map((s) => s.join('x'));
  if (shapes.join(',') !== want.join(',')) {
    throw new HibikiError('TRAIN_REPLICA_INVALID', 'the replica model does not match the trained model', { file: spec.module, expected: `weights [${want.join(', ')}]`, found: `[${shapes.join(', ')}]` }, 1);
  }
  return replica;
}

const port = parentPort;
if (port !== null) {
  let replica: Replica<unknown> | null = null;
  let shapes: number[][] = [];
  let weightViews: Float32Array[] = [];
  let gradViews: Float32Array[] = [];
  let vars: tf.Variable[] = [];
  const post = (msg: FromReplica): void => port.postMessage(msg);
  port.on('message', (msg: ToReplica) => {
    if (msg.type === 'init') {
      void (async () => {
        try {
          await selectBackend(msg.backend as BackendName, {});
          replica = await loadReplica(msg.replica, msg.weightShapes, msg.gradShapes);
          shapes = msg.weightShapes;
          weightViews = sharedViews(msg.weights, msg.weightShapes);
          gradViews = sharedViews(msg.grads, msg.gradShapes);
          vars = replica.model.trainableWeights.map((w) => w.read() as tf.Variable);
          post({ type: 'ready' });
        } catch (e) {
          post({ type: 'error', error: serializeError(e) });
        }
      })();
      return;
    }
    try {
      if (replica === null) throw new HibikiError('TRAIN_WORKER_FAILED', 'step before init', {}, 1);
      const model = replica.model;
      const values = weightViews.map((w, i) => tf.tensor(w, shapes[i]!, 'float32'));
      model.setWeights(values);
      tf.dispose(values);
      const { loss, grads } = shardGradients(model, replica.lossFn, msg.batch, vars, msg.seed, msg.step, msg.shard, msg.scale);
      grads.forEach((g, i) => gradViews[i]!.set(g.dataSync() as Float32Array));
      tf.dispose(grads);
      post({ type: 'grads', step: msg.step, loss });
    } catch (e) {
      post({ type: 'error', error: serializeError(e) });
    }
  });
}
