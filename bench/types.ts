/** What a benchmark module exports (see bench/run.ts). */
export interface Benchmark {
  /** Short id, used on the command line and in the section markers of docs/benchmarks.md. */
  name: string;
  /** One line describing what is measured. */
  title: string;
  /** Runs the benchmark; returns its Markdown section (starting with a `## ` heading). */
  run(): Promise<string>;
}
