// Runs the real `baton` CLI from source (through tsx) in a child process, for end-to-end command tests.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The user `unprivileged` runs run as when the tests run as root: nobody. */
const NOBODY = 65_534;

/**
 * How permission errors can be exercised here: as this user when it is not root, as nobody through setpriv when root
 * (root may read and write anything, so the checks would never fire), or not at all (undefined: root without setpriv).
 */
export function unprivilegedRunner(): string[] | undefined {
  if (process.getuid?.() !== 0) return [];
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  return setpriv ? [setpriv, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--'] : undefined;
}

/**
 * Runs `baton <args>` and returns its exit status and output. `unprivileged`: as a user without root's rights
 * (see unprivilegedRunner; throws where there is none, so check first).
 */
export function runCli(args: string[], opts: { timeoutMs?: number; env?: Record<string, string>; unprivileged?: boolean } = {}): CliResult {
  const prefix = opts.unprivileged ? unprivilegedRunner() : [];
  if (!prefix) throw new Error('no way to run without root rights here (setpriv missing)');
  const command = [...prefix, process.execPath, '--import', 'tsx', resolve(REPO, 'src/cli/main.ts'), ...args];
  const r = spawnSync(command[0], command.slice(1), {
    cwd: REPO,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    // nobody cannot read root's home: give it the temporary folder instead.
    env: { ...process.env, ...(opts.unprivileged && prefix.length > 0 ? { HOME: tmpdir() } : {}), ...opts.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
