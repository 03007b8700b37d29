/**
 * Choice lists the CLI's option definitions and help text need before any command runs. Their
 * owners (src/nn/backend.ts, src/data/importers/prepare.ts) load tfjs or zod and the importers,
 * which `hibiki --help` must not pay for; each copy has a type check that fails the build when it
 * and the owner's list differ, and test/unit/cli/lazy-imports.test.ts compares them at run time.
 */
import type { BackendName } from '../../nn/index.js';
import type { PrepareFormat } from '../../data/importers/prepare.js';

/** Equals src/nn's BACKEND_NAMES. */
export const CLI_BACKEND_NAMES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const satisfies readonly BackendName[];

/** Equals src/data/importers' PREPARE_FORMATS. */
export const CLI_PREPARE_FORMATS = ['wav-folder', 'textgrid', 'htk-lab', 'audacity', 'dcase', 'timit', 'class-folders', 'transcript'] as const satisfies readonly PrepareFormat[];

// Compile only while every name of the owner's list is in the copy (the reverse is the `satisfies`).
const everyBackendListed: BackendName extends (typeof CLI_BACKEND_NAMES)[number] ? true : never = true;
const everyFormatListed: PrepareFormat extends (typeof CLI_PREPARE_FORMATS)[number] ? true : never = true;
void everyBackendListed;
void everyFormatListed;
