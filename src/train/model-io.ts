/**
 * tfjs IOHandlers over the local file system, writing the standard tfjs LayersModel layout
 * (`model.json` + `weights.bin`) that `tf.loadLayersModel` reads in Node and in a browser.
 * tfjs-node's `file://` handler would need the native package, which hibiki does not require.
 * Weights are written first and model.json last, each atomically.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { HibikiError } from '../errors.js';
import { writeChunksAtomic, writeJsonAtomic } from '../util/atomic.js';

const WEIGHTS_FILE = 'weights.bin';

function weightBuffers(data: tf.io.WeightData | undefined): ArrayBuffer[] {
  if (data === undefined) return [];
  return Array.isArray(data) ? data : [data];
}

/** An IOHandler for `model.save` that writes `dir/model.json` and `dir/weights.bin`. */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const buffers = weightBuffers(artifacts.weightData);
      writeChunksAtomic(join(dir, WEIGHTS_FILE), buffers.map((b) => new Uint8Array(b)));
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'],
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: 'hibiki',
      };
      if (artifacts.trainingConfig !== undefined) json.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata !== undefined) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      writeJsonAtomic(join(dir, 'model.json'), json);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/** An IOHandler for `tf.loadLayersModel` reading `dir/model.json` and the weight files it lists. */
export function fileLoadHandler(dir: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const path = join(dir, 'model.json');
      if (!existsSync(path)) {
        throw new HibikiError('MODEL_NOT_FOUND', 'no model.json in the model directory', { file: dir });
      }
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(readFileSync(path, 'utf8')) as tf.io.ModelJSON;
      } catch (cause) {
        throw new HibikiError('MODEL_INVALID', 'model.json is not valid JSON', { file: path, cause });
      }
      if (json.modelTopology === undefined || !Array.isArray(json.weightsManifest)) {
        throw new HibikiError('MODEL_INVALID', 'model.json is not a tfjs LayersModel', {
          file: path,
          expected: 'modelTopology and weightsManifest',
        });
      }
      const buffers: Uint8Array[] = [];
      for (const group of json.weightsManifest) {
        for (const p of group.paths) {
          if (p.includes('/') || p.includes('\\') || p.startsWith('.')) {
            throw new HibikiError('MODEL_INVALID', 'weight path leaves the model directory', { file: path, found: p });
          }
          const wp = join(dir, p);
          if (!existsSync(wp)) throw new HibikiError('MODEL_NOT_FOUND', 'weight file listed in model.json is missing', { file: wp });
          buffers.push(readFileSync(wp));
        }
      }
      const total = buffers.reduce((s, b) => s + b.byteLength, 0);
      const weightData = new Uint8Array(total);
      let o = 0;
      for (const b of buffers) {
        weightData.set(b, o);
        o += b.byteLength;
      }
      return tf.io.getModelArtifactsForJSONSync(json, json.weightsManifest.flatMap((g) => g.weights), weightData.buffer);
    },
  };
}

/**
 * Saves `model` as a tfjs LayersModel directory, atomically as a whole: written into a temporary
 * sibling, with optional extra JSON files, then swapped into place.
 * @param extra file name -> JSON value, written beside model.json (e.g. `best.json`)
 */
export async function saveModelDir(model: tf.LayersModel, dir: string, extra: Record<string, unknown> = {}): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const [name, value] of Object.entries(extra)) writeJsonAtomic(join(tmp, name), value);
  await model.save(fileSaveHandler(tmp));
  swapDir(tmp, dir);
}

/** Moves directory `tmp` to `dir`, replacing `dir` if it exists (old copy removed after the swap). */
export function swapDir(tmp: string, dir: string): void {
  if (existsSync(dir)) {
    const old = `${dir}.old-${process.pid}`;
    rmSync(old, { recursive: true, force: true });
    renameSync(dir, old);
    renameSync(tmp, dir);
    rmSync(old, { recursive: true, force: true });
  } else {
    mkdirSync(dirname(dir), { recursive: true });
    renameSync(tmp, dir);
  }
}

/** Removes `<name>.tmp-<pid>` / `<name>.old-<pid>` directories that killed runs left in `dir`. */
export function removeStaleModelDirs(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const m = /^[\w-]+\.(?:tmp|old)-(\d+)$/.exec(name);
    if (m !== null && Number(m[1]) !== process.pid) rmSync(join(dir, name), { recursive: true, force: true });
  }
}
