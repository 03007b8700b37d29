/**
 * `npm run bench [-- <name> ...]`: runs the benchmarks (all, or the named ones) and rewrites
 * their sections of docs/benchmarks.md, keeping the sections of benchmarks not run.
 * To add one: write bench/<topic>.ts exporting a `Benchmark`, and add one line to BENCHMARKS.
 * Benchmarks measure; they are not tests and assert nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/util/atomic.js';
import type { Benchmark } from './types.js';
import { mfccBenchmark } from './mfcc.js';
import { ctcBenchmark } from './ctc.js';
import { trainingBenchmark } from './training.js';

const BENCHMARKS: Benchmark[] = [
  mfccBenchmark,
  ctcBenchmark,
  trainingBenchmark,
];

const DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const HEADER = `# Benchmarks

Written by \`npm run bench\` (bench/run.ts); each section comes from one bench/<name>.ts and is
replaced only when that benchmark runs (\`npm run bench -- <name>\`). Numbers depend on the
machine and on its load at the time: each section says where and when it was measured.
`;

function markers(name: string): [string, string] {
  return [`<!-- bench:${name}:start -->`, `<!-- bench:${name}:end -->`];
}

/** Replaces (or appends) the section of `name` in the document text. */
export function replaceSection(doc: string, name: string, body: string): string {
  const [start, end] = markers(name);
  const block = `${start}\n${body.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) return doc.slice(0, i) + block + doc.slice(j + end.length);
  return `${doc.trimEnd()}\n\n${block}\n`;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !BENCHMARKS.some((b) => b.name === w));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown benchmark(s) ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
    process.exit(2);
  }
  const selected = wanted.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => wanted.includes(b.name));
  for (const b of selected) {
    process.stderr.write(`bench: ${b.name}: ${b.title}\n`);
    const section = await b.run();
    // Re-read each time so concurrent edits to other sections are not lost.
    const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : HEADER;
    writeFileAtomic(DOC, replaceSection(doc, b.name, section));
    process.stdout.write(section.trim() + '\n\n');
  }
}

if (process.argv[1] !== undefined && /bench[\\/]run\.(ts|js)$/.test(process.argv[1])) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
