// Runs the real `baton` CLI from source (through tsx) in a child process, for end-to-end command tests.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `baton <args>` and returns its exit status and output. */
export function runCli(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', resolve(REPO, 'src/cli/main.ts'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    env: { ...process.env, ...opts.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
