/**
 * Progress reporting: a cli-progress bar (loss, frames/s, ETA) when stderr is a TTY, and the
 * `train.jsonl` log (format in docs/training.md) always.
 */
import { existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { appendJsonl, readJsonl, writeJsonl } from '../util/jsonl.js';

/** A `train.jsonl` step record. */
export interface TrainStepRecord {
  kind: 'step';
  step: number;
  epoch: number;
  /** Mean training loss over the steps since the previous step record. */
  loss: number;
  lr: number;
  /** Optional global gradient norm (before clipping) of the last step. */
  gradNorm?: number;
  framesPerSecond: number;
  time: string;
}

/** A `train.jsonl` epoch record. */
export interface TrainEpochRecord {
  kind: 'epoch';
  epoch: number;
  step: number;
  /** Frame-weighted mean training loss of the epoch. */
  trainLoss: number;
  dev: Record<string, number>;
  time: string;
}

export type TrainRecord = TrainStepRecord | TrainEpochRecord;

/**
 * Drops records a checkpoint does not cover, so that a resumed run continues the log without
 * duplicates: step records after `step`, and epoch records of epochs not closed at the checkpoint.
 * A torn last line (killed writer) is dropped too.
 */
export function truncateTrainLog(path: string, step: number, openEpoch: number): void {
  if (!existsSync(path)) return;
  const kept = readJsonl<TrainRecord>(path, { tolerateTornTail: true }).filter((r) =>
    r.kind === 'epoch' ? r.epoch < openEpoch : r.step <= step,
  );
  writeJsonl(path, kept);
}

export function appendRecord(path: string, record: TrainRecord): void {
  appendJsonl(path, record);
}

/** The terminal bar; a no-op off a TTY or when disabled. */
export class ProgressBar {
  private bar: cliProgress.SingleBar | undefined;

  constructor(enabled: boolean, total: number, start: number) {
    if (!enabled) return;
    this.bar = new cliProgress.SingleBar(
      {
        format: 'epoch {epoch} {bar} {percentage}% | step {value}/{total} | loss {loss} | {fps} frames/s | ETA {eta_formatted}',
        stream: process.stderr,
        etaBuffer: 50,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, start, { epoch: 0, loss: '-', fps: '-' });
  }

  update(step: number, epoch: number, loss: number, fps: number): void {
    this.bar?.update(step, { epoch, loss: loss.toFixed(4), fps: Math.round(fps) });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
