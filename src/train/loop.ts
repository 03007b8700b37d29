/**
 * hibiki's training loop. Unlike `model.fit` (Math.random shuffling, no resume) every source of
 * randomness is a pure function of (seed, epoch, step), and the whole loop state is checkpointed,
 * so a run killed at any point and resumed with `resume: true` reproduces the uninterrupted run's
 * loss curve bit for bit on a deterministic backend (see docs/training.md).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { HibikiError } from '../errors.js';
import { log } from '../util/log.js';
import type { TrainConfig } from './config.js';
import { listCheckpoints, loadLatestCheckpoint, pruneCheckpoints, saveCheckpoint } from './checkpoint.js';
import { removeStaleModelDirs, saveModelDir } from './model-io.js';
import { Optimizer } from './optimizers.js';
import { appendRecord, ProgressBar, truncateTrainLog } from './progress.js';
import { initialPlateauState, learningRateAt, updatePlateau, type PlateauState } from './schedule.js';
import { parallelTrainStep, startReplicas } from './parallel/step.js';
import type { ReplicaGroup } from './parallel/group.js';
import { modelTensors, restoreModel, trainStep } from './step.js';
import type { TrainTask } from './task.js';

export interface TrainOptions {
  /** Experiment directory `exp/<name>/` (train.jsonl, checkpoints/, best/, final/). */
  expDir: string;
  config: TrainConfig;
  /** Continue from the newest valid checkpoint (a fresh start when there is none). Default false. */
  resume?: boolean;
  /** Dev-set evaluation at each epoch end; the monitored metric must be one of its keys. */
  validate?: (model: tf.LayersModel) => Promise<Record<string, number>>;
  /** Save a checkpoint and return on SIGINT/SIGTERM. Default true. */
  handleSignals?: boolean;
}

export interface BestRecord {
  metric: string;
  mode: 'min' | 'max';
  value: number;
  epoch: number;
  step: number;
}

export interface TrainResult {
  status: 'completed' | 'early-stopped' | 'interrupted';
  /** Updates done in total. */
  step: number;
  /** Epochs closed. */
  epoch: number;
  best: BestRecord | null;
  /** Step of the checkpoint this run resumed from, or null. */
  resumedFrom: number | null;
}

/** Everything besides tensors that a checkpoint restores. */
interface LoopState {
  step: number;
  epoch: number;
  batchInEpoch: number;
  epochLossSum: number;
  epochFrames: number;
  windowLossSum: number;
  windowSteps: number;
  optimizerUpdates: number;
  plateau: PlateauState;
  best: BestRecord | null;
  badEpochs: number;
  stopped: boolean;
  seed: number;
  config: TrainConfig;
  task: unknown;
}

function freshState(config: TrainConfig): LoopState {
  return {
    step: 0,
    epoch: 0,
    batchInEpoch: 0,
    epochLossSum: 0,
    epochFrames: 0,
    windowLossSum: 0,
    windowSteps: 0,
    optimizerUpdates: 0,
    plateau: initialPlateauState(),
    best: null,
    badEpochs: 0,
    stopped: false,
    seed: config.seed,
    config,
    task: null,
  };
}

function improves(value: number, best: number | null, mode: 'min' | 'max', minDelta: number): boolean {
  if (best === null) return true;
  return mode === 'min' ? value < best - minDelta : value > best + minDelta;
}

/**
 * Trains `task.model` in place.
 * @returns how the run ended; the model holds the last weights (the best ones are in `best/`)
 * @throws HibikiError `TRAIN_EXP_EXISTS` when checkpoints exist and `resume` is not set,
 *   `CHECKPOINT_MISMATCH`, `TRAIN_LOSS_NOT_FINITE`, `MONITOR_METRIC_MISSING`
 */
export async function train<B>(task: TrainTask<B>, options: TrainOptions): Promise<TrainResult> {
  const cfg = options.config;
  const { expDir } = options;
  const ckptRoot = join(expDir, 'checkpoints');
  const logPath = join(expDir, 'train.jsonl');
  mkdirSync(expDir, { recursive: true });
  removeStaleModelDirs(expDir);
  const model = task.model;
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = new Optimizer(cfg.optimizer, vars);
  const perEpoch = task.batchesPerEpoch;
  const totalSteps = perEpoch * cfg.epochs;
  let state = freshState(cfg);
  let resumedFrom: number | null = null;

  if (options.resume === true) {
    const ck = loadLatestCheckpoint<LoopState>(ckptRoot);
    if (ck !== undefined) {
      const modelPart = ck.tensors.filter((t) => t.name.startsWith('model/'));
      const optPart = ck.tensors.filter((t) => t.name.startsWith('optimizer/'));
      restoreModel(model, modelPart, ck.dir);
      optimizer.setState({
        updates: ck.state.optimizerUpdates,
        slots: optPart.map((t) => ({ ...t, name: t.name.slice('optimizer/'.length) })),
      });
      if (JSON.stringify(ck.state.config) !== JSON.stringify(cfg)) {
        log('warn', 'resuming with a training config that differs from the checkpoint', { checkpoint: ck.dir });
      }
      state = { ...ck.state, config: cfg };
      if (task.setState !== undefined && ck.state.task !== null) task.setState(ck.state.task);
      resumedFrom = ck.step;
      truncateTrainLog(logPath, state.step, state.epoch);
      log('info', 'resumed', { checkpoint: ck.dir, step: state.step, epoch: state.epoch, batch: state.batchInEpoch });
    } else log('info', 'no checkpoint to resume from; starting afresh', { dir: ckptRoot });
  } else if (listCheckpoints(ckptRoot).length > 0) {
    throw new HibikiError('TRAIN_EXP_EXISTS', 'the experiment directory already has checkpoints', {
      file: expDir,
      expected: 'resume: true (--resume) or a new experiment directory',
      found: `${listCheckpoints(ckptRoot).length} checkpoints`,
    });
  }
  if (resumedFrom === null && existsSync(logPath)) truncateTrainLog(logPath, -1, 0);

  const checkpoint = (): void => {
    state.optimizerUpdates = optimizer.getState().updates;
    state.task = task.getState?.() ?? null;
    const opt = optimizer.getState();
    const tensors = [...modelTensors(model), ...opt.slots.map((s) => ({ ...s, name: `optimizer/${s.name}` }))];
    saveCheckpoint(ckptRoot, state.step, tensors, state);
    pruneCheckpoints(ckptRoot, cfg.keepCheckpoints);
  };

  let stopSignal: string | null = null;
  // The first signal asks for a clean stop; the handlers are then removed, so a second one
  // terminates the process the default way (an impatient Ctrl-C still works).
  const onSignal = (sig: NodeJS.Signals): void => {
    stopSignal = sig;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  if (options.handleSignals !== false) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const bar = new ProgressBar(cfg.progress === 'bar' || (cfg.progress === 'auto' && process.stderr.isTTY === true), totalSteps, state.step);
  let windowFrames = 0;
  let windowStart = performance.now();
  const result = (status: TrainResult['status']): TrainResult => ({
    status,
    step: state.step,
    epoch: state.epoch,
    best: state.best,
    resumedFrom,
  });

  let replicas: ReplicaGroup | null = null;
  try {
    if (state.stopped) return result('early-stopped');
    if (cfg.jobs > 1) {
      replicas = await startReplicas(task, cfg.jobs);
      log('info', 'data-parallel training', { jobs: cfg.jobs });
    }
    const parallelTask = replicas === null ? null : (task as TrainTask<B> & { parallel: NonNullable<TrainTask<B>['parallel']> });
    while (state.epoch < cfg.epochs) {
      for (const batch of task.batches(state.epoch, state.batchInEpoch)) {
        const lr = learningRateAt(state.step, totalSteps, cfg.optimizer.learningRate, cfg.schedule, state.plateau);
        const { loss, gradNorm } =
          replicas === null || parallelTask === null
            ? trainStep(task, batch, vars, optimizer, lr, cfg.clipNorm, state.seed, state.step)
            : await parallelTrainStep(parallelTask, replicas, batch, vars, optimizer, lr, cfg.clipNorm, state.seed, state.step);
        const frames = task.frames(batch);
        state.step += 1;
        state.batchInEpoch += 1;
        state.epochLossSum += loss * frames;
        state.epochFrames += frames;
        state.windowLossSum += loss;
        state.windowSteps += 1;
        windowFrames += frames;
        if (state.step % cfg.logEvery === 0) {
          const now = performance.now();
          const fps = (windowFrames * 1000) / Math.max(1e-3, now - windowStart);
          appendRecord(logPath, {
            kind: 'step',
            step: state.step,
            epoch: state.epoch,
            loss: state.windowLossSum / state.windowSteps,
            lr,
            gradNorm,
            framesPerSecond: fps,
            time: new Date().toISOString(),
          });
          bar.update(state.step, state.epoch, state.windowLossSum / state.windowSteps, fps);
          state.windowLossSum = 0;
          state.windowSteps = 0;
          windowFrames = 0;
          windowStart = now;
        }
        if (cfg.checkpointEvery > 0 && state.step % cfg.checkpointEvery === 0) checkpoint();
        // Lets signal handlers run between the synchronous steps.
        await new Promise((resolve) => setImmediate(resolve));
        if (stopSignal !== null) {
          checkpoint();
          log('info', 'interrupted: checkpoint saved', { signal: stopSignal, step: state.step });
          return result('interrupted');
        }
      }
      if (state.batchInEpoch < perEpoch) {
        throw new HibikiError('TRAIN_BATCH_COUNT', 'the task yielded fewer batches than it announced', {
          expected: `${perEpoch} batches in epoch ${state.epoch}`,
          found: String(state.batchInEpoch),
        }, 1);
      }
      const early = await closeEpoch(state, task.model, cfg, options, expDir, logPath);
      checkpoint();
      if (early) return result('early-stopped');
      if (stopSignal !== null) return result('interrupted');
    }
    return result('completed');
  } finally {
    bar.stop();
    await replicas?.close();
    if (options.handleSignals !== false) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    const status = state.stopped || state.epoch >= cfg.epochs;
    if (status) await saveModelDir(model, join(expDir, 'final'), { 'final.json': { step: state.step, epoch: state.epoch } });
    optimizer.dispose();
  }
}

/** Validation, best model, plateau and early stopping at an epoch end; returns true to stop. */
async function closeEpoch(
  state: LoopState,
  model: tf.LayersModel,
  cfg: TrainConfig,
  options: TrainOptions,
  expDir: string,
  logPath: string,
): Promise<boolean> {
  const dev = options.validate === undefined ? {} : await options.validate(model);
  let stop = false;
  if (cfg.monitor !== null && options.validate !== undefined) {
    const { metric, mode, minDelta } = cfg.monitor;
    const value = dev[metric];
    if (value === undefined || !Number.isFinite(value)) {
      throw new HibikiError('MONITOR_METRIC_MISSING', 'the validation function did not return the monitored metric', {
        expected: metric,
        found: Object.keys(dev).join(', ') || 'no metrics',
      });
    }
    const better = improves(value, state.best?.value ?? null, mode, minDelta);
    if (better) {
      state.best = { metric, mode, value, epoch: state.epoch, step: state.step };
      state.badEpochs = 0;
      await saveModelDir(model, join(expDir, 'best'), { 'best.json': state.best });
    } else state.badEpochs += 1;
    if (cfg.schedule.plateau !== undefined) {
      const plateauBetter = improves(value, state.plateau.best, mode, minDelta);
      state.plateau = updatePlateau(cfg.schedule.plateau, state.plateau, value, plateauBetter);
    }
    if (cfg.earlyStoppingPatience !== null && state.badEpochs > cfg.earlyStoppingPatience) stop = true;
  }
  appendRecord(logPath, {
    kind: 'epoch',
    epoch: state.epoch,
    step: state.step,
    trainLoss: state.epochFrames > 0 ? state.epochLossSum / state.epochFrames : 0,
    dev,
    time: new Date().toISOString(),
  });
  state.epoch += 1;
  state.batchInEpoch = 0;
  state.epochLossSum = 0;
  state.epochFrames = 0;
  state.stopped = stop;
  return stop;
}
