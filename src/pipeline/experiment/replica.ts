/**
 * The replica factory of the experiment tasks for data-parallel training (`train.jobs` > 1): a
 * worker thread imports this module and rebuilds the task's model and loss from plain data.
 */
import { buildModel, type ModelConfig } from '../../nn/index.js';
import { buildSeeded, type Replica, type ReplicaSpec } from '../../train/index.js';
import { taskLossFn, type TaskBatch, type TaskLossSpec } from './task-loss.js';

/** What a worker needs to rebuild an experiment task's model and loss. */
export interface ExperimentReplicaArgs {
  model: ModelConfig;
  seed: number;
  inputDim: number;
  classes: number;
  loss: TaskLossSpec;
}

/** Builds the model as trainExperiment does (the weights are replaced by the trainer's anyway). */
export function experimentReplica(args: unknown): Replica<TaskBatch> {
  const a = args as ExperimentReplicaArgs;
  const model = buildSeeded(a.seed, () => buildModel(a.model, { inputDim: a.inputDim, numClasses: a.classes, seed: a.seed }));
  return { model, lossFn: taskLossFn(a.loss) };
}

/** The replica spec naming this module: its `.ts` source under tsx, its `.js` build from dist/. */
export function experimentReplicaSpec(args: ExperimentReplicaArgs): ReplicaSpec {
  return { module: import.meta.url, factory: 'experimentReplica', args };
}
