/**
 * Learning-rate schedules: linear warm-up, then constant, cosine or step decay, all multiplied by
 * the reduce-on-plateau factor. The schedule is a pure function of the step plus the small plateau
 * state, which checkpoints carry.
 */

/** Resolved schedule settings. */
export interface ScheduleConfig {
  /** Steps of linear warm-up from `lr/warmupSteps` to `lr`. Default 0. */
  warmupSteps: number;
  /** Decay after warm-up. Default `constant`. */
  decay: 'constant' | 'cosine' | 'step';
  /** Floor of cosine decay (absolute learning rate). Default 0. */
  minLearningRate: number;
  /** `step` decay: multiply by `gamma` every `stepSize` steps. */
  stepSize: number;
  gamma: number;
  /** Reduce-on-plateau on the monitored dev metric; undefined = off. */
  plateau: PlateauConfig | undefined;
}

export interface PlateauConfig {
  /** Multiplier applied after `patience` epochs without improvement. Default 0.5. */
  factor: number;
  /** Epochs without improvement tolerated. Default 1. */
  patience: number;
  /** Lower bound of the factor times the base rate (absolute). Default 0. */
  minLearningRate: number;
}

/** State carried in checkpoints. */
export interface PlateauState {
  scale: number;
  best: number | null;
  badEpochs: number;
}

export function initialPlateauState(): PlateauState {
  return { scale: 1, best: null, badEpochs: 0 };
}

/**
 * Learning rate for update number `step` (0-based).
 * @param baseLr the optimiser's learning rate
 * @param totalSteps steps of the whole run (cosine decays over `totalSteps - warmupSteps`)
 */
export function learningRateAt(step: number, totalSteps: number, baseLr: number, c: ScheduleConfig, plateau: PlateauState): number {
  let lr = baseLr;
  if (step < c.warmupSteps) lr = (baseLr * (step + 1)) / c.warmupSteps;
  else if (c.decay === 'cosine') {
    const span = Math.max(1, totalSteps - c.warmupSteps);
    const p = Math.min(1, (step - c.warmupSteps) / span);
    lr = c.minLearningRate + (baseLr - c.minLearningRate) * 0.5 * (1 + Math.cos(Math.PI * p));
  } else if (c.decay === 'step') lr = baseLr * Math.pow(c.gamma, Math.floor(step / c.stepSize));
  const scaled = lr * plateau.scale;
  return c.plateau === undefined ? scaled : Math.max(scaled, Math.min(lr, c.plateau.minLearningRate));
}

/**
 * Updates the plateau state with an epoch's monitored metric.
 * @param improved whether `value` beats the best so far (the caller knows the mode and minDelta)
 */
export function updatePlateau(c: PlateauConfig, s: PlateauState, value: number, improved: boolean): PlateauState {
  if (improved || s.best === null) return { scale: s.scale, best: value, badEpochs: 0 };
  const bad = s.badEpochs + 1;
  if (bad > c.patience) return { scale: s.scale * c.factor, best: s.best, badEpochs: 0 };
  return { scale: s.scale, best: s.best, badEpochs: bad };
}
