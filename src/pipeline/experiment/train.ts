/**
 * `trainExperiment`: the whole training run of an experiment directory. Selects the backend,
 * extracts (or reuses) features of the training and dev sets, builds the vocabulary and the label
 * prior, makes batches, the model and the loss, runs the training loop with a dev-set validation
 * function (FER / F1 / token error rate), and exports the best (else final) model with its
 * frontend to `<expDir>/model/`. A killed run continues with `resume: true` from the loop's
 * checkpoints and reproduces the uninterrupted run's numbers on a deterministic backend.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readPriors, Vocabulary, writePriors, type CmvnStats, type LabelPriors } from '../../data/index.js';
import { HibikiError } from '../../errors.js';
import { buildModel, selectBackend, withOutputActivation, type BackendInfo } from '../../nn/index.js';
import { ctcPriorFromTranscripts, ctcUniformPrior, type CtcSmoothing } from '../../nn/ctc/index.js';
import {
  buildSeeded,
  experimentModelDir,
  exportModel,
  fileLoadHandler,
  listCheckpoints,
  train,
  type BestRecord,
  type TrainTask,
} from '../../train/index.js';
import { appendJsonl } from '../../util/jsonl.js';
import { log } from '../../util/log.js';
import { loopConfigOf, writeExperimentConfig, type ExperimentConfig } from './config.js';
import { alignmentSource, buildVocabulary, eventSource, globalCmvn, labelPriorOf, openDataset, textSource, type DatasetRef, type OpenDataset } from './datasets.js';
import { frontendOf, networkShapeOf } from './frontend.js';
import type { Normalisation } from './predict.js';
import { devValidator } from './scoring.js';
import { ctcTask, frameTask, multiLabelTask, type ExperimentTask } from './tasks.js';

/** What trainExperiment reports as it goes. */
export type ExperimentProgress =
  | { stage: 'backend'; backend: string }
  | { stage: 'features'; set: string }
  | { stage: 'train'; epoch: number; batch: number; batchesPerEpoch: number }
  | { stage: 'export'; modelDir: string };

export interface TrainExperimentOptions {
  config: ExperimentConfig;
  train: DatasetRef;
  dev?: DatasetRef;
  /** Experiment directory `exp/<name>/`. */
  expDir: string;
  /** Continue from the newest checkpoint. */
  resume?: boolean;
  /** Feature extraction threads (0: in this thread). Default 1. */
  numJobs?: number;
  /** Accept wav.scp paths outside the data directories. */
  allowOutside?: boolean;
  /** Let SIGINT/SIGTERM save a checkpoint and stop (default true). */
  handleSignals?: boolean;
  onProgress?: (p: ExperimentProgress) => void;
}

export interface TrainSummary {
  status: 'completed' | 'early-stopped' | 'interrupted';
  step: number;
  epoch: number;
  best: BestRecord | null;
  resumedFrom: number | null;
  backend: BackendInfo;
  /** The exported model directory, or null when the run was interrupted. */
  modelDir: string | null;
  classes: number;
  trainUtterances: number;
}

/** Files of an experiment directory besides the loop's. */
export const EXPERIMENT_FILES = { vocabulary: 'vocab.txt', priors: 'priors.json', model: 'model' } as const;

/** The label prior used by the losses and saved in frontend.json: add-one unigram, or CTC's. */
function lossPrior(config: ExperimentConfig, priors: LabelPriors, ds: OpenDataset, vocab: Vocabulary): Float64Array {
  if (config.task !== 'ctc') return Float64Array.from(priors.probabilities);
  if (config.loss.smoothing === 'uniform') return ctcUniformPrior(vocab.size);
  const src = textSource(ds, config, vocab);
  return ctcPriorFromTranscripts(
    src.utterances.map((u) => src.targets(u).labels),
    vocab.size,
    { blankShare: config.loss.blankShare },
  );
}

function normalisationOf(config: ExperimentConfig, cmvn: CmvnStats | undefined): Normalisation {
  return { type: config.cmvn.type, normVars: config.cmvn.normVars, ...(cmvn === undefined ? {} : { stats: cmvn }) };
}

/** The task of the experiment's kind over the training set. */
function taskOf(config: ExperimentConfig, ds: OpenDataset, vocab: Vocabulary, dim: number, cmvn: CmvnStats | undefined, prior: Float64Array): ExperimentTask<unknown> {
  if (config.task === 'frame') return frameTask(config, alignmentSource(ds, config, vocab), dim, vocab.size, cmvn, Float32Array.from(prior)) as ExperimentTask<unknown>;
  if (config.task === 'multilabel') return multiLabelTask(config, eventSource(ds, config, vocab), dim, vocab.size, cmvn) as ExperimentTask<unknown>;
  const smoothing: CtcSmoothing | undefined = config.loss.smoothing === 'none' || config.loss.epsilon === 0 ? undefined : { epsilon: config.loss.epsilon, prior };
  return ctcTask(config, textSource(ds, config, vocab), dim, cmvn, smoothing, vocab.size) as ExperimentTask<unknown>;
}

/**
 * Trains an experiment (see the module comment).
 * @throws HibikiError `TRAIN_EXP_EXISTS` (checkpoints present without resume), data, feature,
 *   vocabulary and loop errors
 */
export async function trainExperiment(options: TrainExperimentOptions): Promise<TrainSummary> {
  const { config, expDir } = options;
  const progress = options.onProgress ?? (() => undefined);
  const ckpts = listCheckpoints(join(expDir, 'checkpoints'));
  if (options.resume !== true && ckpts.length > 0) {
    throw new HibikiError('TRAIN_EXP_EXISTS', 'the experiment directory already has checkpoints', {
      file: expDir,
      expected: '--resume, or a new experiment directory',
      found: `${ckpts.length} checkpoints`,
    });
  }
  const backend = await selectBackend(config.backend);
  progress({ stage: 'backend', backend: backend.name });
  mkdirSync(expDir, { recursive: true });
  writeExperimentConfig(expDir, config, { backend: backend.name, train: options.train.dataDir, ...(options.dev === undefined ? {} : { dev: options.dev.dataDir }) });

  const dsOptions = { ...(options.numJobs === undefined ? {} : { numJobs: options.numJobs }), ...(options.allowOutside === true ? { allowOutside: true } : {}) };
  progress({ stage: 'features', set: options.train.name });
  const trainSet = await openDataset(options.train, config.features, expDir, { ...dsOptions, labelFile: { file: config.labels.file, task: config.task } });
  let devSet: OpenDataset | undefined;
  if (options.dev !== undefined) {
    progress({ stage: 'features', set: options.dev.name });
    devSet = await openDataset(options.dev, config.features, expDir, { ...dsOptions, labelFile: { file: config.labels.evalFile ?? config.labels.file, task: config.task } });
  }
  try {
    // A resumed run keeps the vocabulary and prior it started with, whatever the data now says.
    const vocabPath = join(expDir, EXPERIMENT_FILES.vocabulary);
    const priorsPath = join(expDir, EXPERIMENT_FILES.priors);
    const resuming = options.resume === true && ckpts.length > 0 && existsSync(vocabPath) && existsSync(priorsPath);
    const vocab = resuming ? Vocabulary.read(vocabPath, { unk: config.labels.unk }) : buildVocabulary(config, trainSet.data);
    const priors = resuming ? readPriors(priorsPath) : labelPriorOf(trainSet, config, vocab);
    if (!resuming) {
      vocab.write(vocabPath);
      writePriors(priorsPath, priors);
    }
    if (vocab.size < (config.task === 'ctc' ? 2 : config.task === 'frame' ? 2 : 1)) {
      throw new HibikiError('VOCAB_TOO_SMALL', 'too few labels in the training data', { file: options.train.dataDir, expected: config.task === 'multilabel' ? '>= 1 class' : '>= 2 labels', found: String(vocab.size) });
    }
    const dim = trainSet.archive.entries[0]?.dim;
    if (dim === undefined) throw new HibikiError('DATA_EMPTY', 'the training set has no utterances with features', { file: options.train.dataDir });
    const cmvn = globalCmvn(config, trainSet.archive);
    const prior = lossPrior(config, priors, trainSet, vocab);
    const task = taskOf(config, trainSet, vocab, dim, cmvn, prior);
    const model = buildSeeded(config.seed, () => buildModel(config.model, { inputDim: task.inputDim, numClasses: vocab.size, seed: config.seed }));
    const shape = networkShapeOf(config);
    const norm = normalisationOf(config, cmvn);
    const validate = devSet === undefined ? undefined : devValidator(config, devSet, vocab, shape, norm);
    const logPath = join(expDir, 'train.jsonl');
    let announced = false;
    const trainTask: TrainTask<unknown> = {
      ...task,
      model,
      batches: (epoch, start) => {
        // The loop truncates train.jsonl before its first batch, so the run record goes in here.
        if (!announced) {
          announced = true;
          appendJsonl(logPath, { kind: 'run', step: 0, epoch, startBatch: start, backend: backend.name, requestedBackend: backend.requested, task: config.task, classes: vocab.size, time: new Date().toISOString() });
        }
        return withProgress(task.batches(epoch, start), epoch, start, task.batchesPerEpoch, progress);
      },
    };
    log('info', 'training', { expDir, task: config.task, model: config.model.type, backend: backend.name, classes: vocab.size, batchesPerEpoch: task.batchesPerEpoch });
    const result = await train(trainTask, {
      expDir,
      config: loopConfigOf(config, devSet !== undefined),
      resume: options.resume === true,
      ...(validate === undefined ? {} : { validate }),
      ...(options.handleSignals === undefined ? {} : { handleSignals: options.handleSignals }),
    });
    model.dispose();
    let modelDir: string | null = null;
    if (result.status !== 'interrupted') {
      modelDir = join(expDir, EXPERIMENT_FILES.model);
      const trained = await tf.loadLayersModel(fileLoadHandler(experimentModelDir(expDir)));
      const withActivation = withOutputActivation(trained, config.task === 'multilabel' ? 'sigmoid' : 'softmax');
      await exportModel(withActivation, modelDir, frontendOf(config, vocab, cmvn, prior));
      trained.dispose();
      progress({ stage: 'export', modelDir });
    }
    return { ...result, backend, modelDir, classes: vocab.size, trainUtterances: trainSet.archive.entries.length };
  } finally {
    trainSet.archive.close();
    devSet?.archive.close();
  }
}

function* withProgress<B>(batches: Iterable<B>, epoch: number, start: number, perEpoch: number, progress: (p: ExperimentProgress) => void): Generator<B> {
  let batch = start;
  for (const b of batches) {
    progress({ stage: 'train', epoch, batch, batchesPerEpoch: perEpoch });
    batch += 1;
    yield b;
  }
}
