// Runs Debian's headless Chromium on a local file. CI installs chromium (.ci/run); when it is
// missing the calling test fails with a clear message instead of skipping.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => p !== undefined && p !== '');
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) {
    throw new Error(`headless Chromium not found (looked at ${candidates.join(', ')}): install Debian's "chromium" package (CI does it in .ci/run) or set CHROMIUM=/path/to/chromium`);
  }
  return found;
}

export interface ChromiumRun {
  status: number | null;
  stdout: string;
  /** Console messages the page logged (Chromium's CONSOLE log lines). */
  console: string[];
  stderr: string;
}

/** Loads `file` headless with the flags the CI environment needs; `extra` adds --dump-dom, --screenshot=... */
export function runChromium(file: string, extra: readonly string[]): ChromiumRun {
  const profile = mkdtempSync(join(tmpdir(), 'hibiki-chromium-'));
  try {
    const r = spawnSync(
      chromiumPath(),
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        '--enable-logging=stderr',
        '--v=0',
        ...extra,
        pathToFileURL(file).href,
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    if (r.error !== undefined) throw r.error;
    const stderr = r.stderr;
    return { status: r.status, stdout: r.stdout, stderr, console: stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l)) };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
